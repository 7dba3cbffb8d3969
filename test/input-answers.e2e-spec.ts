import pg from 'pg';
import { type ScratchDatabase, scratchDatabase } from './support/scratch-database.js';
import { PLATFORM_ADMIN, TestApi, type GraphQLResult } from './support/test-app.js';
import { type FamilyWithPlan, type Person, World } from './support/world.js';

/**
 * Every bad input gets a coded answer naming its field, and changes nothing (issue "An audit trail that
 * survives an attacker, a coded answer for every bad input"): text with a NUL character, ids that are no
 * ids, justifications and reasons without words, and variables graphql-js itself rejects. The corpus is
 * sent by callers who may otherwise do the operation, so that only the input decides. Its own database,
 * so that "nothing changed" is not disturbed by the test files running beside it.
 */

const NUL = 'Sara\u0000Peeters';
const BLANK = '   \t  ';

/** Rows of the tables these operations write: nothing may change. */
const COUNTED_TABLES = ['network', 'agency', 'family', 'family_member', 'plan', 'goal', 'action', 'note', 'break_glass_grant', 'referral_transition', 'consent'];

describe('a coded answer for every bad input', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  let sql: pg.Client;
  let worker: Person;
  let plan: FamilyWithPlan;
  let referral: { id: string; version: number; sender: Person; receiver: Person };

  beforeAll(async () => {
    scratch = await scratchDatabase('input');
    api = await TestApi.start({ DATABASE_URL: scratch.url });
    const world = new World(api);
    sql = new pg.Client(scratch.url);
    await sql.connect();
    const network = await world.network();
    const agency = await world.agency(network);
    const receiving = await world.agency(network, 'SCHOOL_GUIDANCE');
    worker = await world.staff(agency);
    const receiver = await world.staff(receiving);
    plan = await world.familyWithPlan(worker, { supporter: worker });
    await world.consentAll(worker, await world.membersOf(worker, plan.familyId), receiving.id);
    const { createReferral } = await api.ok(worker.subject, `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id version } }`, {
      input: { planId: plan.planId, toAgencyId: receiving.id, memberIds: plan.memberIds, reason: 'Ondersteuning op school', urgency: 'ROUTINE', requestedService: 'Leerlingbegeleiding' },
    });
    const { sendReferral } = await api.ok(worker.subject, `mutation($input: SendReferralInput!) { sendReferral(input: $input) { version } }`, {
      input: { referralId: createReferral.id, expectedVersion: createReferral.version },
    });
    referral = { id: createReferral.id, version: sendReferral.version, sender: worker, receiver };
  }, 120_000);
  afterAll(async () => {
    await sql.end();
    await api.stop();
    await scratch.drop();
  });

  const counts = async () =>
    Object.fromEntries(
      await Promise.all(COUNTED_TABLES.map(async (t) => [t, Number((await sql.query(`SELECT count(*) FROM ${t}`)).rows[0].count)] as const)),
    );

  /** `send` is answered BAD_USER_INPUT naming `field`, with a message that suggests nothing and leaks nothing, and writes nothing. */
  async function expectRefused(send: () => Promise<GraphQLResult>, field: string) {
    const before = await counts();
    const result = await send();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors?.[0]?.message).not.toMatch(/Did you mean|constraint|violates|byte sequence|uuid|SELECT|INSERT/i);
    expect(await counts()).toEqual(before);
  }

  describe('text with a NUL character', () => {
    it.each([
      ['registerFamily', 'members.0.givenName', () => api.gql(worker.subject, `mutation($input: RegisterFamilyInput!) { registerFamily(input: $input) { id } }`, {
        input: { members: [{ role: 'PARENT', givenName: NUL, familyName: 'Peeters', birthDate: '1990-01-01' }] },
      })],
      ['addGoal', 'description', () => api.gql(worker.subject, `mutation($input: AddGoalInput!) { addGoal(input: $input) { id } }`, {
        input: { planId: plan.planId, lifeDomain: 'HOUSING', description: NUL, owner: 'FAMILY' },
      })],
      ['updatePlanSummary / openPlan summary', 'summary', () => api.gql(worker.subject, `mutation($input: OpenPlanInput!) { openPlan(input: $input) { id } }`, {
        input: { familyId: plan.familyId, summary: NUL },
      })],
      ['createNetwork', 'name', () => api.gql(PLATFORM_ADMIN, `mutation($input: CreateNetworkInput!) { createNetwork(input: $input) { id } }`, { input: { name: NUL } })],
      ['families(search:)', 'search', () => api.gql(worker.subject, `query($s: String) { families(first: 5, search: $s) { edges { node { id } } } }`, { s: NUL })],
    ])('%s', async (_name, field, send) => expectRefused(send, field));
  });

  describe('an id that is no id', () => {
    it.each([
      ['consentsToConfirm(memberId:)', 'memberId', 'query { consentsToConfirm(memberId: "abc") { id } }'],
      ['plan(id:)', 'id', 'query { plan(id: "abc") { id } }'],
      ['family(id:)', 'id', 'query { family(id: "1; DROP TABLE family") { id } }'],
      ['referral(id:)', 'id', 'query { referral(id: "") { id } }'],
      ['consents(familyId:)', 'familyId', 'query { consents(familyId: "x") { id } }'],
      ['addGoal planId', 'planId', 'mutation { addGoal(input: { planId: "abc", lifeDomain: HOUSING, description: "Een woning", owner: FAMILY }) { id } }'],
    ])('%s', async (_name, field, query) => expectRefused(() => api.gql(worker.subject, query), field));
    it('accessLog(familyId:), in the portal', async () => {
      const login = await new World(api).portalLogin(worker, plan.memberIds[0]!);
      await expectRefused(() => api.gql(login, 'query { accessLog(familyId: "x", first: 1) { edges { cursor } } }'), 'familyId');
    });
  });

  describe('a justification or reason without words', () => {
    const breakGlass = (justification: string) => () =>
      api.gql(worker.subject, `mutation($input: BreakGlassInput!) { breakGlass(input: $input) { id } }`, { input: { familyId: plan.familyId, justification } });
    it('break-glass: 19 spaces and one letter', () => expectRefused(breakGlass(`${' '.repeat(19)}x`), 'justification'));
    it('break-glass: 20 dots', () => expectRefused(breakGlass('.'.repeat(20)), 'justification'));
    it('declineReferral: only spaces', () =>
      expectRefused(
        () => api.gql(referral.receiver.subject, `mutation($input: DeclineReferralInput!) { declineReferral(input: $input) { id } }`, {
          input: { referralId: referral.id, expectedVersion: referral.version, reason: BLANK },
        }),
        'reason',
      ));
    it('withdrawReferral: only spaces', () =>
      expectRefused(
        () => api.gql(referral.sender.subject, `mutation($input: WithdrawReferralInput!) { withdrawReferral(input: $input) { id } }`, {
          input: { referralId: referral.id, expectedVersion: referral.version, reason: BLANK },
        }),
        'reason',
      ));
    it('closePlan with reason code OTHER: only spaces', () =>
      expectRefused(
        () => api.gql(worker.subject, `mutation($input: ClosePlanInput!) { closePlan(input: $input) { id } }`, {
          input: { planId: plan.planId, reasonCode: 'OTHER', reason: BLANK, agreedByMemberIds: [] },
        }),
        'reason',
      ));
    it('createNetwork: a name of spaces', () =>
      expectRefused(() => api.gql(PLATFORM_ADMIN, `mutation($input: CreateNetworkInput!) { createNetwork(input: $input) { id } }`, { input: { name: BLANK } }), 'name'));
  });

  describe('variables graphql-js rejects before execution, named by their path inside the input', () => {
    const register = `mutation($input: RegisterFamilyInput!) { registerFamily(input: $input) { id } }`;
    const goal = `mutation($input: AddGoalInput!) { addGoal(input: $input) { id } }`;
    it('a wrong enum value (no "Did you mean")', () =>
      expectRefused(
        () => api.gql(worker.subject, register, { input: { members: [{ role: 'PARNT', givenName: 'Sara', familyName: 'Peeters' }] } }),
        'members.0.role',
      ));
    it('a value of the wrong type', () =>
      expectRefused(() => api.gql(worker.subject, `query($first: Int) { families(first: $first) { edges { cursor } } }`, { first: 'ten' }), 'first'));
    it('an unknown input field', () =>
      expectRefused(
        () => api.gql(worker.subject, goal, { input: { planId: plan.planId, lifeDomain: 'HOUSING', description: 'Een woning', owner: 'FAMILY', ownr: 'x' } }),
        'ownr',
      ));
    it('a missing required field', () =>
      expectRefused(() => api.gql(worker.subject, goal, { input: { planId: plan.planId, lifeDomain: 'HOUSING', owner: 'FAMILY' } }), 'description'));
    it('a missing input', () => expectRefused(() => api.gql(worker.subject, goal, {}), 'input'));
  });
});
