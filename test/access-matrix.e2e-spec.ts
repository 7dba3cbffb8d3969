import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AccessLogProbeDocument,
  AddGoalDocument,
  AddFamilyMemberDocument,
  AddMembershipStatusDocument,
  AddNoteDocument,
  AssignTrajectorySupporterDocument,
  ConfirmFamilyMergeDocument,
  type DataCategory,
  DeclineFamilyMergeDocument,
  EndCaseAssignmentDocument,
  FamilyConsentsDocument,
  FamilyEmailsDocument,
  FamilyMergeProposalsDocument,
  FindKnownFamilyDocument,
  InviteMemberToPortalDocument,
  type LifeDomain,
  MovingPlanDocument,
  MemberVersionsDocument,
  MyKindDocument,
  PairFamilyMembersDocument,
  PlanGoalsAndNotesDocument,
  ProposeFamilyMergeDocument,
  ProposeFamilyMoveDocument,
  RecordConsentDocument,
  RevokeConsentDocument,
  WithdrawFamilyMergeDocument,
  WithdrawFamilyMoveDocument,
} from './graphql/generated.js';
import { codeOf, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, child, type FamilyMemberInput, type Network, parent, type Person, World } from './support/world.js';

/**
 * The access matrix: who may do what with one family's data (docs/authorization.md, "Rule map";
 * docs/consent-and-portal.md, the access rule), as roles × operations × the consent state of the agencies under test, over GraphQL.
 *
 * Every row comes from MATRIX below; to extend it, add an operation to OPERATIONS (with its probe in
 * PROBES) or a role to ROLES, and give each role its expected outcome.
 *
 * Legend — what a row expects:
 *   OK         the operation succeeds; for an item of a list (member, goal, note, consent) it is
 *              listed, and for a field (a member's email) it has its value
 *   NOT_FOUND  error NOT_FOUND: the record is not visible to the caller (its existence does not leak)
 *   FORBIDDEN  error FORBIDDEN: the operation is not for this role at all
 *   HIDDEN     the query succeeds but leaves the item out (for an email: the member itself is left out)
 *   NULL       the member is listed but the field (its email) is blanked
 *   CONFLICT   error CONFLICT: allowed, but the record's state refuses it (Lien already has a portal login)
 *   BAD_INPUT  error BAD_USER_INPUT: allowed, but a member named is one the caller may not read (answered as a missing one)
 *   An item asked through a query that fails as a whole expects that query's error.
 *   consent(a, b): `a` when the agency holds the family's consent (all categories), `b` when it does not,
 *   whether it never had one, it was revoked, or it expired.
 *
 * The family (one per consent state): Sara (adult parent), Lien (15, decides for herself) and Mo (6,
 * Sara speaks for him). Agency R's caseworker registers it (R holds every member's consent), opens its
 * plan, adds agency B and volunteer organisation V to the plan team, and writes the goals and notes;
 * B's and V's admins assign their people. The consent state applies to B and V: never to R. Because
 * the probed records are R's, authorship never explains an outcome of B's or V's people.
 */

type Outcome = 'OK' | 'NOT_FOUND' | 'FORBIDDEN' | 'HIDDEN' | 'NULL' | 'CONFLICT' | 'BAD_INPUT';

/** B's and V's consent from every member (all categories). */
const STATES = ['present', 'absent', 'revoked', 'expired'] as const;
type ConsentState = (typeof STATES)[number];

const ROLES = [
  'caseworker, assigned (agency B)',
  'caseworker, unassigned (agency B)',
  'trajectory supporter (agency B)',
  'volunteer, assigned (organisation V)',
  'agency admin (B)',
  'network coordinator',
  'caseworker of another network',
  'family adult (portal)',
  'family child 12+ (portal)',
  'parent of a child < 12 (portal)',
  // Stands in for an integration partner's client-credentials token: integration clients do not exist
  // yet, so a valid token whose subject is no user and no family member is the closest there is.
  'unknown token subject',
] as const;
type Role = (typeof ROLES)[number];

/**
 * Merging another registration into the family, and moving it to another network: its current trajectory
 * supporter and the network's coordinator; who sees the family without that right FORBIDDEN, who does not
 * NOT_FOUND (docs/family-merge.md, docs/regional-agencies-and-moves.md). Never a question of consent.
 */
const MERGE_AND_MOVE_OPERATIONS = [
  'familyMergeProposals(familyId)',
  'proposeFamilyMerge: absorbing another registration',
  'confirmFamilyMerge: proposed by the other family',
  'declineFamilyMerge: proposed by the other family',
  'withdrawFamilyMerge: proposed by the supporter',
  'proposeFamilyMove',
  'withdrawFamilyMove: proposed by the supporter',
  // Pairing reads both members as well (the caller vouches for them): the supporter needs their consent.
  'pairFamilyMembers: Ann registered twice',
] as const;

const OPERATIONS = [
  // read
  'family(id)',
  'family.members: Sara',
  'family.members: Lien (15)',
  'family.members: Mo (6)',
  'email: Sara',
  'email: Lien (15)',
  'email: Mo (6)',
  'plan(id)',
  'plan.goals: PARENTING goal',
  'plan.goals: HEALTH goal about Lien (15)',
  'plan.goals: HEALTH goal naming nobody',
  'plan.notes: NOTES about Sara',
  'plan.notes: HEALTH about Lien (15)',
  'plan.notes: HEALTH about Mo (6)',
  'consents(familyId): about Sara',
  'consents(familyId): about Lien (15)',
  'consents(familyId): about Mo (6)',
  'accessLog(familyId)',
  // write
  'addGoal (PARENTING)',
  'addNote (NOTES)',
  'revokeConsent: about Sara',
  'revokeConsent: about Lien (15)',
  'revokeConsent: about Mo (6)',
  // identity: a portal login is handed out by invitation only, and never becomes a professional
  'createPortalInvitation: Lien (15)',
  "addMembership of Sara's portal login",
  // whether a family is known: any caseworker, of any network; nobody else (docs/family-identity.md)
  'findKnownFamily: Sara (name and birth date)',
  ...MERGE_AND_MOVE_OPERATIONS,
] as const;
type Operation = (typeof OPERATIONS)[number];

