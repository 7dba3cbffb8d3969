import { randomUUID } from 'node:crypto';
import { AddActionDocument, AddGoalDocument, type LifeDomain } from './graphql/generated.js';
import { agenciesOfEveryKind, CompiledPaths, integrationClientToken, type Sender, teamOfEveryKind } from './support/compiled-paths.js';
import { ALL_CATEGORIES, child, parent, type Person, World } from './support/world.js';

/**
 * `plan(id)` compiled into one statement (audit/compiled-read.ts, plans/plan-read.ts) against the field
 * resolvers' path (COMPILED_READS=false), on the same database: for each kind of principal, the same
 * request answers the same on both and audits the same reads (compared as support/compiled-paths.ts says).
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
  let paths: CompiledPaths;
  let planId: string;
  let leaverSubject: string;
  const principals: [string, Sender][] = [];

  beforeAll(async () => {
    paths = await CompiledPaths.start();
    const { compiled, sql } = paths;
    const world = new World(compiled);

    const { network, agency, partner, revokedAgency, author } = await agenciesOfEveryKind(world);
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

    // The school's agency got consent with the plan; the family revokes it, and another of its caseworkers breaks the glass.
    const { colleague, volunteer, therapist, schoolWorker, responder, leaver } = await teamOfEveryKind(world, compiled, sql, {
      id: family.id,
      author,
      agency,
      partner,
      revokedAgency,
    });
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
    principals.push(['integration client of the author’s agency', await integrationClientToken(compiled, agency)]);
  }, 240_000);

  afterAll(() => paths.stop());

  const both = (sender: Sender, query: string, id: string) => paths.both(sender, query, { id });

  it.each([
    ['every compiled field', EVERYTHING],
    ['fragments, aliases and __typename', WITH_FRAGMENTS],
  ])('%s: identical for each kind of principal, in one statement', async (_shape, query) => {
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
      expect({ label, statements }).toEqual({ label, statements: 1 });
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
