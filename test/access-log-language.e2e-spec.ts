import pg from 'pg';
import {
  AccessLogEntriesDocument,
  AddGoalDocument,
  CreateReferralDocument,
  FamilyGivenNamesDocument,
  ReferralAndPlanHistoryDocument,
  SendReferralDocument,
} from './graphql/generated.js';
import { TestApi } from './support/test-app.js';
import { type Agency, type Network, parent, World } from './support/world.js';

interface Line {
  id: string;
  action: string;
  entityType: string;
  legalBasis: string;
  description: string;
}

/**
 * "Who looked at my data and why, in plain language" (docs/consent-and-portal.md): the family reads its access log, so no
 * line may name a table, a type or any other identifier of the service — whatever was read or written.
 */
describe('the family’s access log speaks plain language', () => {
  let api: TestApi;
  let world: World;
  let network: Network;
  let agency: Agency;
  let db: pg.Client;
  /** Every table whose writes the database audits (the audit trigger's tables): the log can name each. */
  let auditedTables: string[];

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    network = await world.network();
    agency = await world.agency(network);
    db = new pg.Client(process.env.DATABASE_URL);
    await db.connect();
    const { rows } = await db.query(
      `SELECT DISTINCT c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE t.tgfoid = 'audit_write'::regproc AND NOT t.tgisinternal ORDER BY 1`,
    );
    auditedTables = rows.map((r: { table: string }) => r.table);
  });
  afterAll(async () => {
    await db.end();
    await api.stop();
  });

  /** The whole log as `login` reads it, oldest first. */
  async function logOf(login: string, familyId: string): Promise<Line[]> {
    const lines: Line[] = [];
    let after: string | null = null;
    do {
      const { accessLog }: { accessLog: { edges: { node: Line }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await api.ok(
        login,
        AccessLogEntriesDocument,
        { f: familyId, after },
      );
      lines.push(...accessLog.edges.map((e) => e.node));
      after = accessLog.pageInfo.hasNextPage ? accessLog.pageInfo.endCursor : null;
    } while (after);
    return lines.reverse();
  }

  /** No identifier (snake_case, camelCase, CamelCase) and no table named bare ("changed referral", "(referral)"). */
  function expectPlain(line: string): void {
    expect(line).not.toMatch(/\b[A-Za-z]+_[A-Za-z_]+\b/);
    expect(line).not.toMatch(/\b[a-z]+[A-Z]\w*|\b[A-Z][a-z]+[A-Z]\w*/);
    for (const table of auditedTables) {
      expect(line).not.toMatch(new RegExp(`\\b(viewed|added|changed|removed|erased) ${table}\\b|\\(${table}\\)`));
    }
  }

  it('finds the audited tables in the database', () => {
    // The trigger query must see the tables of every part of the service, or the next test proves nothing.
    expect(auditedTables).toEqual(expect.arrayContaining(['consent', 'consent_subject', 'plan_history', 'referral', 'referral_transition', 'case_assignment']));
  });

  it('describes an addition, a change and a removal of every audited table in the family’s words', async () => {
    const worker = await world.staff(agency);
    const { familyId, memberIds } = await world.familyWithPlan(worker, { members: [parent('Sara', 'Maes')] });
    const sara = await world.portalLogin(worker, memberIds[0]!);
    const before = new Set((await logOf(sara, familyId)).map((l) => l.id));
    // An entry of each kind the audit trigger writes, for every table it is on (a new audited table too).
    await db.query(
      `INSERT INTO audit_event (actor_subject, actor_user_id, acting_agency_id, action, entity_type, entity_id, family_id, legal_basis)
       SELECT $1, $2, $3, a.action, t.name, gen_random_uuid(), $4, 'ASSIGNMENT'
         FROM unnest($5::text[]) t(name), unnest(ARRAY['INSERT', 'UPDATE', 'DELETE']) a(action)`,
      [worker.subject, worker.userId, agency.id, familyId, auditedTables],
    );
    const lines = (await logOf(sara, familyId)).filter((l) => !before.has(l.id));
    expect(lines).toHaveLength(auditedTables.length * 3);
    for (const line of lines) {
      try {
        expectPlain(line.description);
      } catch (error) {
        throw new Error(`${line.action} ${line.entityType}: "${line.description}" is not plain language\n${String(error)}`, { cause: error });
      }
    }
    // The same kind of record is not described the same way for different tables (each says what it is).
    const additions = lines.filter((l) => l.action === 'INSERT').map((l) => l.description);
    expect(new Set(additions).size).toBe(additions.length);
  });

  it('tells the family in its words what was done in a real case: consents, the plan and its history, referrals', async () => {
    const worker = await world.staff(agency);
    const clb = await world.agency(network, 'SCHOOL_GUIDANCE');
    const { familyId, planId, memberIds } = await world.familyWithPlan(worker, { members: [parent('Sara', 'Maes')], supporter: worker });
    const [saraId] = memberIds as [string];
    const sara = await world.portalLogin(worker, saraId);
    await world.consentAll(worker, await world.membersOf(worker, familyId), clb.id, ['REFERRAL']);
    await api.ok(worker.subject, AddGoalDocument, {
      input: { planId, lifeDomain: 'HOUSING', description: 'Een eigen woning', owner: 'FAMILY' },
    });
    const { createReferral } = await api.ok(worker.subject, CreateReferralDocument, {
      input: { planId, toAgencyId: clb.id, memberIds: [saraId], reason: 'Ondersteuning bij de schoolkeuze', urgency: 'ROUTINE', requestedService: 'Begeleiding' },
    });
    await api.ok(worker.subject, SendReferralDocument, {
      input: { referralId: createReferral.id, expectedVersion: createReferral.version },
    });
    await api.ok(worker.subject, ReferralAndPlanHistoryDocument, {
      r: createReferral.id,
      p: planId,
    });

    const lines = await logOf(sara, familyId);
    for (const line of lines) expectPlain(line.description);
    const said = lines.map((l) => l.description);
    expect(said).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ voegde een toestemming toe, /),
        expect.stringMatching(/ noteerde een stap van de doorverwijzing, /),
        expect.stringMatching(/ bekeek een doorverwijzing \(gegevens van een doorverwijzing\), met uw toestemming\.$/),
        expect.stringMatching(/ bekeek \d+ stappen in de geschiedenis van het plan \(gegevens van het plan\), met uw toestemming\.$/),
      ]),
    );
  });

  it('states it as such when an agency administrator assigns herself to the family, and the family sees it', async () => {
    const worker = await world.staff(agency);
    const colleague = await world.staff(agency);
    const family = await world.family(worker, [parent('Sara', 'Maes')]);
    const familyId = family.id;
    const sara = await world.portalLogin(worker, family.memberIds[0]!);
    const { admin } = agency;
    // Admins may staff their own cases: she makes herself caseworker, assigns herself and reads the family.
    await world.member(admin.subject, agency.id, 'CASEWORKER', admin.subject);
    await world.assign(admin, familyId, admin.userId);
    await world.assign(admin, familyId, colleague.userId);
    await api.ok(admin.subject, FamilyGivenNamesDocument, { id: familyId });

    const assignments = (await logOf(sara, familyId)).filter((l) => l.entityType === 'case_assignment' && l.action === 'INSERT');
    expect(assignments.map((l) => l.description)).toEqual([
      // The worker who registered the family is assigned with it: not an administrator's doing.
      expect.stringMatching(/^Test CASEWORKER \(.+\) begon met uw gezin te werken\.$/),
      expect.stringMatching(/^Test AGENCY_ADMIN \(.+\), een beheerder van de organisatie, wees zichzelf toe aan uw gezin\.$/),
      expect.stringMatching(/^Test AGENCY_ADMIN \(.+\) wees een hulpverlener toe aan uw gezin, als beheer\.$/),
    ]);
    const reads = (await logOf(sara, familyId)).filter((l) => l.action === 'READ' && l.description.startsWith('Test AGENCY_ADMIN'));
    expect(reads.length).toBeGreaterThan(0);
  });
});
