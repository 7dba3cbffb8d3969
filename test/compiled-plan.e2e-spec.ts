import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { AddActionDocument, AddGoalDocument, AgencyMembershipsDocument, BreakGlassDocument, type LifeDomain, RemoveMembershipDocument, RevokeConsentDocument } from './graphql/generated.js';
import { auditOfRequest } from './support/audit-parts.js';
import { type GraphQLResult, TestApi } from './support/test-app.js';
import { ALL_CATEGORIES, child, parent, type Person, World } from './support/world.js';

/**
 * `plan(id)` compiled into one statement (audit/compiled-read.ts, plans/plan-read.ts) against the field
 * resolvers' path (COMPILED_READS=false), on the same database: for each kind of principal, the same
 * request answers the same on both and audits the same reads. The resolvers' path writes an entry per family
 * per reading statement, the compiled path one per family for the whole request (docs/audit.md), so the
 * entries are compared by what they record: each expanded into its parts (test/support/audit-parts.ts), a
 * record per line with its part's type, members, basis, categories and consents and the entry's other
 * columns (all but seq, at, request_id, the chain's hash and prev_hash, which the chainer sets later).
 */

const EVERYTHING = `query($id: ID!) { plan(id: $id) {
  id familyId generation previousPlanId status summary strengths closeReasonCode closeReason closedAt version createdAt updatedAt
  closedBy { id displayName }
  supporter { id state startedAt endedAt familyConfirmation user { id displayName } agency { id networkId name kind createdAt } }
  incomingSupporter { id user { id } }
  participants { id contribution addedAt removedAt agency { id name kind } }
  goals { id planId lifeDomain description owner status version transitionMemberId createdAt updatedAt ownerAgency { id name }
    actions { id goalId title dueDate status completedAt createdAt assigneeUser { id displayName } } }
} }`;

/** The benchmark's shape (bench/operations.ts), written with a fragment, aliases and __typename. */
const WITH_FRAGMENTS = `query($id: ID!) { plan(id: $id) { __typename id status summary ...team
  doelen: goals { id description lifeDomain status actions { id title status dueDate } } goals { __typename actions { id } } } }
  fragment team on Plan { supporter { user { id displayName } } participants { contribution agency { id name } } }`;