type Expected = Outcome | Record<ConsentState, Outcome>;
const consent = (present: Outcome, otherwise: Outcome): Expected => ({ present, absent: otherwise, revoked: otherwise, expired: otherwise });
/** Every operation answers `outcome`, except those in `except`. */
const every = (outcome: Outcome, except: Partial<Record<Operation, Expected>> = {}): Record<Operation, Expected> => ({
  ...(Object.fromEntries(OPERATIONS.map((op) => [op, outcome])) as Record<Operation, Expected>),
  ...except,
});

/** Every merge and move operation answers `outcome`. */
const MERGE_AND_MOVE = (outcome: Outcome) => Object.fromEntries(MERGE_AND_MOVE_OPERATIONS.map((op) => [op, outcome])) as Record<(typeof MERGE_AND_MOVE_OPERATIONS)[number], Outcome>;

/** A caseworker on the family's team (assigned, or its trajectory supporter), of agency B. */
const CASEWORKER_ON_TEAM: Record<Operation, Expected> = {
  'family(id)': 'OK', // the family itself (its existence) is the team's
  'family.members: Sara': consent('OK', 'HIDDEN'),
  'family.members: Lien (15)': consent('OK', 'HIDDEN'),
  'family.members: Mo (6)': consent('OK', 'HIDDEN'),
  'email: Sara': consent('OK', 'HIDDEN'),
  'email: Lien (15)': consent('OK', 'HIDDEN'),
  'email: Mo (6)': consent('OK', 'HIDDEN'),
  'plan(id)': consent('OK', 'NOT_FOUND'),
  'plan.goals: PARENTING goal': consent('OK', 'NOT_FOUND'),
  'plan.goals: HEALTH goal about Lien (15)': consent('OK', 'NOT_FOUND'),
  'plan.goals: HEALTH goal naming nobody': consent('OK', 'NOT_FOUND'), // the team's only, under every member's consent
  'plan.notes: NOTES about Sara': consent('OK', 'NOT_FOUND'),
  'plan.notes: HEALTH about Lien (15)': consent('OK', 'NOT_FOUND'),
  'plan.notes: HEALTH about Mo (6)': consent('OK', 'NOT_FOUND'),
  // The team keeps the family's consents (records, lists and revokes them for the family).
  'consents(familyId): about Sara': 'OK',
  'consents(familyId): about Lien (15)': 'OK',
  'consents(familyId): about Mo (6)': 'OK',
  'accessLog(familyId)': 'FORBIDDEN', // the family's own view
  'addGoal (PARENTING)': consent('OK', 'NOT_FOUND'), // writing needs reading the plan first
  'addNote (NOTES)': consent('OK', 'NOT_FOUND'),
  'revokeConsent: about Sara': 'OK',
  'revokeConsent: about Lien (15)': 'OK',
  'revokeConsent: about Mo (6)': 'OK',
  'createPortalInvitation: Lien (15)': consent('CONFLICT', 'NOT_FOUND'), // she has a login: it is ended first
  "addMembership of Sara's portal login": 'FORBIDDEN',
  'findKnownFamily: Sara (name and birth date)': 'OK',
  ...MERGE_AND_MOVE('FORBIDDEN'), // sees the family, does not lead its plan
};

/**
 * The table. Sara's portal login appears as two roles: "family adult" for her own data and Lien's,
 * "parent of a child < 12" for Mo's data (which she reads as his representative); together they cover
 * every operation once (checked below).
 */
