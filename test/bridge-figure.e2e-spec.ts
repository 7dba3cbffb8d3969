import type { DocumentNode } from 'graphql';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  AcceptReferralDocument,
  AccompanyingReferralsDocument,
  AgencyMembershipsDocument,
  BreakGlassDocument,
  type BridgeReferralFragment,
  BridgeReferralDocument,
  CreateBridgeReferralDocument,
  EndCaseAssignmentDocument,
  FamilyBridgeReferralsDocument,
  InboxDocument,
  ReceiveReferralDocument,
  RecordBridgeHandoverHeldDocument,
  RecordBridgeHandoverMissedDocument,
  RemoveMembershipDocument,
  RevokeConsentDocument,
  ScheduleHandoverDocument,
  SendReferralDocument,
  SetReferralBridgeFigureDocument,
  WithdrawReferralDocument,
} from './graphql/generated.js';
import { type Part, type PartedEntry, partsOf } from './support/audit-parts.js';
import { codeOf, type GraphQLResult, queryText, TestApi } from './support/test-app.js';
import { ReferralScene, type SceneClient } from './support/referral-scene.js';
import { type Agency, type FamilyWithPlan, parent, type Person, type World } from './support/world.js';

/**
 * The bridge figure (issue 22): a member of the family's team — here Vera, a volunteer of a Home-Start
 * organisation — named on a referral to accompany the family to its first meeting with the receiving
 * agency. The referring side names her (only someone on the family's team); she sees the referrals she
 * accompanies (service, agencies, the meeting's time and place), their reason only under the family's
 * REFERRAL consent to her organisation; nobody else gains anything by it, a partner system learns
 * nothing of her, and she loses the referral when she is replaced, leaves the team or the organisation.
 *
 * One network: R refers (`worker` registers the family and is assigned), B receives (`intake`), V is
 * the volunteer organisation on the plan's team with Vera and Otto assigned; `colleague` is a caseworker
 * of R not assigned to the family; `stranger` and `strangeAdmin` work in another network; B's partner
 * system has the personal scope.
 */

const REASON = 'Sara zoekt opvoedingsondersteuning na de geboorte van de tweeling';
const PLACE = 'Huis van het Kind, Stationsstraat 12';

type View = BridgeReferralFragment;