describe('plan(id) compiled: the same answers and audited reads as the field resolvers', () => {
  let compiled: TestApi;
  let resolvers: TestApi;
  let world: World;
  let sql: pg.Pool;
  let planId: string;
  let leaverSubject: string;
  const principals: [string, string][] = [];

  beforeAll(async () => {
    compiled = await TestApi.start();
    resolvers = await TestApi.start({ COMPILED_READS: 'false' });
    world = new World(compiled);
    sql = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });

    const network = await world.network();
    const agency = await world.agency(network);
    const partner = await world.agency(network, 'MENTAL_HEALTH');
    const revokedAgency = await world.agency(network, 'SCHOOL_GUIDANCE');
    const author = await world.staff(agency);
    // The family consents to the author's agency for everything but HEALTH.
    const family = await world.family(author, [parent('Sara', 'Claes'), child('Lien', 'Claes', '2011-03-02'), child('Mo', 'Claes', '2020-06-01')], {
      consentFor: [],
    });
    await world.consentAll(author, family, agency.id, ALL_CATEGORIES.filter((c) => c !== 'HEALTH'));
    const [sara, lien, mo] = family.memberIds as [string, string, string];
    planId = await world.openPlan(author, family.id, {
      supporter: author,
      participants: [
        { agencyId: partner.id, contribution: 'Therapie' },
        { agencyId: revokedAgency.id, contribution: 'Schoolbegeleiding' },
      ],
    });
    const goal = async (lifeDomain: LifeDomain, memberIds: string[], actions: { title: string; dueDate?: string; assigneeUserId?: string; assigneeMemberId?: string }[]) => {
      const { addGoal } = await compiled.ok(author.subject, AddGoalDocument, {
        input: { planId, lifeDomain, description: `Doel ${lifeDomain}`, owner: 'FAMILY', memberIds },
      });
      for (const action of actions) await compiled.ok(author.subject, AddActionDocument, { input: { goalId: addGoal.id, ...action } });
    };
    await goal('HOUSING', [], [{ title: 'Huurcontract', dueDate: '2027-01-15', assigneeUserId: author.userId }, { title: 'Bellen', assigneeMemberId: sara }]);
    await goal('HEALTH', [lien], [{ title: 'Huisarts', assigneeUserId: author.userId }]);
    await goal('EDUCATION', [mo], [{ title: 'Oudercontact', assigneeMemberId: sara }]);

    const colleague = await world.staff(agency);
    const volunteer = await world.staff(agency, 'VOLUNTEER');
    for (const person of [colleague, volunteer]) await world.assign(agency.admin, family.id, person.userId);
    const therapist = await world.staff(partner);
    await world.assign(partner.admin, family.id, therapist.userId);
    // The school's agency gets consent (openPlan), then the family revokes it: its assigned caseworker reads
    // without consent, and a second one of its caseworkers breaks the glass.
    const schoolWorker = await world.staff(revokedAgency);
    const responder = await world.staff(revokedAgency);
    for (const person of [schoolWorker, responder]) await world.assign(revokedAgency.admin, family.id, person.userId);
    const { rows: consents } = await sql.query<{ id: string; grantor: string }>(
      `SELECT id, grantor_member_id AS grantor FROM consent WHERE family_id = $1 AND recipient_agency_id = $2`,
      [family.id, revokedAgency.id],
    );
    for (const { id, grantor } of consents) {
      await compiled.ok(author.subject, RevokeConsentDocument, { input: { consentId: id, reason: 'Niet meer nodig', revokedByMemberId: grantor } });
    }
    await compiled.ok(responder.subject, BreakGlassDocument, { input: { familyId: family.id, justification: 'Acute melding van de school vanmorgen.' } });

    // A caseworker on the team whose membership the agency has just ended.
    const leaver = await world.staff(agency);
    await world.assign(agency.admin, family.id, leaver.userId);
    const { memberships } = await compiled.ok(agency.admin.subject, AgencyMembershipsDocument, { a: agency.id });
    const leaverMembership = memberships.edges.find((e) => e.node.user?.id === leaver.userId)!.node.id;
    await compiled.ok(agency.admin.subject, RemoveMembershipDocument, { id: leaverMembership });
    leaverSubject = leaver.subject;

    const other = await world.family(author, [parent('Els', 'Janssens')]);
    const outsider = await world.staff(await world.agency(await world.network()));
    const staff: [string, Person][] = [
      ['author (consent for all but HEALTH: the HEALTH goal by authorship)', author],
      ['consented colleague without HEALTH consent', colleague],
      ['volunteer', volunteer],
      ['caseworker of a partner with every consent', therapist],
      ['caseworker whose agency’s consent was revoked', schoolWorker],
      ['break-glass', responder],
      ['caseworker of the same agency, not on the team', await world.staff(agency)],
      ['caseworker on the team whose membership was just removed', leaver],
      ['caseworker of another network', outsider],
      ['admin of the author’s agency', agency.admin],
      ['the network’s coordinator', network.coordinator],
    ];
    principals.push(...staff.map(([label, person]): [string, string] => [label, person.subject]));
    principals.push(['portal: adult parent', await world.portalLogin(author, sara)]);
    principals.push(['portal: 15-year-old', await world.portalLogin(author, lien)]);
    principals.push(['portal: member of another family', await world.portalLogin(author, other.memberIds[0]!)]);
  }, 240_000);

  afterAll(async () => {
    await sql.end();
    await resolvers.stop();
    await compiled.stop();
  });

  async function both(subject: string, query: string, id: string) {
    const ids = { compiled: `compiled-${randomUUID()}`, resolvers: `resolvers-${randomUUID()}` };
    let viaCompiled!: GraphQLResult;
    const statements = await compiled.countStatements(async () => {
      viaCompiled = await compiled.gql(subject, query, { id }, { 'X-Request-Id': ids.compiled });
    });
    const viaResolvers = await resolvers.gql(subject, query, { id }, { 'X-Request-Id': ids.resolvers });
    return { viaCompiled, viaResolvers, statements, audit: { compiled: await auditOfRequest(sql, ids.compiled), resolvers: await auditOfRequest(sql, ids.resolvers) } };
  }

  it.each([
    ['every compiled field', EVERYTHING],
    ['fragments, aliases and __typename', WITH_FRAGMENTS],
  ])('%s: identical for each kind of principal, in one statement besides the principal', async (_shape, query) => {
    const seen = new Set<string>();
    for (const [label, subject] of principals) {
      const { viaCompiled, viaResolvers, statements, audit } = await both(subject, query, planId);
      expect({ label, answer: viaCompiled }).toEqual({ label, answer: viaResolvers });
      expect({ label, audit: audit.compiled.records }).toEqual({ label, audit: audit.resolvers.records });
      // The compiled path's one statement: at most one entry per family for the whole request.
      expect({ label, families: audit.compiled.families }).toEqual({ label, families: [...new Set(audit.resolvers.families)] });
      const code = viaCompiled.errors?.[0]?.extensions?.code as string | undefined;
      // A plan answered is a read recorded (the comparison alone would pass if both paths recorded nothing).
      if (!code) expect({ label, recorded: audit.compiled.records.length > 0 }).toEqual({ label, recorded: true });
      // The principal's own query (one for every kind of caller: PrincipalService), then the compiled one — unless
      // the operation's policy guard refuses a caller without any rule to read plans (FORBIDDEN) before the resolver.
      expect({ label, statements }).toEqual({ label, statements: 1 + (code === 'FORBIDDEN' ? 0 : 1) });
      seen.add(code ?? `goals:${viaCompiled.data!.plan.goals.length}`);
      // Ending a membership ends the reading at once, on the compiled path as on the other.
      if (subject === leaverSubject) expect({ label, code }).toEqual({ label, code: expect.stringMatching(/^(FORBIDDEN|NOT_FOUND)$/) });
    }
    // The principals differ in what they see: not found, and several sets of goals.
    expect(seen.has('NOT_FOUND')).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });

  it('answers alike for a plan that does not exist (NOT_FOUND) and an id that is no UUID (BAD_USER_INPUT), and writes no audit', async () => {
    for (const [id, code] of [[randomUUID(), 'NOT_FOUND'], ['not-a-uuid', 'BAD_USER_INPUT']]) {
      const { viaCompiled, viaResolvers, audit } = await both(principals[0]![1], EVERYTHING, id!);
      expect(viaCompiled).toEqual(viaResolvers);
      expect(viaCompiled.errors?.[0]?.extensions?.code).toBe(code);
      expect(audit).toEqual({ compiled: { records: [], families: [] }, resolvers: { records: [], families: [] } });
    }
  });

  it('takes the resolvers’ path for a selection it does not compile (family, history), with the same answer', async () => {
    const query = `query($id: ID!) { plan(id: $id) { id goals { id members { id } } family { id } } }`;
    const { viaCompiled, viaResolvers, statements, audit } = await both(principals[0]![1], query, planId);
    expect(viaCompiled.errors).toBeUndefined();
    expect(viaCompiled).toEqual(viaResolvers);
    expect(audit.compiled).toEqual(audit.resolvers);
    expect(statements).toBeGreaterThan(2);
  });
});