const MATRIX: Record<Role, Partial<Record<Operation, Expected>>> = {
  'caseworker, assigned (agency B)': CASEWORKER_ON_TEAM,
  // Merges and moves the family whatever B's consent: both move rows and read nothing.
  'trajectory supporter (agency B)': { ...CASEWORKER_ON_TEAM, ...MERGE_AND_MOVE('OK'), 'pairFamilyMembers: Ann registered twice': consent('OK', 'BAD_INPUT') },
  'caseworker, unassigned (agency B)': every('NOT_FOUND', { 'accessLog(familyId)': 'FORBIDDEN', "addMembership of Sara's portal login": 'FORBIDDEN', 'findKnownFamily: Sara (name and birth date)': 'OK' }),
  'caseworker of another network': every('NOT_FOUND', { 'accessLog(familyId)': 'FORBIDDEN', "addMembership of Sara's portal login": 'FORBIDDEN', 'findKnownFamily: Sara (name and birth date)': 'OK' }),
  'volunteer, assigned (organisation V)': {
    'family(id)': 'OK',
    'family.members: Sara': consent('OK', 'HIDDEN'),
    'family.members: Lien (15)': consent('OK', 'HIDDEN'),
    'family.members: Mo (6)': consent('OK', 'HIDDEN'),
    'email: Sara': consent('OK', 'HIDDEN'),
    'email: Lien (15)': consent('OK', 'HIDDEN'),
    'email: Mo (6)': consent('OK', 'HIDDEN'),
    'plan(id)': consent('OK', 'NOT_FOUND'),
    'plan.goals: PARENTING goal': consent('OK', 'NOT_FOUND'),
    'plan.goals: HEALTH goal about Lien (15)': consent('HIDDEN', 'NOT_FOUND'), // never health or safety, even with consent
    'plan.goals: HEALTH goal naming nobody': consent('HIDDEN', 'NOT_FOUND'),
    'plan.notes: NOTES about Sara': consent('OK', 'NOT_FOUND'),
    'plan.notes: HEALTH about Lien (15)': consent('HIDDEN', 'NOT_FOUND'),
    'plan.notes: HEALTH about Mo (6)': consent('HIDDEN', 'NOT_FOUND'),
    'consents(familyId): about Sara': 'FORBIDDEN',
    'consents(familyId): about Lien (15)': 'FORBIDDEN',
    'consents(familyId): about Mo (6)': 'FORBIDDEN',
    'accessLog(familyId)': 'FORBIDDEN',
    'addGoal (PARENTING)': 'FORBIDDEN',
    'addNote (NOTES)': consent('OK', 'NOT_FOUND'),
    'revokeConsent: about Sara': 'FORBIDDEN',
    'revokeConsent: about Lien (15)': 'FORBIDDEN',
    'revokeConsent: about Mo (6)': 'FORBIDDEN',
    'createPortalInvitation: Lien (15)': 'FORBIDDEN',
    "addMembership of Sara's portal login": 'FORBIDDEN',
    'findKnownFamily: Sara (name and birth date)': 'FORBIDDEN',
    ...MERGE_AND_MOVE('FORBIDDEN'), // no merge or move right at all
  },
  // Administration never reaches family data; an admin may invite any subject, which changes nothing for it.
  'agency admin (B)': every('FORBIDDEN', { "addMembership of Sara's portal login": 'OK' }),
  // Watches over the network's families: merges and moves them without reading them.
  // …and pairs no members, whom she does not read (answered as members not there).
  'network coordinator': every('FORBIDDEN', { ...MERGE_AND_MOVE('OK'), 'pairFamilyMembers: Ann registered twice': 'BAD_INPUT' }),
  'unknown token subject': every('FORBIDDEN'),
  'family adult (portal)': {
    'family(id)': 'OK',
    'family.members: Sara': 'OK',
    'family.members: Lien (15)': 'OK',
    'email: Sara': 'OK',
    'email: Lien (15)': 'NULL', // Lien decides for herself
    'plan(id)': 'OK',
    'plan.goals: PARENTING goal': 'OK',
    'plan.goals: HEALTH goal about Lien (15)': 'HIDDEN', // as her health note
    'plan.goals: HEALTH goal naming nobody': 'HIDDEN', // the team's only until it names a member
    'plan.notes: NOTES about Sara': 'OK',
    'plan.notes: HEALTH about Lien (15)': 'HIDDEN',
    'consents(familyId): about Sara': 'OK',
    'consents(familyId): about Lien (15)': 'HIDDEN',
    'accessLog(familyId)': 'OK',
    'addGoal (PARENTING)': 'FORBIDDEN',
    'addNote (NOTES)': 'FORBIDDEN',
    'revokeConsent: about Sara': 'OK',
    'revokeConsent: about Lien (15)': 'NOT_FOUND',
    'createPortalInvitation: Lien (15)': 'FORBIDDEN',
    "addMembership of Sara's portal login": 'FORBIDDEN',
    'findKnownFamily: Sara (name and birth date)': 'FORBIDDEN',
    ...MERGE_AND_MOVE('FORBIDDEN'),
  },
  'parent of a child < 12 (portal)': {
    'family.members: Mo (6)': 'OK',
    'email: Mo (6)': 'OK',
    'plan.notes: HEALTH about Mo (6)': 'OK',
    'consents(familyId): about Mo (6)': 'OK',
    'revokeConsent: about Mo (6)': 'OK',
  },
  'family child 12+ (portal)': {
    'family(id)': 'OK',
    'family.members: Sara': 'OK',
    'family.members: Lien (15)': 'OK',
    'family.members: Mo (6)': 'OK',
    'email: Sara': 'NULL',
    'email: Lien (15)': 'OK',
    'email: Mo (6)': 'NULL', // a sibling is no representative
    'plan(id)': 'OK',
    'plan.goals: PARENTING goal': 'OK',
    'plan.goals: HEALTH goal about Lien (15)': 'OK',
    'plan.goals: HEALTH goal naming nobody': 'HIDDEN',
    'plan.notes: NOTES about Sara': 'HIDDEN',
    'plan.notes: HEALTH about Lien (15)': 'OK',
    'plan.notes: HEALTH about Mo (6)': 'HIDDEN',
    'consents(familyId): about Sara': 'HIDDEN',
    'consents(familyId): about Lien (15)': 'OK',
    'consents(familyId): about Mo (6)': 'HIDDEN',
    'accessLog(familyId)': 'OK',
    'addGoal (PARENTING)': 'FORBIDDEN',
    'addNote (NOTES)': 'FORBIDDEN',
    'revokeConsent: about Sara': 'NOT_FOUND',
    'revokeConsent: about Lien (15)': 'OK',
    'revokeConsent: about Mo (6)': 'NOT_FOUND',
    'createPortalInvitation: Lien (15)': 'FORBIDDEN',
    "addMembership of Sara's portal login": 'FORBIDDEN',
    'findKnownFamily: Sara (name and birth date)': 'FORBIDDEN',
    ...MERGE_AND_MOVE('FORBIDDEN'),
  },
};

interface Row {
  state: ConsentState;
  role: Role;
  op: Operation;
  expected: Outcome;
}

const ROWS: Row[] = STATES.flatMap((state) =>
  ROLES.flatMap((role) =>
    OPERATIONS.flatMap((op) => {
      const expected = MATRIX[role][op];
      if (expected === undefined) return [];
      return [{ state, role, op, expected: typeof expected === 'string' ? expected : expected[state] }];
    }),
  ),
);

