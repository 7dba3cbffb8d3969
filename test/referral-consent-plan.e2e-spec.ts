import type pg from 'pg';
import { subjectSql } from '../src/policy/subjects.js';
import { migratedScratchDatabase, type ScratchDatabase } from './support/scratch-database.js';

/**
 * The agencies holding a referral's consent (the Referral rule's `consentedAgencyIds`, read with the referral by
 * every referral transition: accept, schedule, reschedule, send, …) at the size where it was found scanning every
 * REFERRAL grant of the database: 20,000 families had some 830,000 grants, 57,000 of them REFERRAL
 * (docs/benchmarks.md). Here 280,000 grants, 40,000 of them REFERRAL; the plan must probe the referred
 * members' grants by index and read only theirs.
 */

const MEMBERS = 40_000;
const CATEGORIES = ['IDENTITY', 'CONTACT', 'PLAN', 'NOTES', 'HEALTH', 'SAFETY', 'REFERRAL'];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe("a referral's consented agencies at 20,000 families' worth of grants", () => {
  let scratch: ScratchDatabase;
  let client: pg.Client;
  const referralId = '00000000-0000-4000-8000-000000000001';
  const [mother, child] = ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2'];
  const [receiver, revokedFromOne, toOneOnly] = ['00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-0000000000b3'];

  beforeAll(async () => {
    ({ scratch, client } = await migratedScratchDatabase('referral_consent_plan'));
    // Grants without their consents, members and families, for the plan only: the foreign keys and the
    // derived-only trigger are triggers, off for this session.
    await client.query(`SET session_replication_role = replica`);
    await client.query(
      `INSERT INTO consent_grant (consent_id, member_id, category, family_id, recipient_agency_id, valid_from)
       SELECT gen_random_uuid(), m.id, c.category, gen_random_uuid(), gen_random_uuid(), now() - interval '1 day'
         FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, ${MEMBERS})) m CROSS JOIN unnest($1::text[]) c(category)`,
      [CATEGORIES],
    );
    await client.query(
      `INSERT INTO referral_member (referral_id, member_id)
       SELECT gen_random_uuid(), gen_random_uuid() FROM generate_series(1, ${MEMBERS})
       UNION ALL VALUES ($1::uuid, $2::uuid), ($1, $3)`,
      [referralId, mother, child],
    );
    // The referral's two members: both consent to the receiver; both to another agency, one of them since
    // revoked; one of them only to a third.
    await client.query(
      `INSERT INTO consent_grant (consent_id, member_id, category, family_id, recipient_agency_id, valid_from, revoked_at)
       SELECT gen_random_uuid(), g.member_id, 'REFERRAL', gen_random_uuid(), g.agency_id, now() - interval '1 day', g.revoked_at
         FROM (VALUES ($1::uuid, $3::uuid, NULL::timestamptz), ($2, $3, NULL), ($1, $4, NULL), ($2, $4, now()), ($1, $5, NULL)) g(member_id, agency_id, revoked_at)`,
      [mother, child, receiver, revokedFromOne, toOneOnly],
    );
    await client.query(`SET session_replication_role = origin`);
    await client.query(`VACUUM ANALYZE consent_grant`);
    await client.query(`VACUUM ANALYZE referral_member`);
  }, 300_000);

  afterAll(async () => {
    await client?.end();
    await scratch?.drop();
  });

  it('probes the referred members’ grants by index and answers only the agency holding every member’s consent', async () => {
    const agencies = subjectSql('Referral').relations.consentedAgencyIds!.array;
    const statement = `SELECT ${agencies} AS agencies FROM (SELECT $1::uuid AS id) r`;

    const { rows } = await client.query(statement, [referralId]);
    expect(rows[0].agencies).toEqual([receiver]);

    const [{ 'QUERY PLAN': [explained] }] = (await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`, [referralId])).rows;
    const grantReads = nodesOf(explained.Plan as PlanNode).filter((n) => n['Relation Name'] === 'consent_grant');
    expect(grantReads.length).toBeGreaterThan(0);
    for (const read of grantReads) {
      expect(read['Node Type']).toMatch(/Index/);
      // The two members' handful of grants, whatever the size of the table.
      expect(read['Actual Rows'] * read['Actual Loops'] + (read['Rows Removed by Filter'] ?? 0)).toBeLessThan(20);
    }
  });
});