describe('the bridge figure', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let referrer: Agency;
  let receiver: Agency;
  let homeStart: Agency;
  let worker: Person;
  let colleague: Person;
  let intake: Person;
  let stranger: Person;
  let strangeAdmin: Person;
  let client: SceneClient;
  let third: Agency;

  beforeAll(async () => {
    api = await TestApi.start();
    db = api.db;
    // R refers (its worker), B receives (its intake worker); the scene's third agency (a CLB) lends a caseworker as bridge figure.
    const referrals = await ReferralScene.create(api);
    ({ world, referrer, receiver, worker, intake, other: third } = referrals);
    homeStart = await world.agency(referrals.network, 'VOLUNTEER_ORGANISATION');
    colleague = await world.staff(referrer);
    const elsewhere = await world.agency(await world.network());
    stranger = await world.staff(elsewhere);
    strangeAdmin = elsewhere.admin;
    client = await referrals.client(null, ['REFERRALS_READ', 'REFERRALS_WRITE', 'REFERRALS_PERSONAL']);
  }, 120_000);
  afterAll(() => api.stop());

  // --- helpers -------------------------------------------------------------------------------------

  /**
   * A family of R's worker (Sara) whose plan team has Home-Start with two volunteers assigned, Vera and Otto;
   * Sara consents to B (REFERRAL) and to Home-Start (IDENTITY; REFERRAL apart, so that it can be withdrawn alone).
   * Another `organisation` lends two staff of `role` instead.
   */
  async function scene(organisation = homeStart, role: 'VOLUNTEER' | 'CASEWORKER' = 'VOLUNTEER') {
    const family = await world.familyWithPlan(worker, {
      members: [parent('Sara', 'Peeters')],
      participants: [{ agencyId: organisation.id, contribution: 'Iemand gaat mee naar het eerste gesprek' }],
      consentForParticipants: false,
    });
    const household = { id: family.familyId, members: family.members, memberIds: family.memberIds };
    await world.consentAll(worker, household, receiver.id, ['REFERRAL']);
    await world.consentAll(worker, household, organisation.id, ['IDENTITY']);
    const [referralConsent] = await world.consentAll(worker, household, organisation.id, ['REFERRAL']);
    const vera = await world.staff(organisation, role);
    const otto = await world.staff(organisation, role);
    const assignment = { vera: await world.assign(organisation.admin, family.familyId, vera.userId), otto: await world.assign(organisation.admin, family.familyId, otto.userId) };
    return { family, vera, otto, assignment, referralConsent: referralConsent!, bridgeFigure: vera };
  }

  const createInput = (family: FamilyWithPlan, extra: Record<string, unknown> = {}) => ({
    planId: family.planId,
    toAgencyId: receiver.id,
    memberIds: [family.memberIds[0]!],
    reason: REASON,
    urgency: 'ROUTINE' as const,
    requestedService: 'Opvoedingsondersteuning',
    lifeDomain: 'PARENTING' as const,
    ...extra,
  });

  /** A referral naming the bridge figure (Vera in most scenes), sent, received, accepted and with its meeting planned; the referral as the worker sees it. */
  async function scheduled(s: { family: FamilyWithPlan; bridgeFigure: Person }): Promise<View> {
    const { createReferral } = await api.ok(worker.subject, CreateBridgeReferralDocument, { input: createInput(s.family, { bridgeFigureUserId: s.bridgeFigure.userId }) });
    const id = createReferral.id;
    await api.ok(worker.subject, SendReferralDocument, { input: { referralId: id, expectedVersion: 1 } });
    await api.ok(intake.subject, ReceiveReferralDocument, { input: { referralId: id, expectedVersion: 2 } });
    await api.ok(intake.subject, AcceptReferralDocument, { input: { referralId: id, expectedVersion: 3 } });
    const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await api.ok(worker.subject, ScheduleHandoverDocument, {
      input: { referralId: id, expectedVersion: 4, startsAt, location: PLACE, attendees: ['FAMILY', 'REFERRER', 'RECEIVER'] },
    });
    return read(worker.subject, id);
  }

  const read = async (subject: string, id: string): Promise<View> => (await api.ok(subject, BridgeReferralDocument, { id })).referral;
  const accompanying = async (subject: string): Promise<string[]> =>
    (await api.ok(subject, AccompanyingReferralsDocument)).referrals.edges.map((e: { node: View }) => e.node.id);
  const setBridgeFigure = (subject: string, referralId: string, bridgeFigureUserId: string | null) =>
    api.gql(subject, SetReferralBridgeFigureDocument, { input: { referralId, bridgeFigureUserId } });

  /** One operation as B's partner system, with a token from the client-credentials grant. */
  async function asClient(operation: DocumentNode, variables: Record<string, unknown>): Promise<GraphQLResult> {
    const http = () => request(api.app.getHttpServer());
    const token = await http().post('/oauth/token').send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
    return (await http().post('/graphql').set('Authorization', `Bearer ${token.body.access_token}`).send({ query: queryText(operation), variables })).body;
  }

  /** How the audit recorded the latest read of `referralId` by `subject`: its basis, categories and consents. */
  async function lastRead(subject: string, referralId: string): Promise<Pick<Part, 'basis' | 'categories' | 'consents'>> {
    const entries: PartedEntry[] = await db.query(
      `SELECT entity_type, entity_ids::text[] AS entity_ids, member_ids::text[] AS member_ids, categories, legal_basis, consent_ids::text[] AS consent_ids, parts
         FROM audit_event WHERE action = 'READ' AND entity_type = 'Referral' AND actor_subject = $1 AND $2 = ANY(entity_ids) ORDER BY seq DESC LIMIT 1`,
      [subject, referralId],
    );
    const { basis, categories, consents } = partsOf(entries[0]!).find((part) => part.records.includes(referralId))!;
    return { basis, categories, consents };
  }

  const referralCount = async (familyId: string): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM referral WHERE family_id = $1`, [familyId]))[0].n;

  // ==================================================================================================
  describe('who may name the bridge figure', () => {
    it('the referring caseworker names a volunteer of the family’s team on creating the referral, and she is told in her inbox', async () => {
      const s = await scene();
      const { createReferral } = await api.ok(worker.subject, CreateBridgeReferralDocument, { input: createInput(s.family, { bridgeFigureUserId: s.vera.userId }) });
      expect(createReferral.bridgeFigure).toEqual({ id: s.vera.userId });
      const items = (await api.ok(s.vera.subject, InboxDocument, {})).inbox.edges.map((e: { node: { kind: string; about: { id: string } } }) => e.node);
      expect(items).toEqual([expect.objectContaining({ kind: 'BRIDGE_FIGURE_NAMED', about: { type: 'Referral', id: createReferral.id } })]);
      // Otto, not named, is told nothing.
      expect((await api.ok(s.otto.subject, InboxDocument, {})).inbox.edges).toEqual([]);
    });

    it('only someone on the family’s team: anyone else answers the same BAD_USER_INPUT on bridgeFigureUserId, and nothing is created', async () => {
      const s = await scene();
      const outsider = await world.staff(homeStart, 'VOLUNTEER');
      const answers = [];
      for (const userId of [colleague.userId, outsider.userId, stranger.userId, strangeAdmin.userId, randomUUID()]) {
        const result = await api.gql(worker.subject, CreateBridgeReferralDocument, { input: createInput(s.family, { bridgeFigureUserId: userId }) });
        answers.push({ code: codeOf(result), field: result.errors?.[0]?.extensions?.field, message: result.errors?.[0]?.message });
      }
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(answers[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bridgeFigureUserId' });
      expect(await referralCount(s.family.familyId)).toBe(0);
      // Not an id at all: refused before any SQL.
      const malformed = await api.gql(worker.subject, CreateBridgeReferralDocument, { input: createInput(s.family, { bridgeFigureUserId: 'vera' }) });
      expect(codeOf(malformed)).toBe('BAD_USER_INPUT');
    });

    it('the referring side names, replaces and removes her on an open referral; the others cannot, each with its own answer', async () => {
      const s = await scene();
      const { createReferral } = await api.ok(worker.subject, CreateBridgeReferralDocument, { input: createInput(s.family) });
      const id = createReferral.id;
      expect(createReferral.bridgeFigure).toBeNull();
      await api.ok(worker.subject, SendReferralDocument, { input: { referralId: id, expectedVersion: 1 } });
      const portalLogin = await world.portalLogin(worker, s.family.memberIds[0]!);

      const refused = {
        'receiving caseworker': codeOf(await setBridgeFigure(intake.subject, id, s.vera.userId)),
        'unassigned caseworker of the referring agency': codeOf(await setBridgeFigure(colleague.subject, id, s.vera.userId)),
        'volunteer on the team': codeOf(await setBridgeFigure(s.otto.subject, id, s.otto.userId)),
        'caseworker of another network': codeOf(await setBridgeFigure(stranger.subject, id, s.vera.userId)),
        'admin of another network': codeOf(await setBridgeFigure(strangeAdmin.subject, id, s.vera.userId)),
        'family member in the portal': codeOf(await setBridgeFigure(portalLogin, id, s.vera.userId)),
        'integration client': codeOf(await asClient(SetReferralBridgeFigureDocument, { input: { referralId: id, bridgeFigureUserId: s.vera.userId } })),
      };
      expect(refused).toEqual({
        'receiving caseworker': 'FORBIDDEN',
        'unassigned caseworker of the referring agency': 'NOT_FOUND',
        'volunteer on the team': 'FORBIDDEN',
        'caseworker of another network': 'NOT_FOUND',
        'admin of another network': 'FORBIDDEN',
        'family member in the portal': 'FORBIDDEN',
        'integration client': 'FORBIDDEN',
      });
      expect((await read(worker.subject, id)).bridgeFigure).toBeNull();

      const named = await api.ok(worker.subject, SetReferralBridgeFigureDocument, { input: { referralId: id, bridgeFigureUserId: s.vera.userId } });
      // Not a step: status and version stay.
      expect(named.setReferralBridgeFigure).toMatchObject({ status: 'SENT', version: 2, bridgeFigure: { id: s.vera.userId } });
      const replaced = await api.ok(worker.subject, SetReferralBridgeFigureDocument, { input: { referralId: id, bridgeFigureUserId: s.otto.userId } });
      expect(replaced.setReferralBridgeFigure.bridgeFigure).toEqual({ id: s.otto.userId });
      const outsider = await setBridgeFigure(worker.subject, id, colleague.userId);
      expect(outsider.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bridgeFigureUserId' });
      expect((await read(worker.subject, id)).bridgeFigure).toEqual({ id: s.otto.userId });
      const removed = await api.ok(worker.subject, SetReferralBridgeFigureDocument, { input: { referralId: id, bridgeFigureUserId: null } });
      expect(removed.setReferralBridgeFigure.bridgeFigure).toBeNull();

      // A referral that ended keeps who went with the family.
      await api.ok(worker.subject, WithdrawReferralDocument, { input: { referralId: id, expectedVersion: 2, reason: 'Het gezin koos een andere dienst' } });
      const closed = await setBridgeFigure(worker.subject, id, s.vera.userId);
      expect(closed.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'WITHDRAWN' });
    });
  });

  // ==================================================================================================
  describe('what the bridge figure sees', () => {
    let s: Awaited<ReturnType<typeof scene>>;
    let referral: View;
    beforeAll(async () => {
      s = await scene();
      referral = await scheduled(s);
    });

    it('Vera sees the referral she accompanies: service, agencies, the meeting’s time and place, and its reason under the consent to her organisation', async () => {
      const view = await read(s.vera.subject, referral.id);
      expect(view).toMatchObject({
        status: 'HANDOVER_SCHEDULED',
        requestedService: 'Opvoedingsondersteuning',
        reason: REASON,
        toAgency: { id: receiver.id },
        fromAgency: { id: referrer.id },
        bridgeFigure: { id: s.vera.userId },
        handover: { startsAt: referral.handover!.startsAt, location: PLACE, bridgeFigurePresent: null },
      });
      expect(await accompanying(s.vera.subject)).toEqual([referral.id]);
    });

    it('nobody else gains anything by it: Otto on the same team, R’s unassigned caseworker, another network', async () => {
      for (const subject of [s.otto.subject, colleague.subject, stranger.subject]) {
        expect(codeOf(await api.gql(subject, BridgeReferralDocument, { id: referral.id }))).toBe('NOT_FOUND');
        expect(await accompanying(subject)).toEqual([]);
      }
      expect(codeOf(await api.gql(strangeAdmin.subject, BridgeReferralDocument, { id: referral.id }))).toBe('FORBIDDEN');
    });

    it('the receiving agency’s partner system sees the referral and nothing of the bridge figure', async () => {
      const result = await asClient(BridgeReferralDocument, { id: referral.id });
      expect(result.data!.referral).toMatchObject({ id: referral.id, status: 'HANDOVER_SCHEDULED', bridgeFigure: null });
      expect(JSON.stringify(result)).not.toContain(s.vera.userId);
      // Nor do the webhook bodies of its steps name her.
      const bodies: { body: string }[] = await db.query(`SELECT body FROM outbox_event WHERE referral_id = $1`, [referral.id]);
      expect(bodies.length).toBeGreaterThanOrEqual(5);
      for (const { body } of bodies) expect(body).not.toContain(s.vera.userId);
      // A partner system is nobody's bridge figure.
      expect((await asClient(AccompanyingReferralsDocument, {})).data!.referrals.edges).toEqual([]);
    });

    it('in the portal, Sara sees who goes with her', async () => {
      const login = await world.portalLogin(worker, s.family.memberIds[0]!);
      const views = (await api.ok(login, FamilyBridgeReferralsDocument)).myFamily.family.referrals;
      expect(views.map((v: View) => [v.id, v.bridgeFigure])).toEqual([[referral.id, { id: s.vera.userId }]]);
    });

    it('when Sara withdraws her REFERRAL consent to Home-Start, the reason disappears for Vera at once; time and place stay', async () => {
      const other = await scene();
      const own = await scheduled(other);
      expect((await read(other.vera.subject, own.id)).reason).toBe(REASON);
      expect(await lastRead(other.vera.subject, own.id)).toEqual({ basis: 'CONSENT', categories: ['REFERRAL'], consents: [other.referralConsent] });
      await api.ok(worker.subject, RevokeConsentDocument, { input: { consentId: other.referralConsent, reason: 'Liever niet delen', revokedByMemberId: other.family.memberIds[0] } });
      const view = await read(other.vera.subject, own.id);
      expect(view).toMatchObject({ reason: null, requestedService: 'Opvoedingsondersteuning', handover: { location: PLACE } });
      expect(JSON.stringify(view)).not.toContain('tweeling');
      // Audited as what it now is: a read of the referral's status by a member of the family's team.
      expect(await lastRead(other.vera.subject, own.id)).toEqual({ basis: 'ASSIGNMENT', categories: [], consents: [] });
      // The referring side still reads what it wrote.
      expect((await read(worker.subject, own.id)).reason).toBe(REASON);
    });
  });

  // ==================================================================================================
  describe('a caseworker of a third agency as bridge figure', () => {
    /**
     * Karim, a caseworker of the CLB (neither referring nor receiving), on the family's team with a colleague,
     * accompanies Sara; Sara consents that the CLB knows who she is and why she is referred (REFERRAL apart, to
     * withdraw it alone). Another caseworker of the CLB is not assigned to the family.
     */
    async function clbScene() {
      const s = await scene(third, 'CASEWORKER');
      return { ...s, karim: s.vera, karimsColleague: await world.staff(third) };
    }

    it('Karim sees what a bridge figure sees — the referral, the meeting’s place, the reason under the consent to his agency — and is told', async () => {
      const s = await clbScene();
      const referral = await scheduled(s);
      expect(await read(s.karim.subject, referral.id)).toMatchObject({
        status: 'HANDOVER_SCHEDULED',
        reason: REASON,
        toAgency: { id: receiver.id },
        fromAgency: { id: referrer.id },
        bridgeFigure: { id: s.karim.userId },
        handover: { location: PLACE },
      });
      expect(await accompanying(s.karim.subject)).toEqual([referral.id]);
      const kinds = (await api.ok(s.karim.subject, InboxDocument, {})).inbox.edges.map((e: { node: { kind: string } }) => e.node.kind);
      expect(kinds).toEqual(['BRIDGE_FIGURE_NAMED']);
    });

    it('takes no step of either side and names no one, each refused with FORBIDDEN, and nothing changes', async () => {
      const s = await clbScene();
      const referral = await scheduled(s);
      const on = { referralId: referral.id, expectedVersion: referral.version };
      const later = new Date(Date.now() + 9 * 86_400_000).toISOString();
      const refused = {
        'plan the meeting (referrer)': codeOf(await api.gql(s.karim.subject, ScheduleHandoverDocument, { input: { ...on, startsAt: later, location: PLACE, attendees: ['FAMILY'] } })),
        'withdraw (referrer)': codeOf(await api.gql(s.karim.subject, WithdrawReferralDocument, { input: { ...on, reason: 'Sara wil niet meer' } })),
        'receive (receiver)': codeOf(await api.gql(s.karim.subject, ReceiveReferralDocument, { input: on })),
        'accept (receiver)': codeOf(await api.gql(s.karim.subject, AcceptReferralDocument, { input: on })),
        'record the meeting held': codeOf(await api.gql(s.karim.subject, RecordBridgeHandoverHeldDocument, { input: { ...on, bridgeFigurePresent: true } })),
        'name himself again or another': codeOf(await setBridgeFigure(s.karim.subject, referral.id, null)),
      };
      expect(refused).toEqual(Object.fromEntries(Object.keys(refused).map((what) => [what, 'FORBIDDEN'])));
      expect(await read(worker.subject, referral.id)).toMatchObject({ status: 'HANDOVER_SCHEDULED', version: referral.version, bridgeFigure: { id: s.karim.userId } });
    });

    it('gives his agency nothing: his colleagues on the team or not, his admin and its partner system do not see the referral', async () => {
      const s = await clbScene();
      const referral = await scheduled(s);
      expect({
        'colleague at the CLB on the team, not named': codeOf(await api.gql(s.otto.subject, BridgeReferralDocument, { id: referral.id })),
        'unassigned colleague at the CLB': codeOf(await api.gql(s.karimsColleague.subject, BridgeReferralDocument, { id: referral.id })),
        'admin of the CLB': codeOf(await api.gql(third.admin.subject, BridgeReferralDocument, { id: referral.id })),
        "the CLB's partner system": codeOf(await world.asIntegrationClient(third, BridgeReferralDocument, { id: referral.id })),
      }).toEqual({
        'colleague at the CLB on the team, not named': 'NOT_FOUND',
        'unassigned colleague at the CLB': 'NOT_FOUND', 'admin of the CLB': 'FORBIDDEN', "the CLB's partner system": 'NOT_FOUND' });
      expect(await accompanying(s.karimsColleague.subject)).toEqual([]);
    });

    it('without the consent to his agency the reason is gone, and breaking the glass does not bring it back', async () => {
      const s = await clbScene();
      const referral = await scheduled(s);
      await api.ok(worker.subject, RevokeConsentDocument, { input: { consentId: s.referralConsent, reason: 'Liever niet delen', revokedByMemberId: s.family.memberIds[0] } });
      expect(await read(s.karim.subject, referral.id)).toMatchObject({ reason: null, handover: { location: PLACE } });
      // A caseworker on the team may break the glass on the family; a referral between two other agencies stays theirs.
      await api.ok(s.karim.subject, BreakGlassDocument, {
        input: { familyId: s.family.familyId, justification: 'Acute zorg om de veiligheid van de kinderen vannacht', hours: 1 },
      });
      const view = await read(s.karim.subject, referral.id);
      expect(view.reason).toBeNull();
      expect(JSON.stringify(view)).not.toContain('tweeling');
    });
  });

  // ==================================================================================================
  describe('losing the referral', () => {
    it('a bridge figure replaced loses it at once; the new one has it', async () => {
      const s = await scene();
      const { id } = await scheduled(s);
      await api.ok(worker.subject, SetReferralBridgeFigureDocument, { input: { referralId: id, bridgeFigureUserId: s.otto.userId } });
      expect(codeOf(await api.gql(s.vera.subject, BridgeReferralDocument, { id }))).toBe('NOT_FOUND');
      expect(await accompanying(s.vera.subject)).toEqual([]);
      // Her inbox item goes with it; Otto has his own.
      expect((await api.ok(s.vera.subject, InboxDocument, {})).inbox.edges).toEqual([]);
      expect((await api.ok(s.otto.subject, InboxDocument, {})).inbox.edges.map((e: { node: { kind: string } }) => e.node.kind)).toEqual(['BRIDGE_FIGURE_NAMED']);
      expect((await read(s.otto.subject, id)).handover!.location).toBe(PLACE);
      await api.ok(worker.subject, SetReferralBridgeFigureDocument, { input: { referralId: id, bridgeFigureUserId: null } });
      expect(codeOf(await api.gql(s.otto.subject, BridgeReferralDocument, { id }))).toBe('NOT_FOUND');
    });

    it('a bridge figure whose assignment to the family ended, or whose membership was removed, loses it on the next request', async () => {
      const s = await scene();
      const { id } = await scheduled(s);
      await api.ok(homeStart.admin.subject, EndCaseAssignmentDocument, { input: { assignmentId: s.assignment.vera } });
      expect(codeOf(await api.gql(s.vera.subject, BridgeReferralDocument, { id }))).toBe('NOT_FOUND');

      const second = await scene();
      const other = await scheduled(second);
      expect((await read(second.vera.subject, other.id)).id).toBe(other.id);
      const memberships = (await api.ok(homeStart.admin.subject, AgencyMembershipsDocument, { a: homeStart.id })).memberships.edges;
      const veras = memberships.find((e: { node: { user: { id: string } | null } }) => e.node.user?.id === second.vera.userId)!.node.id;
      await api.ok(homeStart.admin.subject, RemoveMembershipDocument, { id: veras });
      const after = await api.gql(second.vera.subject, BridgeReferralDocument, { id: other.id });
      expect(after.data).toBeNull();
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(after));
    });
  });

  // ==================================================================================================
  describe('the meeting records whether the bridge figure came', () => {
    it('required when a bridge figure is named, refused when none is; kept on the meeting, hidden from the partner system', async () => {
      const s = await scene();
      const { id } = await scheduled(s);
      const missing = await api.gql(intake.subject, RecordBridgeHandoverHeldDocument, { input: { referralId: id, expectedVersion: 5 } });
      expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bridgeFigurePresent' });
      expect((await read(worker.subject, id)).status).toBe('HANDOVER_SCHEDULED');

      const held = await api.ok(intake.subject, RecordBridgeHandoverHeldDocument, { input: { referralId: id, expectedVersion: 5, bridgeFigurePresent: true } });
      expect(held.recordHandoverHeld).toMatchObject({ status: 'HANDOVER_HELD', handover: { bridgeFigurePresent: true } });
      expect((await read(s.vera.subject, id)).handoverMeetings).toEqual([{ state: 'HELD', location: PLACE, bridgeFigurePresent: true }]);
      const seenByClient = await asClient(BridgeReferralDocument, { id });
      expect(seenByClient.data!.referral.handoverMeetings).toEqual([{ state: 'HELD', location: PLACE, bridgeFigurePresent: null }]);

      // Without a bridge figure, saying she came is an error.
      const plain = await scene();
      const { createReferral } = await api.ok(worker.subject, CreateBridgeReferralDocument, { input: createInput(plain.family) });
      await api.ok(worker.subject, SendReferralDocument, { input: { referralId: createReferral.id, expectedVersion: 1 } });
      await api.ok(intake.subject, ReceiveReferralDocument, { input: { referralId: createReferral.id, expectedVersion: 2 } });
      await api.ok(intake.subject, AcceptReferralDocument, { input: { referralId: createReferral.id, expectedVersion: 3 } });
      await api.ok(worker.subject, ScheduleHandoverDocument, {
        input: { referralId: createReferral.id, expectedVersion: 4, startsAt: new Date(Date.now() + 86_400_000).toISOString(), location: PLACE, attendees: ['FAMILY'] },
      });
      const unnamed = await api.gql(intake.subject, RecordBridgeHandoverMissedDocument, { input: { referralId: createReferral.id, expectedVersion: 5, bridgeFigurePresent: false } });
      expect(unnamed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bridgeFigurePresent' });
      const missed = await api.ok(intake.subject, RecordBridgeHandoverMissedDocument, { input: { referralId: createReferral.id, expectedVersion: 5 } });
      expect(missed.recordHandoverMissed).toMatchObject({ status: 'ACCEPTED', handover: { bridgeFigurePresent: null } });
    });
  });
});
