import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../src/config/app-config.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { ConfirmFamilyMergeDocument, PairFamilyMembersDocument, ProposeFamilyMergeDocument } from './graphql/generated.js';
import { TestApi } from './support/test-app.js';
import { type Agency, parentWithTwoChildren, World } from './support/world.js';
import { fixtureClient } from './support/fixture-client.js';

/**
 * A registration merged into a family (absorbed by a merge, or set aside by pairFamilyMembers) is erased with that
 * family, never on its own clock (docs/retention.md, "Merged registrations"): its ended member records are part of
 * the family's history, and the erasure of the member each became erases them.
 */
describe('retention of registrations merged into a family', () => {
  let api: TestApi;
  let world: World;
  let agencyA: Agency;
  let agencyB: Agency;
  let sql: pg.Client;
  let days: number;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    const network = await world.network();
    agencyA = await world.agency(network);
    agencyB = await world.agency(network, 'SCHOOL_GUIDANCE');
    days = api.app.get<AppConfig>(APP_CONFIG).retention.days;
    sql = await fixtureClient();
  });
  afterAll(async () => {
    await sql.end();
    await api.stop();
  });

  /** The personal columns of these member records, and whether each record and its registration are erased. */
  const records = async (memberIds: string[]) =>
    (
      await sql.query(
        `SELECT m.id, m.given_name, m.birth_date::text AS birth_date, m.erased_at IS NOT NULL AS erased
           FROM family_member m WHERE m.id = ANY($1) ORDER BY m.id`,
        [memberIds],
      )
    ).rows;

  it("keeps an absorbed and a set-aside registration while the family is kept, past their own period, and erases them with the family", async () => {
    const token = `q${randomBytes(4).toString('hex').slice(0, 7)}`;
    const a = await world.staff(agencyA);
    const b = await world.staff(agencyB);
    // The Peeters family registered by A (Sara twice) and by B; A's registration absorbs B's, Sara paired.
    const [sara, ...children] = parentWithTwoChildren(token);
    const kept = await world.familyWithPlan(a, { supporter: a, members: [sara!, ...children, { ...sara!, givenName: `Sara (2) ${token}` }] });
    const absorbed = await world.familyWithPlan(b, { supporter: b, members: parentWithTwoChildren(`${token} B`) });
    const [keptSara, , , saraAgain] = kept.memberIds as [string, string, string, string];
    const absorbedSara = absorbed.memberIds[0]!;
    const { proposeFamilyMerge } = await api.ok(a.subject, ProposeFamilyMergeDocument, {
      input: { survivingFamilyId: kept.familyId, absorbedFamilyId: absorbed.familyId, memberPairs: [{ absorbedMemberId: absorbedSara, survivingMemberId: keptSara }] },
    });
    await api.ok(b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: proposeFamilyMerge.id, expectedVersion: proposeFamilyMerge.version } });
    const [{ version }] = (await sql.query(`SELECT version FROM family_member WHERE id = $1`, [keptSara])).rows;
    await api.ok(a.subject, PairFamilyMembersDocument, { input: { familyId: kept.familyId, absorbedMemberId: saraAgain, survivingMemberId: keptSara, expectedVersion: version } });
    const ended = [absorbedSara, saraAgain];
    const [{ aside }] = (await sql.query(`SELECT family_id AS aside FROM family_member WHERE id = $1`, [saraAgain])).rows;
    const registrations = [absorbed.familyId, aside as string];
    expect((await sql.query(`SELECT merged_into_family_id AS f FROM family WHERE id = ANY($1)`, [registrations])).rows).toEqual([{ f: kept.familyId }, { f: kept.familyId }]);

    // Both registrations older than the retention period, the family's plan open: nothing of them is erased.
    await sql.query(`UPDATE family SET created_at = now() - make_interval(days => $2), merged_at = now() - make_interval(days => $2) WHERE id = ANY($1)`, [
      registrations,
      days + 1,
    ]);
    const before = await records(ended);
    expect(before.map((r) => [r.given_name.includes(token), r.birth_date, r.erased])).toEqual([
      [true, '1990-04-01', false],
      [true, '1990-04-01', false],
    ]);
    await api.app.get(RetentionService).applyRetention();
    expect(await records(ended)).toEqual(before);
    expect((await sql.query(`SELECT count(*)::int AS n FROM audit_event WHERE family_id = ANY($1) AND action = 'ERASE'`, [registrations])).rows).toEqual([{ n: 0 }]);

    // Still not once the family's plan has closed, within its period.
    await world.closePlan(a, kept.planId);
    await api.app.get(RetentionService).applyRetention();
    expect(await records(ended)).toEqual(before);

    // The family past its period: the family and both registrations' records are erased, in the family's one erasure.
    await sql.query(`UPDATE plan SET closed_at = now() - make_interval(days => $2) WHERE family_id = $1`, [kept.familyId, days + 1]);
    await api.app.get(RetentionService).applyRetention();
    const all = [...kept.memberIds, ...absorbed.memberIds];
    expect((await records(all)).map((r) => [r.given_name, r.birth_date, r.erased])).toEqual(all.map(() => ['[erased]', null, true]));
    expect((await sql.query(`SELECT entity_id FROM audit_event WHERE family_id = $1 AND action = 'ERASE'`, [kept.familyId])).rows).toEqual([{ entity_id: kept.familyId }]);
    expect((await sql.query(`SELECT count(*)::int AS n FROM family_member WHERE given_name LIKE $1 OR family_name LIKE $1`, [`%${token}%`])).rows).toEqual([{ n: 0 }]);
  });
});
