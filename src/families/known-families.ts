import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { devSecret } from '../auth/dev-secret.js';
import { badInput, DomainError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { conflictOnDuplicate } from '../database/postgres-errors.js';
import type { FamilyMember } from './family-member.entity.js';
import { type MemberPair, PAIRS, pairColumns } from './member-pair.js';
import type { FamilyMemberInput } from './dto/family-member.input.js';
import { FamilyLookupPurpose, type KnownFamily, KnownFamilyStatus, LookupMatch } from './dto/known-family.type.js';
import { IdentityHasher, parseNationalNumber } from './national-number.js';

/** What identifies one member: the keyed hashes of her number and of her name and birth date (either may be absent). */
export interface MemberKeys {
  numberHash: Buffer | null;
  nameHash: Buffer | null;
}

/** How many families one lookup names at most: a common name and birth date is no reason to list a register. */
export const MAX_MATCHES = 5;

/**
 * The families with a member of these hashes: an index probe of family_member_identity (its unique number index
 * and its name index, test/family-identity.e2e-spec.ts explains it), at most MAX_MATCHES families, a number
 * match first. Exported for that test.
 */
export const KNOWN_FAMILY_PROBE = `SELECT family_id, matched_by FROM (
    SELECT DISTINCT ON (i.family_id) i.family_id,
           CASE WHEN i.national_number_hash = ANY($1::bytea[]) THEN 'NATIONAL_NUMBER' ELSE 'NAME_AND_BIRTH_DATE' END AS matched_by
      FROM family_member_identity i
     WHERE i.national_number_hash = ANY($1::bytea[]) OR i.name_hash = ANY($2::bytea[])
     ORDER BY i.family_id, (i.national_number_hash = ANY($1::bytea[])) DESC NULLS LAST) hits
  ORDER BY matched_by DESC, family_id LIMIT ${MAX_MATCHES}`;

/**
 * Per family found: the agencies involved (an open case assignment, or on the team of its open plan), and
 * the trajectory supporter of its open plan (her agency, her name and her contact at work). No member, no content: the
 * family's network only, since every agency a family's records name is of its network. Parameters: the number
 * hashes and the name hashes (bytea arrays). Also the benchmark's limit side's (bench/limit/server.ts).
 */
export const KNOWN_FAMILY_ANSWER = `WITH hit AS (${KNOWN_FAMILY_PROBE})
  SELECT h.family_id, h.matched_by, s.plan_id, s.agency_id AS supporter_agency_id, sa.name AS supporter_agency_name,
         su.display_name AS supporter_name, su.work_email AS supporter_work_email, su.work_phone AS supporter_work_phone,
         su.work_contact_version AS supporter_work_contact_version,
         (SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'name', a.name) ORDER BY a.name, a.id), '[]')
            FROM agency a
           WHERE a.id IN (SELECT ca.agency_id FROM case_assignment ca WHERE ca.family_id = h.family_id AND ca.ended_at IS NULL
                          UNION SELECT pp.agency_id FROM plan op JOIN plan_participant pp ON pp.plan_id = op.id AND pp.removed_at IS NULL
                                 WHERE op.family_id = h.family_id AND op.status <> 'CLOSED'
                          UNION SELECT s.agency_id WHERE s.agency_id IS NOT NULL)) AS agencies
    FROM hit h
    LEFT JOIN LATERAL (SELECT ts.plan_id, ts.agency_id, ts.user_id FROM plan p
                         JOIN trajectory_supporter ts ON ts.plan_id = p.id AND ts.state = 'CURRENT'
                        WHERE p.family_id = h.family_id AND p.status <> 'CLOSED') s ON true
    LEFT JOIN agency sa ON sa.id = s.agency_id
    LEFT JOIN app_user su ON su.id = s.user_id
   ORDER BY h.matched_by DESC, h.family_id`;

interface AnswerRow {
  family_id: string;
  matched_by: LookupMatch;
  plan_id: string | null;
  supporter_agency_id: string | null;
  supporter_agency_name: string | null;
  supporter_name: string | null;
  supporter_work_email: string | null;
  supporter_work_phone: string | null;
  supporter_work_contact_version: number;
  agencies: { id: string; name: string }[];
}

/** Who asks, for the lookup's record. */
export interface Asker {
  userId: string;
  agencyId: string;
}

/** The professional acting for an agency (the operations' policies admit no one else). */
export function askerOf(caller: Caller): Asker {
  const { userId, acting } = caller.principal;
  if (!userId || !acting) throw new DomainError('FORBIDDEN', 'Asking whether a family is known needs an acting agency');
  return { userId, agencyId: acting.agencyId };
}

/**
 * Whether a family is known (docs/family-identity.md): the keyed hashes of members' national register numbers
 * and of their name and birth date (family_member_identity), the lookups (family_lookup) and their answers.
 * Methods write in the caller's transaction, whose actor the audit triggers name.
 */
@Injectable()
export class KnownFamilies {
  private readonly hasher: IdentityHasher;
  private readonly nameCheck: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tx: AuditedTransactions,
  ) {
    this.hasher = new IdentityHasher(devSecret(config.nationalNumberKey, config.dataDir, 'national-number-key'));
    this.nameCheck = config.duplicateNameCheck;
  }

  /** A member's keys; her number must be valid (the input's validation said so already; here for other callers). */
  keysOf(member: Pick<FamilyMemberInput, 'nationalNumber' | 'givenName' | 'familyName' | 'birthDate'>, field: string): MemberKeys {
    let numberHash: Buffer | null = null;
    if (member.nationalNumber) {
      const number = parseNationalNumber(member.nationalNumber);
      if (!number) throw badInput(field, `${field} must be a valid national register number (INSZ) or BIS number`);
      numberHash = this.hasher.nationalNumber(number);
    }
    const nameHash = member.birthDate ? this.hasher.name(member.givenName, member.familyName, member.birthDate) : null;
    return { numberHash, nameHash };
  }

  /**
   * The families with a member of these keys, each with who is involved, in one statement. Reading the plan
   * and its team answers no personal data (agencies and the supporter's name at work), and the lookup is
   * recorded by `recordLookups` in the same transaction.
   */
  async find(em: EntityManager, keys: MemberKeys[]): Promise<AnswerRow[]> {
    const numbers = keys.flatMap((k) => (k.numberHash ? [k.numberHash] : []));
    const names = keys.flatMap((k) => (k.nameHash ? [k.nameHash] : []));
    if (numbers.length === 0 && names.length === 0) return [];
    return readWithoutAudit('a check before a write that answers no personal data', em.query(KNOWN_FAMILY_ANSWER, [numbers, names]));
  }

  /**
   * Records that `asker` asked, for `purpose`, and what it found: a lookup per family found (its id is the
   * handle for requestTeamParticipation), or one without a family. Each shows in the family's access log.
   */
  async recordLookups(
    em: EntityManager,
    asker: Asker,
    purpose: FamilyLookupPurpose,
    rows: AnswerRow[],
    registeredFamilyId: string | null = null,
  ): Promise<KnownFamily> {
    const found = rows.length ? rows : [null];
    const ids = found.map(() => newId());
    await em.query(
      `INSERT INTO family_lookup (id, family_id, user_id, agency_id, purpose, matched_by, registered_family_id)
       SELECT l.id, l.family_id, $3, $4, $5, l.matched_by, $6 FROM unnest($1::uuid[], $2::uuid[], $7::text[]) AS l(id, family_id, matched_by)`,
      [ids, found.map((r) => r?.family_id ?? null), asker.userId, asker.agencyId, purpose, registeredFamilyId, found.map((r) => r?.matched_by ?? null)],
    );
    return {
      status: rows.length > 0 ? KnownFamilyStatus.KNOWN : KnownFamilyStatus.NOT_KNOWN,
      families: rows.map((row, i) => ({
        handle: ids[i]!,
        matchedBy: row.matched_by,
        agencies: row.agencies,
        supporter: row.supporter_agency_id
          ? {
              agency: { id: row.supporter_agency_id, name: row.supporter_agency_name! },
              name: row.supporter_name!,
              workContact: { email: row.supporter_work_email, phone: row.supporter_work_phone, version: row.supporter_work_contact_version },
            }
          : null,
      })),
    };
  }

  /**
   * Registering `keys` must not make a second record of a known family: a number known answers CONFLICT with
   * the "known" answer in `extensions.known`; a name and birth date known, the same unless `confirmNotDuplicate`.
   * The answer given is a lookup (REGISTRATION) in the family's access log: recorded in a transaction of its own,
   * since the refusal rolls back the registration's. Confirmed, the lookups are recorded with the registration.
   * Without DUPLICATE_NAME_CHECK only numbers are looked up.
   */
  async refuseDuplicate(em: EntityManager, caller: Caller, keys: MemberKeys[], confirmNotDuplicate: boolean): Promise<(familyId: string) => Promise<void>> {
    const found = await this.find(em, this.nameCheck ? keys : keys.map((key) => ({ ...key, nameHash: null })));
    const asker = askerOf(caller);
    const byNumber = found.some((row) => row.matched_by === LookupMatch.NATIONAL_NUMBER);
    if (byNumber || (found.length > 0 && !confirmNotDuplicate)) {
      const known = await this.tx.run(caller, (own) => this.recordLookups(own, asker, FamilyLookupPurpose.REGISTRATION, found));
      throw byNumber
        ? new DomainError('CONFLICT', 'A member of this family is already known by her national register number: ask to join its team (requestTeamParticipation)', { known })
        : new DomainError('CONFLICT', 'A member has the name and birth date of a member of a known family: register anyway with confirmNotDuplicate: true if it is someone else', {
            known,
            field: 'confirmNotDuplicate',
          });
    }
    return async (familyId) => {
      if (found.length) await this.recordLookups(em, asker, FamilyLookupPurpose.REGISTRATION, found, familyId);
    };
  }

  /** A member's name or birth date was corrected: her name key follows (her number, if any, stays). */
  async rekeyName(em: EntityManager, member: Pick<FamilyMember, 'id' | 'familyId' | 'givenName' | 'familyName' | 'birthDate'>): Promise<void> {
    const nameHash = member.birthDate ? this.hasher.name(member.givenName, member.familyName, member.birthDate) : null;
    await em.query(
      `INSERT INTO family_member_identity (id, member_id, family_id, name_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (member_id) DO UPDATE SET name_hash = EXCLUDED.name_hash`,
      [newId(), member.id, member.familyId, nameHash],
    );
  }

  /**
   * A merge of members that are the same person: the absorbed member's keys go (her record ended), and her
   * number's key is the surviving member's if that member had none (pairs with two numbers are refused before).
   */
  async mergeMemberKeys(em: EntityManager, survivingFamilyId: string, pairs: readonly MemberPair[]): Promise<void> {
    const [removed]: [{ surviving: string; number: Buffer | null }[], number] = await em.query(
      `DELETE FROM family_member_identity i USING ${PAIRS} WHERE i.member_id = p.absorbed RETURNING p.surviving, i.national_number_hash AS number`,
      pairColumns(pairs),
    );
    const numbers = removed.filter((row) => row.number);
    if (numbers.length === 0) return;
    await em.query(
      `INSERT INTO family_member_identity (id, member_id, family_id, national_number_hash)
       SELECT k.id, k.member_id, $1, k.number FROM unnest($2::uuid[], $3::uuid[], $4::bytea[]) AS k(id, member_id, number)
       ON CONFLICT (member_id) DO UPDATE SET national_number_hash = EXCLUDED.national_number_hash
        WHERE family_member_identity.national_number_hash IS NULL`,
      [survivingFamilyId, numbers.map(() => newId()), numbers.map((row) => row.surviving), numbers.map((row) => row.number)],
    );
  }

  /** A merge of two families: the absorbed family's member keys find the surviving family. */
  async moveToFamily(em: EntityManager, fromFamilyId: string, toFamilyId: string): Promise<void> {
    await em.query(`UPDATE family_member_identity SET family_id = $2 WHERE family_id = $1`, [fromFamilyId, toFamilyId]);
  }

  /** Keeps the members' keys; CONFLICT when a number is another member's already (also in a race). */
  async recordMembers(em: EntityManager, familyId: string, members: { id: string; keys: MemberKeys }[]): Promise<void> {
    const kept = members.filter((m) => m.keys.numberHash || m.keys.nameHash);
    if (kept.length === 0) return;
    await conflictOnDuplicate(
      em.query(
        `INSERT INTO family_member_identity (id, member_id, family_id, national_number_hash, name_hash)
         SELECT m.id, m.member_id, $1, m.number_hash, m.name_hash FROM unnest($2::uuid[], $3::uuid[], $4::bytea[], $5::bytea[]) AS m(id, member_id, number_hash, name_hash)`,
        [familyId, kept.map(() => newId()), kept.map((m) => m.id), kept.map((m) => m.keys.numberHash), kept.map((m) => m.keys.nameHash)],
      ),
      'This national register number is already recorded for a member of a family',
    );
  }
}
