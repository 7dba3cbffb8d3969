import { randomUUID } from 'node:crypto';
import {
  AssignCaseDetailsDocument,
  EndCaseAssignmentDetailsDocument,
  FamilyCaseAssignmentsDocument,
  FamilyIdsDocument,
  RegisterFamilyAssignmentsDocument,
} from './graphql/generated.js';
import { codeOf, type GraphQLResult, PLATFORM_ADMIN, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, type Network, type Person, World } from './support/world.js';

/**
 * Case assignments over GraphQL/HTTP: an agency admin assigns its own caseworkers and volunteers to
 * families its agency already works with (active assignment or on the open plan's team), and ends
 * assignments of its agency. Admins cannot see family data, so a family they may not assign to is
 * NOT_FOUND. Ending an assignment takes the family out of sight on the very next request.
 */

type Code = 'OK' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT';

/** `agency` works with `familyId` (its caseworker registered it); `sibling` (same network) does not. */
interface Scene {
  net: Network;
  agency: Agency;
  sibling: Agency;
  registrar: Person;
  caseworker: Person;
  volunteer: Person;
  siblingCaseworker: Person;
  otherAgency: Agency;
  familyId: string;
  /** The registrar's own (automatic) assignment. */
  registrarAssignmentId: string;
}

describe('case assignments', () => {
  let api: TestApi;
  let world: World;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
  });
  afterAll(() => api.stop());

  async function scene(): Promise<Scene> {
    const [net, other] = await world.networks(2);
    const [agency, sibling] = await world.agencies(net, ['CHILD_WELFARE', 'SCHOOL_GUIDANCE']);
    const [registrar, caseworker, volunteer] = await world.staffTogether(agency, ['CASEWORKER', 'CASEWORKER', 'VOLUNTEER']);
    const siblingCaseworker = await world.staff(sibling);
    const otherAgency = await world.agency(other);
    const { registerFamily } = await api.ok(registrar.subject, RegisterFamilyAssignmentsDocument, {
      input: { members: [{ role: 'PARENT', givenName: 'Sara', familyName: 'Peeters', birthDate: '1990-04-01' }] },
    });
    return {
      net,
      agency,
      sibling,
      registrar,
      caseworker,
      volunteer,
      siblingCaseworker,
      otherAgency,
      familyId: registerFamily.id,
      registrarAssignmentId: registerFamily.caseAssignments[0].id,
    };
  }

  /** The registrar opens the family's plan, becomes its supporter and adds the sibling agency to the team; the plan's id. */
  const siblingOnPlanTeam = (s: Scene) =>
    world.openPlan(s.registrar, s.familyId, {
      summary: 'Rust',
      supporter: s.registrar,
      participants: [{ agencyId: s.sibling.id, contribution: 'CLB' }],
    });

  const assign = (asSubject: string | null, familyId: string, userId: string) =>
    api.gql(asSubject, AssignCaseDetailsDocument, { input: { familyId, userId } });
  const end = (asSubject: string | null, assignmentId: string) => api.gql(asSubject, EndCaseAssignmentDetailsDocument, { input: { assignmentId } });
  const sees = async (worker: Person, familyId: string) => {
    const one = codeOf(await api.gql(worker.subject, FamilyCaseAssignmentsDocument, { id: familyId }));
    const listed = (await api.ok(worker.subject, FamilyIdsDocument)).families.edges.some((e: any) => e.node.id === familyId);
    expect(listed).toBe(one === 'OK');
    return one;
  };
  const activeAssignments = async (s: Scene) =>
    (await api.ok(s.registrar.subject, FamilyCaseAssignmentsDocument, { id: s.familyId })).family.caseAssignments.map((a: any) => a.user.id);
  const expectBadInput = (result: GraphQLResult, field: string) => {
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.data ?? null).toBeNull();
  };

  // ---------------------------------------------------------------------------------------------
  describe('assignCase', () => {
    it('the agency admin assigns its caseworker and its volunteer to a family its agency works with', async () => {
      const s = await scene();
      expect(await sees(s.caseworker, s.familyId)).toBe('NOT_FOUND');
      expect(await sees(s.volunteer, s.familyId)).toBe('NOT_FOUND');

      const result = await assign(s.agency.admin.subject, s.familyId, s.caseworker.userId);
      expect(codeOf(result)).toBe('OK');
      expect(result.data!.assignCase).toEqual({ id: expect.any(String), familyId: s.familyId, createdAt: expect.any(String), endedAt: null });
      expect(await sees(s.caseworker, s.familyId)).toBe('OK');

      expect(codeOf(await assign(s.agency.admin.subject, s.familyId, s.volunteer.userId))).toBe('OK');
      expect(await sees(s.volunteer, s.familyId)).toBe('OK');

      const { family } = await api.ok(s.caseworker.subject, FamilyCaseAssignmentsDocument, { id: s.familyId });
      expect(family.caseAssignments.map((a: any) => [a.user.id, a.agency.id])).toEqual([
        [s.registrar.userId, s.agency.id],
        [s.caseworker.userId, s.agency.id],
        [s.volunteer.userId, s.agency.id],
      ]);
      expect(family.caseAssignments[1].id).toBe(result.data!.assignCase.id);
    });

    it('an agency on the open plan team may assign its caseworker; once the plan closes it no longer may', async () => {
      const s = await scene();
      expect(codeOf(await assign(s.sibling.admin.subject, s.familyId, s.siblingCaseworker.userId))).toBe('NOT_FOUND');

      const planId = await siblingOnPlanTeam(s);
      expect(codeOf(await assign(s.sibling.admin.subject, s.familyId, s.siblingCaseworker.userId))).toBe('OK');
      expect(await sees(s.siblingCaseworker, s.familyId)).toBe('OK');

      // A second sibling caseworker, after the plan closed: the sibling still has an active assignment,
      // so it still works with the family.
      await world.closePlan(s.registrar, planId);
      const second = await world.staff(s.sibling);
      expect(codeOf(await assign(s.sibling.admin.subject, s.familyId, second.userId))).toBe('OK');

      // A third agency that was only on a (now closed) plan team does not.
      const third = await world.agency(s.net);
      const thirdWorker = await world.staff(third);
      expect(codeOf(await assign(third.admin.subject, s.familyId, thirdWorker.userId))).toBe('NOT_FOUND');
    });

    it('refuses a family its agency does not work with as NOT_FOUND, like one that does not exist', async () => {
      const s = await scene();
      const sibling = await assign(s.sibling.admin.subject, s.familyId, s.siblingCaseworker.userId);
      expect(codeOf(sibling)).toBe('NOT_FOUND');
      expect(sibling.data ?? null).toBeNull();
      expect(await sees(s.siblingCaseworker, s.familyId)).toBe('NOT_FOUND');
      expect(codeOf(await assign(s.agency.admin.subject, randomUUID(), s.caseworker.userId))).toBe('NOT_FOUND');
      expect(await activeAssignments(s)).toEqual([s.registrar.userId]);
    });

    it.each<[string, (s: Scene) => Promise<string> | string]>([
      ['a caseworker of another agency in the same network', (s) => s.siblingCaseworker.userId],
      ['a caseworker of another network', async (s) => (await world.staff(s.otherAgency)).userId],
      ['another admin of the same agency', async (s) => (await world.staff(s.agency, 'AGENCY_ADMIN')).userId],
      ['the admin itself', (s) => s.agency.admin.userId],
      ['the network coordinator', (s) => s.net.coordinator.userId],
      ['a user id that does not exist', () => randomUUID()],
    ])('refuses %s as userId with BAD_USER_INPUT', async (_label, pick) => {
      const s = await scene();
      const userId = await pick(s);
      expectBadInput(await assign(s.agency.admin.subject, s.familyId, userId), 'userId');
      expect(await activeAssignments(s)).toEqual([s.registrar.userId]);
    });

    it('refuses malformed ids with BAD_USER_INPUT naming the field', async () => {
      const s = await scene();
      expectBadInput(await assign(s.agency.admin.subject, 'x', s.caseworker.userId), 'familyId');
      expectBadInput(await assign(s.agency.admin.subject, s.familyId, 'x'), 'userId');
    });

    it('refuses a double assignment with CONFLICT', async () => {
      const s = await scene();
      // The registrar is assigned already, automatically.
      expect(codeOf(await assign(s.agency.admin.subject, s.familyId, s.registrar.userId))).toBe('CONFLICT');
      expect(codeOf(await assign(s.agency.admin.subject, s.familyId, s.caseworker.userId))).toBe('OK');
      const twice = await assign(s.agency.admin.subject, s.familyId, s.caseworker.userId);
      expect(codeOf(twice)).toBe('CONFLICT');
      expect(twice.data ?? null).toBeNull();
      expect(await activeAssignments(s)).toEqual([s.registrar.userId, s.caseworker.userId]);
    });

    it.each<[string, Code, (s: Scene) => string | null]>([
      ['the assigned caseworker', 'FORBIDDEN', (s) => s.registrar.subject],
      ['an unassigned caseworker of the agency', 'FORBIDDEN', (s) => s.caseworker.subject],
      ['a volunteer of the agency', 'FORBIDDEN', (s) => s.volunteer.subject],
      ['the admin of another agency, same network', 'NOT_FOUND', (s) => s.sibling.admin.subject],
      ["the admin of another network's agency", 'NOT_FOUND', (s) => s.otherAgency.admin.subject],
      ['the network coordinator', 'FORBIDDEN', (s) => s.net.coordinator.subject],
      ['the platform admin', 'FORBIDDEN', () => PLATFORM_ADMIN],
      ['an unknown subject', 'FORBIDDEN', () => uniqueSubject('stranger')],
      ['no token', 'UNAUTHENTICATED', () => null],
    ])('%s may not assign a caseworker of the agency → %s', async (_label, expected, caller) => {
      const s = await scene();
      const result = await assign(caller(s), s.familyId, s.caseworker.userId);
      expect(codeOf(result)).toBe(expected);
      expect(result.data ?? null).toBeNull();
      expect(await sees(s.caseworker, s.familyId)).toBe('NOT_FOUND');
      expect(await activeAssignments(s)).toEqual([s.registrar.userId]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('endCaseAssignment', () => {
    it('takes the family out of sight on the next request; ending twice is CONFLICT; re-assigning works', async () => {
      const s = await scene();
      const { assignCase } = await api.ok(s.agency.admin.subject, AssignCaseDetailsDocument, { input: { familyId: s.familyId, userId: s.caseworker.userId } });
      expect(await sees(s.caseworker, s.familyId)).toBe('OK');

      const ended = await end(s.agency.admin.subject, assignCase.id);
      expect(codeOf(ended)).toBe('OK');
      expect(ended.data!.endCaseAssignment).toEqual({ id: assignCase.id, familyId: s.familyId, endedAt: expect.any(String) });
      expect(codeOf(await api.gql(s.caseworker.subject, FamilyCaseAssignmentsDocument, { id: s.familyId }))).toBe('NOT_FOUND');
      expect(await sees(s.caseworker, s.familyId)).toBe('NOT_FOUND');
      expect(await activeAssignments(s)).toEqual([s.registrar.userId]);

      const again = await end(s.agency.admin.subject, assignCase.id);
      expect(codeOf(again)).toBe('CONFLICT');
      expect(again.data ?? null).toBeNull();

      // Ended, never deleted: a new assignment may follow.
      const { assignCase: renewed } = await api.ok(s.agency.admin.subject, AssignCaseDetailsDocument, {
        input: { familyId: s.familyId, userId: s.caseworker.userId },
      });
      expect(renewed.id).not.toBe(assignCase.id);
      expect(await sees(s.caseworker, s.familyId)).toBe('OK');
    });

    it('ends the automatic assignment of the registering caseworker', async () => {
      const s = await scene();
      await api.ok(s.agency.admin.subject, AssignCaseDetailsDocument, { input: { familyId: s.familyId, userId: s.caseworker.userId } });
      expect(codeOf(await end(s.agency.admin.subject, s.registrarAssignmentId))).toBe('OK');
      expect(await sees(s.registrar, s.familyId)).toBe('NOT_FOUND');
      expect(await sees(s.caseworker, s.familyId)).toBe('OK');
    });

    it('once its last assignment ended (and no open plan team), the agency no longer works with the family', async () => {
      const s = await scene();
      expect(codeOf(await end(s.agency.admin.subject, s.registrarAssignmentId))).toBe('OK');
      expect(await sees(s.registrar, s.familyId)).toBe('NOT_FOUND');
      expect(codeOf(await assign(s.agency.admin.subject, s.familyId, s.caseworker.userId))).toBe('NOT_FOUND');
      expect(codeOf(await assign(s.agency.admin.subject, s.familyId, s.registrar.userId))).toBe('NOT_FOUND');
    });

    it.each<[string, Code, (s: Scene) => string | null]>([
      ['the admin of another agency, same network', 'NOT_FOUND', (s) => s.sibling.admin.subject],
      ["the admin of another network's agency", 'NOT_FOUND', (s) => s.otherAgency.admin.subject],
      ['the assigned caseworker itself', 'FORBIDDEN', (s) => s.caseworker.subject],
      ['the registering caseworker', 'FORBIDDEN', (s) => s.registrar.subject],
      ['the network coordinator', 'FORBIDDEN', (s) => s.net.coordinator.subject],
      ['the platform admin', 'FORBIDDEN', () => PLATFORM_ADMIN],
      ['no token', 'UNAUTHENTICATED', () => null],
    ])('%s may not end it → %s, and the assignment stays', async (_label, expected, caller) => {
      const s = await scene();
      const { assignCase } = await api.ok(s.agency.admin.subject, AssignCaseDetailsDocument, { input: { familyId: s.familyId, userId: s.caseworker.userId } });
      const result = await end(caller(s), assignCase.id);
      expect(codeOf(result)).toBe(expected);
      expect(result.data ?? null).toBeNull();
      expect(await sees(s.caseworker, s.familyId)).toBe('OK');
      expect(await activeAssignments(s)).toEqual([s.registrar.userId, s.caseworker.userId]);
    });

    it('the admin of a sibling agency may end only its own agency\'s assignment to a shared family', async () => {
      const s = await scene();
      await siblingOnPlanTeam(s);
      const { assignCase: theirs } = await api.ok(s.sibling.admin.subject, AssignCaseDetailsDocument, {
        input: { familyId: s.familyId, userId: s.siblingCaseworker.userId },
      });
      expect(codeOf(await end(s.sibling.admin.subject, s.registrarAssignmentId))).toBe('NOT_FOUND');
      expect(codeOf(await end(s.agency.admin.subject, theirs.id))).toBe('NOT_FOUND');
      expect(await activeAssignments(s)).toEqual([s.registrar.userId, s.siblingCaseworker.userId]);
      expect(codeOf(await end(s.sibling.admin.subject, theirs.id))).toBe('OK');
      expect(await sees(s.siblingCaseworker, s.familyId)).toBe('NOT_FOUND');
      expect(await sees(s.registrar, s.familyId)).toBe('OK');
    });

    it('answers NOT_FOUND for an assignment that does not exist and BAD_USER_INPUT for a malformed id', async () => {
      const s = await scene();
      expect(codeOf(await end(s.agency.admin.subject, randomUUID()))).toBe('NOT_FOUND');
      expectBadInput(await end(s.agency.admin.subject, 'x'), 'assignmentId');
    });
  });
});