// ---------------------------------------------------------------------------------------------------
// Helpers: the people, the scenarios, and one probe per operation.

type Who = 'sara' | 'lien' | 'mo';
/** Who grants a consent about each member: Sara for herself and for Mo, Lien for herself. */
const GRANTOR: Record<Who, Who> = { sara: 'sara', lien: 'lien', mo: 'sara' };

/** Everybody outside the family, shared by the scenarios. */
interface Cast {
  network: Network;
  agencyR: Agency;
  registrar: Person;
  agencyB: Agency;
  assigned: Person;
  unassigned: Person;
  supporter: Person;
  agencyV: Agency;
  volunteer: Person;
  foreign: Person;
  unknown: string;
  /** A caseworker of another network, whom a move proposes as the family's supporter there. */
  mover: Person;
  moverNetwork: Network;
}

/** One family in one consent state. */
interface Scenario {
  state: ConsentState;
  familyId: string;
  planId: string;
  members: Record<Who, string>;
  emails: Record<Who, string>;
  goals: { PARENTING: string; HEALTH: string; HEALTH_TEAM: string };
  notes: { sara: string; lien: string; mo: string };
  logins: { sara: string; lien: string };
  /** B's and V's consents, as recorded (none when absent). */
  consentIds: string[];
  /** Sara's PLAN consent to B under which B's supporter was chosen, withdrawn at once. */
  supporterChosenWith: string;
}

