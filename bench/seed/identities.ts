/**
 * National-number keys of the seeded members (docs/family-identity.md), so that `findKnownFamily` is measured on a
 * probe of a full index: each member born (not an expected child) gets a valid INSZ number made from her birth date
 * and her id, kept as the service keeps it — an HMAC-SHA256 under the bench's NATIONAL_NUMBER_KEY, never the number.
 * Two members whose numbers collide (same birth date, same serial) leave the second without a key.
 */
import { createHash } from 'node:crypto';
import type { Statement } from './sql.js';

/** The NATIONAL_NUMBER_KEY of the benchmarked service and of the seed (at least 32 characters). */
export const BENCH_NATIONAL_NUMBER_KEY = 'bench-national-number-key-0123456789abcdef';

/** The 11 digits of the seeded member's number: YYMMDD of `birthDate`, a serial from `id`, the check digits. */
export const seededNationalNumberSql = (birthDate: string, id: string) => `(
  SELECT nn.body || lpad((97 - ((CASE WHEN ${birthDate} >= date '2000-01-01' THEN 2000000000 ELSE 0 END + nn.body::bigint) % 97))::text, 2, '0')
    FROM (SELECT to_char(${birthDate}, 'YYMMDD') || lpad((1 + abs(hashtext(${id}::text)) % 997)::text, 3, '0') AS body) nn)`;

/**
 * HMAC-SHA256 (RFC 2104) of `label NUL value` under `key`, in SQL, as IdentityHasher computes it in Node: the inner
 * and outer padded keys are worked out here, so PostgreSQL needs only sha256().
 */
export function hmacSql(key: string, label: string, valueSql: string): string {
  let k = Buffer.from(key, 'utf8');
  if (k.length > 64) k = createHash('sha256').update(k).digest();
  const padded = Buffer.concat([k, Buffer.alloc(64 - k.length)]);
  const pad = (byte: number) => `'\\x${Buffer.from(padded.map((b) => b ^ byte)).toString('hex')}'::bytea`;
  const message = `convert_to(${`'${label}'`}, 'UTF8') || '\\x00'::bytea || convert_to(${valueSql}, 'UTF8')`;
  return `sha256(${pad(0x5c)} || sha256(${pad(0x36)} || ${message}))`;
}

/** The keys of the batch's members who are born. */
export function insertIdentities(): Statement[] {
  return [
    {
      sql: `INSERT INTO family_member_identity (id, member_id, family_id, national_number_hash, created_at)
        SELECT pg_temp.uid('member-identity', m.key, m.registered_at), m.id, fam.id, ${hmacSql(BENCH_NATIONAL_NUMBER_KEY, 'national-number', seededNationalNumberSql('m.birth_date', 'm.id'))}, m.registered_at
          FROM s_member m JOIN s_family fam USING (f) WHERE m.role <> 'UNBORN' AND m.birth_date IS NOT NULL ORDER BY m.key
        ON CONFLICT DO NOTHING`,
      counts: 'family_member_identity',
    },
  ];
}