/** A birth date (YYYY-MM-DD) that makes a member `years` old today, some weeks past the birthday. */
function bornYearsAgo(years: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() - 40);
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.toISOString().slice(0, 10);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('access matrix: roles × operations × consent state', () => {
  let api: TestApi;
  let world: World;
  let cast: Cast;
  const scenarios = {} as Record<ConsentState, Scenario>;

  function subjectOf(role: Role, s: Scenario): string {
    const subjects: Record<Role, string> = {
      'caseworker, assigned (agency B)': cast.assigned.subject,
      'caseworker, unassigned (agency B)': cast.unassigned.subject,
      'trajectory supporter (agency B)': cast.supporter.subject,
      'volunteer, assigned (organisation V)': cast.volunteer.subject,
      'agency admin (B)': cast.agencyB.admin.subject,
      'network coordinator': cast.network.coordinator.subject,
      'caseworker of another network': cast.foreign.subject,
      'family adult (portal)': s.logins.sara,
      'family child 12+ (portal)': s.logins.lien,
      'parent of a child < 12 (portal)': s.logins.sara,
      'unknown token subject': cast.unknown,
    };
    return subjects[role];
  }

  /** Sends one operation: the error code when it failed, else its data. */
  async function send<T>(as: string, document: TypedDocumentNode<T, any>, variables: Record<string, unknown>): Promise<{ code: Outcome | null; data: any }> {
    const result = await api.gql(as, document, variables);
    const code = codeOf(result);
    if (code === 'OK') return { code: null, data: result.data };
    if (code === 'BAD_USER_INPUT') return { code: 'BAD_INPUT', data: null };
    if (code !== 'NOT_FOUND' && code !== 'FORBIDDEN' && code !== 'CONFLICT') throw new Error(`Unexpected answer: ${JSON.stringify(result.errors)}`);
    return { code, data: null };
  }

  /** One consent about `about` (by its grantor) that `agencyId` may use `categories`, recorded by R's caseworker. */
  async function recordConsent(s: Pick<Scenario, 'members'>, about: Who, agencyId: string, categories: DataCategory[], validUntil?: Date) {
    const grantor = s.members[GRANTOR[about]];
    const { recordConsent } = await api.ok(cast.registrar.subject, RecordConsentDocument, {
      input: {
        grantorMemberId: grantor,
        subjectMemberIds: [s.members[about]],
        recipientAgencyId: agencyId,
        categories,
        purposeCode: 'PLAN_COORDINATION',
        purpose: 'Samen werken aan het gezinsplan',
        method: 'WRITTEN',
        evidenceReference: `form-${s.members[about]}`,
        ...(validUntil && { validUntil: validUntil.toISOString() }),
      },
    });
    expect(recordConsent.status).toBe('ACTIVE');
    return recordConsent.id as string;
  }

  /** The plan as R's caseworker (who wrote everything on it and holds every consent) sees it. */
  async function planOfRegistrar(s: Scenario) {
    return (await api.ok(cast.registrar.subject, PlanGoalsAndNotesDocument, { id: s.planId })).plan as {
      goals: { description: string }[];
      notes: { body: string }[];
    };
  }

  const ALL_CATEGORIES: DataCategory[] = ['IDENTITY', 'CONTACT', 'PLAN', 'NOTES', 'HEALTH', 'SAFETY', 'REFERRAL'];

  /**
   * The family, its plan and team for one consent state, up to (not including) B's and V's consents.
   * The trajectory supporter is a caseworker of B whose case assignment ended after it became the
   * supporter: on the team as supporter only.
   */
  async function buildFamily(state: ConsentState): Promise<Scenario> {
    const name = `Matrix-${state}`;
    const emails: Record<Who, string> = { sara: `sara.${state}@example.be`, lien: `lien.${state}@example.be`, mo: `ouders.mo.${state}@example.be` };
    const members: (FamilyMemberInput & { email: string })[] = [
      { ...parent('Sara', name), email: emails.sara },
      { ...child('Lien', name, bornYearsAgo(15)), email: emails.lien },
      { ...child('Mo', name, bornYearsAgo(6)), email: emails.mo },
    ];
    const family = await world.family(cast.registrar, members); // every member consents to R
    const [sara, lien, mo] = family.memberIds as [string, string, string];
    const planId = await world.openPlan(cast.registrar, family.id, {
      participants: [
        { agencyId: cast.agencyB.id, contribution: 'Schoolbegeleiding voor Lien' },
        { agencyId: cast.agencyV.id, contribution: 'Wekelijks huisbezoek' },
      ],
      consentForParticipants: false,
    });
    await world.assign(cast.agencyB.admin, family.id, cast.assigned.userId);
    const supporterAssignment = await world.assign(cast.agencyB.admin, family.id, cast.supporter.userId);
    await world.assign(cast.agencyV.admin, family.id, cast.volunteer.userId);
    // A supporter's agency needs the family's PLAN consent when she is chosen; Sara's is withdrawn right
    // after, so that B's consent state is the scenario's alone (set up later).
    const chosenWith = await recordConsent({ members: { sara, lien, mo } }, 'sara', cast.agencyB.id, ['PLAN']);
    await api.ok(cast.registrar.subject, AssignTrajectorySupporterDocument, { input: { planId, userId: cast.supporter.userId } });
    await api.ok(cast.registrar.subject, RevokeConsentDocument, { input: { consentId: chosenWith, reason: 'Alleen voor de keuze van de begeleider', revokedByMemberId: sara } });
    await api.ok(cast.agencyB.admin.subject, EndCaseAssignmentDocument, { input: { assignmentId: supporterAssignment } });

    const goal = async (lifeDomain: LifeDomain, memberIds: string[] = []) =>
      (await api.ok(cast.registrar.subject, AddGoalDocument, { input: { planId, lifeDomain, description: `Doel ${lifeDomain}`, owner: 'FAMILY', memberIds } }))
        .addGoal.id as string;
    const note = async (category: DataCategory, about: string) =>
      (await api.ok(cast.registrar.subject, AddNoteDocument, { input: { planId, category, body: `Notitie ${category}`, memberIds: [about] } }))
        .addNote.id as string;
    const logins = { sara: uniqueSubject('sara'), lien: uniqueSubject('lien') };
    await world.portalLogin(cast.registrar, sara, logins.sara);
    await world.portalLogin(cast.registrar, lien, logins.lien);
    return {
      state,
      familyId: family.id,
      planId,
      members: { sara, lien, mo },
      emails,
      goals: { PARENTING: await goal('PARENTING'), HEALTH: await goal('HEALTH', [lien]), HEALTH_TEAM: await goal('HEALTH') },
      notes: { sara: await note('NOTES', sara), lien: await note('HEALTH', lien), mo: await note('HEALTH', mo) },
      logins,
      consentIds: [],
      supporterChosenWith: chosenWith,
    };
  }

  /**
   * Every member's consent (all categories) for B and for V; with `validForMs`, each valid for that long from its own
   * recording (one deadline for all six ran out before the last was recorded on a loaded machine). Returns the ids and
   * the moment the last one runs out.
   */
  async function consentBAndV(s: Scenario, validForMs?: number): Promise<{ ids: string[]; lastValidUntil: number }> {
    const ids: string[] = [];
    let lastValidUntil = 0;
    for (const agencyId of [cast.agencyB.id, cast.agencyV.id]) {
      for (const who of ['sara', 'lien', 'mo'] as const) {
        const validUntil = validForMs === undefined ? undefined : new Date(Date.now() + validForMs);
        lastValidUntil = Math.max(lastValidUntil, validUntil?.getTime() ?? 0);
        ids.push(await recordConsent(s, who, agencyId, ALL_CATEGORIES, validUntil));
      }
    }
    return { ids, lastValidUntil };
  }

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    const network = await world.network();
    const agencyR = await world.agency(network, 'CHILD_AND_FAMILY');
    const agencyB = await world.agency(network, 'SCHOOL_GUIDANCE');
    const agencyV = await world.agency(network, 'VOLUNTEER_ORGANISATION');
    const moverNetwork = await world.network();
    cast = {
      network,
      agencyR,
      registrar: await world.staff(agencyR),
      agencyB,
      assigned: await world.staff(agencyB),
      unassigned: await world.staff(agencyB),
      supporter: await world.staff(agencyB),
      agencyV,
      volunteer: await world.staff(agencyV, 'VOLUNTEER'),
      foreign: await world.staff(await world.agency(await world.network())),
      unknown: uniqueSubject('integration-client'),
      mover: await world.staff(await world.agency(moverNetwork)),
      moverNetwork,
    };

    // Expired first: its consents run out while the other scenarios are built; it is waited for once.
    const expired = await buildFamily('expired');
    const expiring = await consentBAndV(expired, 2000);
    expired.consentIds = expiring.ids;
    scenarios.expired = expired;

    scenarios.present = await buildFamily('present');
    scenarios.present.consentIds = (await consentBAndV(scenarios.present)).ids;

    scenarios.absent = await buildFamily('absent');

    const revoked = await buildFamily('revoked');
    revoked.consentIds = (await consentBAndV(revoked)).ids;
    const grantors = [GRANTOR.sara, GRANTOR.lien, GRANTOR.mo, GRANTOR.sara, GRANTOR.lien, GRANTOR.mo];
    for (const [i, consentId] of revoked.consentIds.entries()) {
      await api.ok(cast.registrar.subject, RevokeConsentDocument, {
        input: { consentId, reason: 'Het gezin trekt de toestemming in', revokedByMemberId: revoked.members[grantors[i]!] },
      });
    }
    scenarios.revoked = revoked;

    await sleep(Math.max(0, expiring.lastValidUntil - Date.now()) + 500);
  }, 180_000);
  afterAll(() => api?.stop());

  // -------------------------------------------------------------------------------------------------
  /** An item of a list: OK when there, HIDDEN when left out. */
  const listed = (found: unknown): Outcome => (found ? 'OK' : 'HIDDEN');

  const member = (who: Who) => async (as: string, s: Scenario): Promise<Outcome> => {
    const { code, data } = await send(as, FamilyEmailsDocument, { id: s.familyId });
    return code ?? listed(data.family.members.find((m: { id: string }) => m.id === s.members[who]));
  };

  const email = (who: Who) => async (as: string, s: Scenario): Promise<Outcome> => {
    const { code, data } = await send(as, FamilyEmailsDocument, { id: s.familyId });
    if (code) return code;
    const found = data.family.members.find((m: { id: string }) => m.id === s.members[who]);
    if (!found) return 'HIDDEN';
    if (found.email === null) return 'NULL';
    expect(found.email).toBe(s.emails[who]);
    return 'OK';
  };

  const planItem = (kind: 'goals' | 'notes', id: (s: Scenario) => string) => async (as: string, s: Scenario): Promise<Outcome> => {
    const { code, data } = await send(as, PlanGoalsAndNotesDocument, { id: s.planId });
    if (code) return code;
    expect(data.plan.id).toBe(s.planId);
    return listed(data.plan[kind].find((item: { id: string }) => item.id === id(s)));
  };

  const consentAbout = (who: Who) => async (as: string, s: Scenario): Promise<Outcome> => {
    const { code, data } = await send(as, FamilyConsentsDocument, { familyId: s.familyId });
    return code ?? listed(data.consents.find((c: { subjectMemberIds: string[] }) => c.subjectMemberIds.includes(s.members[who])));
  };

  /** A write that leaves a marked goal/note on the plan exactly when it succeeds. */
  const addToPlan = (kind: 'goals' | 'notes', mutation: TypedDocumentNode<unknown, any>, input: (s: Scenario, marker: string) => Record<string, unknown>) =>
    async (as: string, s: Scenario): Promise<Outcome> => {
      const marker = `matrix-${Math.random().toString(36).slice(2)}`;
      const { code } = await send(as, mutation, { input: input(s, marker) });
      const plan = await planOfRegistrar(s);
      const texts = kind === 'goals' ? plan.goals.map((g) => g.description) : plan.notes.map((n) => n.body);
      expect(texts.includes(marker)).toBe(code === null);
      return code ?? 'OK';
    };

  /** Revokes a fresh REFERRAL consent about `who` for R (so that no other row's consent state changes). */
  const revokeAbout = (who: Who) => async (as: string, s: Scenario): Promise<Outcome> => {
    const consentId = await recordConsent(s, who, cast.agencyR.id, ['REFERRAL']);
    const { code, data } = await send(as, RevokeConsentDocument, {
      input: { consentId, reason: 'Ik wil dit niet meer', revokedByMemberId: s.members[GRANTOR[who]] },
    });
    const after = (await api.ok(cast.registrar.subject, FamilyConsentsDocument, { familyId: s.familyId })).consents.find(
      (c: { id: string }) => c.id === consentId,
    );
    expect(after!.status).toBe(code === null ? 'REVOKED' : 'ACTIVE');
    if (code === null) expect(data.revokeConsent).toEqual({ id: consentId, status: 'REVOKED' });
    return code ?? 'OK';
  };

  /** Another registration of the family, with an open plan R's caseworker supports (a fresh one per probe). */
  const otherRegistration = async (): Promise<string> =>
    (await world.familyWithPlan(cast.registrar, { members: [parent('Ann', `Dubbel-${Math.random().toString(36).slice(2)}`)], supporter: cast.registrar })).familyId;

  /** The merges proposed with a registration, as its supporter (R's caseworker) lists them. */
  const proposalsOf = async (familyId: string) => (await api.ok(cast.registrar.subject, FamilyMergeProposalsDocument, { familyId })).familyMergeProposals;

  /**
   * R's caseworker proposes that another registration be absorbed into the family; the role confirms or declines
   * it. Refused, the proposal is as it was (then withdrawn, so that nothing is left waiting).
   */
  const decideProposalOfOther = (decision: 'confirmFamilyMerge' | 'declineFamilyMerge', status: 'MERGED' | 'DECLINED') => async (as: string, s: Scenario): Promise<Outcome> => {
    const absorbedFamilyId = await otherRegistration();
    const { proposeFamilyMerge: proposal } = await api.ok(cast.registrar.subject, ProposeFamilyMergeDocument, { input: { survivingFamilyId: s.familyId, absorbedFamilyId } });
    expect(proposal.status).toBe('PROPOSED');
    const document: TypedDocumentNode<unknown, any> = decision === 'confirmFamilyMerge' ? ConfirmFamilyMergeDocument : DeclineFamilyMergeDocument;
    const { code, data } = await send(as, document, { input: { mergeId: proposal.id, expectedVersion: 1 } });
    if (code) {
      expect(await proposalsOf(absorbedFamilyId)).toEqual([{ id: proposal.id, status: 'PROPOSED', version: 1 }]);
      await api.ok(cast.registrar.subject, WithdrawFamilyMergeDocument, { input: { mergeId: proposal.id } });
      return code;
    }
    expect(data[decision]).toMatchObject({ id: proposal.id, survivingFamilyId: s.familyId, absorbedFamilyId, status, version: 2 });
    return 'OK';
  };

  const moveInput = (s: Scenario) => ({
    familyId: s.familyId,
    toNetworkId: cast.moverNetwork.id,
    newSupporterUserId: cast.mover.userId,
    newSupporterAgencyId: cast.mover.agencyId,
  });
  /** The plan's version and incoming supporter, as R's caseworker (on the team, with every consent) reads them. */
  const movingPlan = async (s: Scenario) => {
    const { plan } = await api.ok(cast.registrar.subject, MovingPlanDocument, { id: s.planId });
    return { version: plan.version, incoming: plan.incomingSupporter?.user.id ?? null };
  };
  /** Takes a proposed move back as the supporter: the family stays where the other rows expect it. */
  const withdrawMove = (s: Scenario) => api.ok(cast.supporter.subject, WithdrawFamilyMoveDocument, { input: { familyId: s.familyId } });

  /**
   * Ann, registered twice in the family by R's caseworker, each record with the consents the scenario's members hold
   * (every category, to R, and to B and V when present); the role pairs them. Refused, both records are as they were.
   */
  const pairAnn = async (as: string, s: Scenario): Promise<Outcome> => {
    const added = async (givenName: string) =>
      (await api.ok(cast.registrar.subject, AddFamilyMemberDocument, { input: { familyId: s.familyId, member: parent(givenName, `Matrix-${s.state}`, '1980-05-05') } }))
        .addFamilyMember.id as string;
    const [ann, annAgain] = [await added('Ann'), await added('Ann (2)')];
    const agencies = s.state === 'present' ? [cast.agencyR.id, cast.agencyB.id, cast.agencyV.id] : [cast.agencyR.id];
    for (const id of [ann, annAgain]) for (const agencyId of agencies) await recordConsent({ members: { sara: id, lien: id, mo: id } }, 'sara', agencyId, ALL_CATEGORIES);
    const versions = async () =>
      (await api.ok(cast.registrar.subject, MemberVersionsDocument, { id: s.familyId })).family!.members.filter((m) => [ann, annAgain].includes(m.id)).map((m) => [m.id, m.version]);
    const before = await versions();
    const { code, data } = await send(as, PairFamilyMembersDocument, { input: { familyId: s.familyId, absorbedMemberId: annAgain, survivingMemberId: ann, expectedVersion: 1 } });
    if (code) {
      expect(await versions()).toEqual(before);
      return code;
    }
    expect(data.pairFamilyMembers).toMatchObject({ absorbedMemberId: annAgain, survivingMemberId: ann, survivingMemberVersion: 2 });
    expect(await versions()).toEqual([[ann, 2]]);
    return 'OK';
  };

  const PROBES: Record<Operation, (as: string, s: Scenario) => Promise<Outcome>> = {
    'family(id)': async (as, s) => {
      const { code, data } = await send(as, FamilyEmailsDocument, { id: s.familyId });
      if (!code) expect(data.family.id).toBe(s.familyId);
      return code ?? 'OK';
    },
    'family.members: Sara': member('sara'),
    'family.members: Lien (15)': member('lien'),
    'family.members: Mo (6)': member('mo'),
    'email: Sara': email('sara'),
    'email: Lien (15)': email('lien'),
    'email: Mo (6)': email('mo'),
    'plan(id)': async (as, s) => {
      const { code, data } = await send(as, PlanGoalsAndNotesDocument, { id: s.planId });
      if (!code) expect(data.plan.id).toBe(s.planId);
      return code ?? 'OK';
    },
    'plan.goals: PARENTING goal': planItem('goals', (s) => s.goals.PARENTING),
    'plan.goals: HEALTH goal about Lien (15)': planItem('goals', (s) => s.goals.HEALTH),
    'plan.goals: HEALTH goal naming nobody': planItem('goals', (s) => s.goals.HEALTH_TEAM),
    'plan.notes: NOTES about Sara': planItem('notes', (s) => s.notes.sara),
    'plan.notes: HEALTH about Lien (15)': planItem('notes', (s) => s.notes.lien),
    'plan.notes: HEALTH about Mo (6)': planItem('notes', (s) => s.notes.mo),
    'consents(familyId): about Sara': consentAbout('sara'),
    'consents(familyId): about Lien (15)': consentAbout('lien'),
    'consents(familyId): about Mo (6)': consentAbout('mo'),
    'accessLog(familyId)': async (as, s) => (await send(as, AccessLogProbeDocument, { familyId: s.familyId })).code ?? 'OK',
    'addGoal (PARENTING)': addToPlan('goals', AddGoalDocument, (s, marker) => ({
      planId: s.planId,
      lifeDomain: 'PARENTING',
      description: marker,
      owner: 'FAMILY',
    })),
    'addNote (NOTES)': addToPlan('notes', AddNoteDocument, (s, marker) => ({ planId: s.planId, category: 'NOTES', body: marker })),
    'revokeConsent: about Sara': revokeAbout('sara'),
    'revokeConsent: about Lien (15)': revokeAbout('lien'),
    'revokeConsent: about Mo (6)': revokeAbout('mo'),
    'createPortalInvitation: Lien (15)': async (as, s) => (await send(as, InviteMemberToPortalDocument, { m: s.members.lien })).code ?? 'OK',
    // Allowed only as an invitation that shows nothing of her; she stays the family's member, with her family.
    "addMembership of Sara's portal login": async (as, s) => {
      const input = { agencyId: cast.agencyB.id, subject: s.logins.sara, displayName: 'Sara', role: 'VOLUNTEER' };
      const { code, data } = await send(as, AddMembershipStatusDocument, { input });
      if (!code) expect(data.addMembership).toEqual({ status: 'INVITED', user: null });
      expect(await api.ok(s.logins.sara, MyKindDocument)).toEqual({ me: { kind: 'FAMILY_MEMBER', memberships: [] }, myFamily: { me: { id: s.members.sara } } });
      return code ?? 'OK';
    },
    'findKnownFamily: Sara (name and birth date)': async (as, s) => {
      const input = { givenName: 'Sara', familyName: `Matrix-${s.state}`, birthDate: '1990-04-01', purpose: 'CHILD_SAFETY' as const };
      const { code, data } = await send(as, FindKnownFamilyDocument, { input });
      if (!code) expect(data.findKnownFamily.status).toBe('KNOWN');
      return code ?? 'OK';
    },
    'familyMergeProposals(familyId)': async (as, s) => {
      const { code, data } = await send(as, FamilyMergeProposalsDocument, { familyId: s.familyId });
      if (!code) expect(Array.isArray(data.familyMergeProposals)).toBe(true);
      return code ?? 'OK';
    },
    'proposeFamilyMerge: absorbing another registration': async (as, s) => {
      const absorbedFamilyId = await otherRegistration();
      const { code, data } = await send(as, ProposeFamilyMergeDocument, { input: { survivingFamilyId: s.familyId, absorbedFamilyId } });
      if (code) {
        expect(await proposalsOf(absorbedFamilyId)).toEqual([]);
        return code;
      }
      // The supporter proposes (the other registration's supporter confirms); the coordinator, who may merge both, merges at once.
      const status = as === cast.network.coordinator.subject ? 'MERGED' : 'PROPOSED';
      expect(data.proposeFamilyMerge).toMatchObject({ survivingFamilyId: s.familyId, absorbedFamilyId, status });
      if (status === 'PROPOSED') expect(await proposalsOf(absorbedFamilyId)).toEqual([{ id: data.proposeFamilyMerge.id, status, version: 1 }]);
      return 'OK';
    },
    'confirmFamilyMerge: proposed by the other family': decideProposalOfOther('confirmFamilyMerge', 'MERGED'),
    'declineFamilyMerge: proposed by the other family': decideProposalOfOther('declineFamilyMerge', 'DECLINED'),
    'withdrawFamilyMerge: proposed by the supporter': async (as, s) => {
      const absorbedFamilyId = await otherRegistration();
      const { proposeFamilyMerge: proposal } = await api.ok(cast.supporter.subject, ProposeFamilyMergeDocument, { input: { survivingFamilyId: s.familyId, absorbedFamilyId } });
      const { code } = await send(as, WithdrawFamilyMergeDocument, { input: { mergeId: proposal.id, expectedVersion: 1 } });
      expect(await proposalsOf(absorbedFamilyId)).toEqual([{ id: proposal.id, status: code ? 'PROPOSED' : 'WITHDRAWN', version: code ? 1 : 2 }]);
      if (code) await api.ok(cast.supporter.subject, WithdrawFamilyMergeDocument, { input: { mergeId: proposal.id } });
      return code ?? 'OK';
    },
    proposeFamilyMove: async (as, s) => {
      const before = await movingPlan(s);
      expect(before.incoming).toBeNull();
      const { code, data } = await send(as, ProposeFamilyMoveDocument, { input: moveInput(s) });
      const after = await movingPlan(s);
      if (code) {
        expect(after).toEqual(before);
        return code;
      }
      expect(data.proposeFamilyMove.move).toMatchObject({ familyId: s.familyId, status: 'PROPOSED', toNetworkId: cast.moverNetwork.id });
      expect(after).toEqual({ version: before.version + 1, incoming: cast.mover.userId });
      await withdrawMove(s);
      return 'OK';
    },
    'pairFamilyMembers: Ann registered twice': pairAnn,
    'withdrawFamilyMove: proposed by the supporter': async (as, s) => {
      await api.ok(cast.supporter.subject, ProposeFamilyMoveDocument, { input: moveInput(s) });
      const before = await movingPlan(s);
      expect(before.incoming).toBe(cast.mover.userId);
      const { code } = await send(as, WithdrawFamilyMoveDocument, { input: { familyId: s.familyId } });
      const after = await movingPlan(s);
      if (code) {
        expect(after).toEqual(before);
        await withdrawMove(s);
        return code;
      }
      expect(after).toEqual({ version: before.version + 1, incoming: null });
      return 'OK';
    },
  };

  // -------------------------------------------------------------------------------------------------
  it('the table covers every role × operation (Sara’s two portal roles together once)', () => {
    for (const role of ROLES) {
      if (role === 'family adult (portal)' || role === 'parent of a child < 12 (portal)') continue;
      expect(Object.keys(MATRIX[role]).sort()).toEqual([...OPERATIONS].sort());
    }
    const adult = Object.keys(MATRIX['family adult (portal)']);
    const parentOfMo = Object.keys(MATRIX['parent of a child < 12 (portal)']);
    expect([...adult, ...parentOfMo].sort()).toEqual([...OPERATIONS].sort());
  });

  it.each(STATES)('scenario "%s": B and V hold the consent state it is named for', async (state) => {
    const s = scenarios[state];
    const { consents } = await api.ok(cast.registrar.subject, FamilyConsentsDocument, { familyId: s.familyId });
    const ofBAndV = (consents as { id: string; status: string; recipientAgency: { id: string } }[]).filter(
      (c) => [cast.agencyB.id, cast.agencyV.id].includes(c.recipientAgency.id) && c.id !== s.supporterChosenWith,
    );
    expect(consents.find((c) => c.id === s.supporterChosenWith)!.status).toBe('REVOKED');
    const status = { present: 'ACTIVE', absent: null, revoked: 'REVOKED', expired: 'EXPIRED' }[state];
    expect(ofBAndV.map((c) => c.id).sort()).toEqual([...s.consentIds].sort());
    expect(ofBAndV.every((c) => c.status === status)).toBe(true);
  });

  it.each(ROWS)('consent $state · $role · $op → $expected', async ({ state, role, op, expected }) => {
    const s = scenarios[state];
    expect(await PROBES[op](subjectOf(role, s), s)).toBe(expected);
  });
});
