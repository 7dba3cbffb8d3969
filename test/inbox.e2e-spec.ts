import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type Client, createClient } from 'graphql-ws';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import WebSocket from 'ws';
import {
  ActivatePlanDocument,
  AddActionAssignedDocument,
  AddGoalDocument,
  AgencyMembershipUsersDocument,
  ApplyMemberCorrectionDocument,
  CreateBridgeReferralDocument,
  CreatePortalInvitationDetailsDocument,
  DeclineMemberCorrectionDocument,
  RecordConsentUntilDocument,
  RequestMemberCorrectionDocument,
  AssessCapacityDocument,
  BreakGlassDocument,
  ConfirmSupportHandoverDocument,
  HandOverSupportDocument,
  EndCaseAssignmentByIdDocument,
  FamilyCaseAssignmentsDocument,
  InboxChangedDocument,
  InboxDocument,
  type InboxEntryFragment,
  InboxUnreadCountDocument,
  MarkInboxItemsReadDocument,
  ReferralStatusAndPlanDocument,
  RemoveMembershipIdDocument,
  RevokeConsentDocument,
} from './graphql/generated.js';
import { calendarDate, DEFAULT_LEGAL_TIME_ZONE } from '../src/common/calendar.js';
import { ConsentExpiry } from '../src/consents/consent-expiry.js';
import { ActionReminders } from '../src/goals/action-reminders.js';
import { InboxItemKind } from '../src/inbox/inbox-kind.js';
import { INBOX_CHANNEL } from '../src/inbox/inbox-notice.js';
import { type InboxAudience, type InboxEvent, InboxService } from '../src/inbox/inbox.service.js';
import { PortalInvitationExpiry } from '../src/portal/portal-invitation-expiry.js';
import { ReferralOverdue } from '../src/referrals/referral-overdue.js';
import { TransitionsService } from '../src/transitions/transitions.service.js';
import { MembershipRole } from '../src/users/membership-role.js';
import { ReferralScene } from './support/referral-scene.js';
import { codeOf, queryText, TestApi } from './support/test-app.js';
import { child, parent, parentWithTwoChildren, type Person, type World } from './support/world.js';

/**
 * The inbox (docs/inbox.md): items are written in the transaction of the event that produces them, once
 * per event and recipient, and shown only while the reader may read the record they are about. The
 * producers tested here: a referral sent (REFERRAL_RECEIVED, the receiving agency's caseworkers and
 * admins) and every later step of it (REFERRAL_STATUS_CHANGED, the caseworker who made it). Who must
 * not get an item: the actor itself, the receiving agency's volunteers, another agency, another
 * caseworker of the referring agency, the family's portal login, an integration client.
 *
 * One network for the file (ReferralScene): `worker` of `referrer` refers to `receiver` (its
 * caseworkers `intake` and `intake2`), `other` is a third agency. Every test makes its own referrals.
 */

type Item = InboxEntryFragment;

describe('inbox: what needs me today, as far as I may see it now', () => {
  let api: TestApi;
  let db: DataSource;
  let scene: ReferralScene;
  let world: World;
  let intake2: Person;
  let volunteer: Person;
  let colleague: Person;
  let otherWorker: Person;

  beforeAll(async () => {
    api = await TestApi.start();
    db = api.db;
    scene = await ReferralScene.create(api);
    world = scene.world;
    intake2 = await world.staff(scene.receiver);
    volunteer = await world.staff(scene.receiver, 'VOLUNTEER');
    colleague = await world.staff(scene.referrer);
    otherWorker = await world.staff(scene.other);
  }, 120_000);

  afterAll(() => api.stop());

  /** Every item of `who`'s inbox (newest first). */
  async function inboxOf(who: Person | string, unreadOnly?: boolean): Promise<Item[]> {
    const subject = typeof who === 'string' ? who : who.subject;
    const { inbox } = await api.ok(subject, InboxDocument, { first: 100, unreadOnly });
    return inbox.edges.map((e) => e.node);
  }

  const about = (items: Item[], referralId: string) => items.filter((i) => i.about.id === referralId);

  /** The receiving agency's item of a referral sent: no personal data, no family. */
  const receivedItem = (referralId: string): Item => ({
    id: expect.any(String),
    kind: InboxItemKind.REFERRAL_RECEIVED,
    occurredAt: expect.any(String),
    text: 'Er is een nieuwe doorverwijzing naar uw organisatie.',
    read: false,
    readAt: null,
    about: { type: 'Referral', id: referralId },
    family: null,
  });

  /** A referral sent to the receiver, with its family. */
  async function sent(): Promise<{ id: string; version: number; familyId: string }> {
    const draft = await scene.draft();
    return { ...draft, version: await scene.step('sendReferral', draft.id, draft.version) };
  }

  describe('a referral sent reaches the receiving agency', () => {
    it("lands once in every caseworker's inbox of the receiving agency, with no personal data and without the family it may not see", async () => {
      const ref = await sent();
      for (const reader of [scene.intake, intake2]) {
        const items = about(await inboxOf(reader), ref.id);
        // The receiving agency is not on the family's team: no family.
        expect(items).toEqual([receivedItem(ref.id)]);
      }
    });

    it('not to its volunteers, another agency, the referrer who sent it, or its colleague', async () => {
      const ref = await sent();
      expect(about(await inboxOf(scene.intake), ref.id)).toHaveLength(1);
      for (const reader of [volunteer, otherWorker, scene.worker, colleague]) expect(about(await inboxOf(reader), ref.id)).toEqual([]);
    });

    it("the receiving agency's admins are told it arrived (kind, time, the referral's id) without reading it or its family; another agency's admin, or one whose membership was removed, is not", async () => {
      const leavingAdmin = await world.staff(scene.receiver, 'AGENCY_ADMIN');
      const ref = await sent();
      for (const admin of [scene.receiver.admin, leavingAdmin]) {
        expect(about(await inboxOf(admin), ref.id)).toEqual([receivedItem(ref.id)]);
      }
      // Told, not shown: an admin still reads no referral (refused for its role, as an unknown id is), and the
      // notice reads no personal data.
      for (const id of [ref.id, randomUUID()]) {
        expect(codeOf(await api.gql(scene.receiver.admin.subject, ReferralStatusAndPlanDocument, { id }))).toBe('FORBIDDEN');
      }
      const [notice] = about(await inboxOf(scene.receiver.admin), ref.id);
      const audited: unknown[] = await db.query(`SELECT 1 FROM audit_event WHERE actor_user_id = $1 AND action = 'READ' AND $2 = ANY(entity_ids)`, [scene.receiver.admin.userId, notice!.id]);
      expect(audited).toEqual([]);
      const { markInboxItemsRead } = await api.ok(scene.receiver.admin.subject, MarkInboxItemsReadDocument, { input: { ids: [notice!.id] } });
      expect(markInboxItemsRead.map((i) => [i.id, i.read])).toEqual([[notice!.id, true]]);

      expect(about(await inboxOf(scene.other.admin), ref.id)).toEqual([]);
      const { memberships } = await api.ok(scene.receiver.admin.subject, AgencyMembershipUsersDocument, { a: scene.receiver.id });
      const membershipId = memberships.edges.find((e) => e.node.user?.id === leavingAdmin.userId)!.node.id;
      await api.ok(scene.receiver.admin.subject, RemoveMembershipIdDocument, { id: membershipId });
      expect(codeOf(await api.gql(leavingAdmin.subject, InboxDocument, {}))).toBe('FORBIDDEN');
    });

    it('a draft reaches no one', async () => {
      const draft = await scene.draft();
      for (const reader of [scene.intake, scene.worker, scene.receiver.admin]) expect(about(await inboxOf(reader), draft.id)).toEqual([]);
    });
  });

  describe('every later step tells the caseworker who made the referral', () => {
    it('with the statuses, and the family she is on the team of; not the receiver who took the step', async () => {
      const ref = await sent();
      const received = await scene.step('receiveReferral', ref.id, ref.version);
      await scene.step('acceptReferral', ref.id, received);
      const items = about(await inboxOf(scene.worker), ref.id);
      expect(items.map((i) => [i.kind, i.text, i.family?.id])).toEqual([
        ['REFERRAL_STATUS_CHANGED', 'Uw doorverwijzing ging van "ontvangen" naar "aanvaard".', ref.familyId],
        ['REFERRAL_STATUS_CHANGED', 'Uw doorverwijzing ging van "verstuurd" naar "ontvangen".', ref.familyId],
      ]);
      expect(about(await inboxOf(scene.intake), ref.id).map((i) => i.kind)).toEqual(['REFERRAL_RECEIVED']);
      expect(about(await inboxOf(colleague), ref.id)).toEqual([]);
    });

    it("the referrer's own withdrawal tells no one", async () => {
      const ref = await sent();
      await scene.step('withdrawReferral', ref.id, ref.version, { reason: 'Het gezin verhuist' });
      expect(about(await inboxOf(scene.worker), ref.id)).toEqual([]);
      expect(about(await inboxOf(scene.intake), ref.id).map((i) => i.kind)).toEqual(['REFERRAL_RECEIVED']);
    });
  });

  describe('never more than the reader may see now', () => {
    it("the referrer's items disappear when her assignment to the family ends", async () => {
      const ref = await sent();
      await scene.step('receiveReferral', ref.id, ref.version);
      const [mine] = about(await inboxOf(scene.worker), ref.id);
      expect(mine).toBeDefined();
      const { family } = await api.ok(scene.worker.subject, FamilyCaseAssignmentsDocument, { id: ref.familyId });
      const assignment = family.caseAssignments.find((a) => a.user.id === scene.worker.userId)!;
      await api.ok(scene.referrer.admin.subject, EndCaseAssignmentByIdDocument, { id: assignment.id });

      expect(about(await inboxOf(scene.worker), ref.id)).toEqual([]);
      const marked = await api.gql(scene.worker.subject, MarkInboxItemsReadDocument, { input: { ids: [mine!.id] } });
      expect(codeOf(marked)).toBe('NOT_FOUND');
    });

    it('a caseworker whose membership was removed has no inbox any more', async () => {
      const leaving = await world.staff(scene.receiver);
      const ref = await sent();
      expect(about(await inboxOf(leaving), ref.id)).toHaveLength(1);
      const { memberships } = await api.ok(scene.receiver.admin.subject, AgencyMembershipUsersDocument, { a: scene.receiver.id });
      const membershipId = memberships.edges.find((e) => e.node.user?.id === leaving.userId)!.node.id;
      await api.ok(scene.receiver.admin.subject, RemoveMembershipIdDocument, { id: membershipId });

      expect(codeOf(await api.gql(leaving.subject, InboxDocument, {}))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(leaving.subject, InboxUnreadCountDocument))).toBe('FORBIDDEN');
    });

    it("the family's portal login gets no referral items; an integration client has no inbox", async () => {
      const ref = await sent();
      const { family } = await api.ok(scene.worker.subject, FamilyCaseAssignmentsDocument, { id: ref.familyId });
      expect(family.id).toBe(ref.familyId);
      const members = await world.membersOf(scene.worker, ref.familyId);
      const parentLogin = await world.portalLogin(scene.worker, members.members.find((m) => m.role === 'PARENT')!.id);
      expect(await inboxOf(parentLogin)).toEqual([]);
      expect((await api.ok(parentLogin, InboxUnreadCountDocument)).inboxUnreadCount).toBe(0);

      const client = await scene.client(null);
      const token = await request(api.app.getHttpServer())
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
      const res = await request(api.app.getHttpServer())
        .post('/graphql')
        .set('Authorization', `Bearer ${token.body.access_token as string}`)
        .send({ query: queryText(InboxUnreadCountDocument) });
      expect(codeOf(res.body)).toBe('FORBIDDEN');
    });

    it('reading the inbox is audited as a read of the records its items are about', async () => {
      const ref = await sent();
      const [item] = about(await inboxOf(scene.intake), ref.id);
      const rows: { entity_type: string; family_id: string }[] = await db.query(
        `SELECT entity_type, family_id FROM audit_event WHERE actor_user_id = $1 AND action = 'READ' AND $2 = ANY(entity_ids)`,
        [scene.intake.userId, item!.id],
      );
      expect(rows).toEqual([{ entity_type: 'InboxItem', family_id: ref.familyId }]);
    });
  });

  describe('break-glass used on a family', () => {
    it('tells its supporter and the members with a portal login who decide for themselves; not the responder, a colleague, a member assessed not capable', async () => {
      const agency = scene.referrer;
      const supporter = await world.staff(agency);
      const responder = await world.staff(agency);
      const colleague = await world.staff(agency);
      const { familyId, members } = await world.familyWithPlan(supporter, { members: parentWithTwoChildren(), consentFor: [], supporter });
      for (const who of [responder, colleague]) await world.assign(agency.admin, familyId, who.userId);
      const [parentMember, teenager] = members;
      const parentLogin = await world.portalLogin(supporter, parentMember!.id);
      const teenLogin = await world.portalLogin(supporter, teenager!.id);
      await api.ok(supporter.subject, AssessCapacityDocument, { input: { memberId: teenager!.id, capable: false, reason: 'Kan de gevolgen nog niet overzien' } });

      const { breakGlass } = await api.ok(responder.subject, BreakGlassDocument, { input: { familyId, justification: 'Melding van acuut geweld door de school.' } });

      for (const reader of [supporter.subject, parentLogin]) {
        const items = (await inboxOf(reader)).filter((i) => i.about.id === breakGlass.id);
        expect(items.map((i) => [i.kind, i.about.type, i.family?.id, i.text.startsWith('Iemand opende in een noodgeval de gegevens van het gezin, tot ')])).toEqual([
          ['BREAK_GLASS_USED', 'BreakGlassGrant', familyId, true],
        ]);
        expect(items[0]!.text).not.toContain('acuut');
      }
      for (const reader of [responder.subject, colleague.subject, teenLogin]) {
        expect((await inboxOf(reader)).filter((i) => i.about.id === breakGlass.id)).toEqual([]);
      }
    });
  });

  describe('consent withdrawn', () => {
    it("tells the family's supporter; not the colleague who recorded it, not another agency", async () => {
      const agency = scene.referrer;
      const supporter = await world.staff(agency);
      const colleague = await world.staff(agency);
      const { familyId, members } = await world.familyWithPlan(supporter, {
        members: parentWithTwoChildren(),
        supporter,
        assign: { admin: agency.admin, userIds: [colleague.userId] },
      });
      const [saraConsent] = await world.consentAll(colleague, { id: familyId, members: members.slice(0, 1), memberIds: [members[0]!.id] }, scene.other.id, ['PLAN']);
      await api.ok(colleague.subject, RevokeConsentDocument, { input: { consentId: saraConsent!, reason: 'Wil het zelf regelen', revokedByMemberId: members[0]!.id } });

      const items = (await inboxOf(supporter)).filter((i) => i.about.id === saraConsent);
      expect(items.map((i) => [i.kind, i.about.type, i.family?.id, i.text])).toEqual([
        ['CONSENT_WITHDRAWN', 'Consent', familyId, 'Een toestemming van het gezin werd ingetrokken.'],
      ]);
      for (const reader of [colleague, otherWorker, scene.intake]) expect((await inboxOf(reader)).filter((i) => i.about.id === saraConsent)).toEqual([]);
    });
  });

  describe('support handover', () => {
    it('asks the family to confirm (members who decide for themselves), then tells the old and the new supporter', async () => {
      const agency = scene.referrer;
      const first = await world.staff(agency);
      const second = await world.staff(agency);
      const colleague = await world.staff(agency);
      const { familyId, planId, members } = await world.familyWithPlan(first, {
        members: parentWithTwoChildren(),
        supporter: first,
        assign: { admin: agency.admin, userIds: [second.userId, colleague.userId] },
      });
      const [sara, lien] = members;
      const saraLogin = await world.portalLogin(first, sara!.id);
      const lienLogin = await world.portalLogin(first, lien!.id);
      const aboutPlan = async (reader: Person | string) => (await inboxOf(reader)).filter((i) => i.about.id === planId).map((i) => i.kind);

      await api.ok(first.subject, HandOverSupportDocument, { input: { planId, toUserId: second.userId } });
      for (const login of [saraLogin, lienLogin]) {
        const items = (await inboxOf(login)).filter((i) => i.about.id === planId);
        expect(items.map((i) => [i.kind, i.about.type, i.family?.id])).toEqual([['SUPPORT_HANDOVER_TO_CONFIRM', 'Plan', familyId]]);
      }
      for (const reader of [first, second, colleague]) expect(await aboutPlan(reader)).toEqual([]);

      await api.ok(saraLogin, ConfirmSupportHandoverDocument, { input: { planId, confirmedByMemberId: sara!.id, method: 'FAMILY_PORTAL' } });
      for (const reader of [first, second]) expect(await aboutPlan(reader)).toEqual(['SUPPORT_HANDED_OVER']);
      expect(await aboutPlan(colleague)).toEqual([]);
      // Sara confirmed it herself; Lien was asked and is not told again.
      for (const login of [saraLogin, lienLogin]) expect(await aboutPlan(login)).toEqual(['SUPPORT_HANDOVER_TO_CONFIRM']);
    });
  });

  describe('an item about a family whose consent was withdrawn', () => {
    it("disappears for the reader who read the plan under it; the withdrawal's own item stays", async () => {
      const agency = scene.referrer;
      const first = await world.staff(agency);
      const second = await world.staff(agency);
      const { familyId, planId, members } = await world.familyWithPlan(first, {
        members: [parent('Ann', 'Maes')],
        consentFor: [],
        supporter: first,
        assign: { admin: agency.admin, userIds: [second.userId] },
      });
      const ann = members[0]!.id;
      const [consentId] = await world.consentAll(first, { id: familyId, members, memberIds: [ann] }, agency.id, ['PLAN']);
      await api.ok(first.subject, HandOverSupportDocument, { input: { planId, toUserId: second.userId } });
      await api.ok(first.subject, ConfirmSupportHandoverDocument, { input: { planId, confirmedByMemberId: ann, method: 'WRITTEN', evidenceReference: 'Gesprek 3/12' } });
      const kindsAbout = async (id: string) => (await inboxOf(second)).filter((i) => i.about.id === id).map((i) => [i.kind, i.family?.id]);
      expect(await kindsAbout(planId)).toEqual([['SUPPORT_HANDED_OVER', familyId]]);

      await api.ok(first.subject, RevokeConsentDocument, { input: { consentId: consentId!, reason: 'Wil geen plan meer delen', revokedByMemberId: ann } });
      expect(await kindsAbout(planId)).toEqual([]);
      expect(await kindsAbout(consentId!)).toEqual([['CONSENT_WITHDRAWN', familyId]]);
    });
  });

  describe('overdue referrals: npm run jobs -- --run overdue', () => {
    /** The compiled command, as an operator (or the hourly job of a replica) runs it, against the test database. */
    const runOverdue = (args = ['--run', 'overdue']) =>
      new Promise<{ failed: boolean; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['dist/src/cli/jobs.js', ...args], { cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ failed: error !== null, stdout, stderr }),
        );
      });

    /** The referral's current stage is past its deadline (as the clock would have it after a few working days). */
    const pastDeadline = (referralId: string) =>
      db.transaction(async (em) => {
        await em.query(`SELECT set_config('app.actor_subject', 'test:clock', true)`);
        await em.query(`UPDATE referral SET due_at = now() - interval '1 minute' WHERE id = $1`, [referralId]);
      });

    const overdueTexts = async (reader: Person, referralId: string) =>
      (await inboxOf(reader)).filter((i) => i.about.id === referralId && i.kind === 'REFERRAL_OVERDUE').map((i) => i.text);

    it('tells the receiving caseworkers and the referrer once per stage past its deadline, also when two runs race', async () => {
      const ref = await sent();
      await pastDeadline(ref.id);
      // Two at once, as two replicas' jobs would, then once more.
      expect((await Promise.all([runOverdue(), runOverdue()])).map((run) => run.failed)).toEqual([false, false]);
      expect((await runOverdue()).failed).toBe(false);
      for (const reader of [scene.intake, intake2, scene.worker]) expect(await overdueTexts(reader, ref.id)).toEqual(['Een doorverwijzing staat te lang op "verstuurd".']);
      for (const reader of [volunteer, otherWorker, colleague]) expect(await overdueTexts(reader, ref.id)).toEqual([]);

      // The next stage past its deadline is told again.
      await scene.step('receiveReferral', ref.id, ref.version);
      await pastDeadline(ref.id);
      expect((await runOverdue()).failed).toBe(false);
      expect(await overdueTexts(scene.worker, ref.id)).toEqual(['Een doorverwijzing staat te lang op "ontvangen".', 'Een doorverwijzing staat te lang op "verstuurd".']);
    }, 60_000);

    it('a referral within its deadline is not told; an unknown job is refused', async () => {
      const ref = await sent();
      expect((await runOverdue()).failed).toBe(false);
      expect(await overdueTexts(scene.intake, ref.id)).toEqual([]);
      const unknown = await runOverdue(['--run', 'everything']);
      expect([unknown.failed, unknown.stderr.trim()]).toEqual([true, 'Job failed: --run takes one of: overdue, reminders, digest']);
    }, 60_000);
  });

  describe('written in the transaction of the event, once per event and recipient', () => {
    /** `deliver` as a producer calls it, in a transaction whose actor is the referrer. */
    async function deliver(eventId: string, ref: { id: string; familyId: string }, andThen: () => void = () => undefined) {
      const inbox = api.app.get(InboxService);
      await db.transaction(async (em) => {
        await em.query(`SELECT set_config('app.actor_user_id', $1, true)`, [scene.worker.userId]);
        await inbox.deliver(
          em,
          { id: eventId, kind: InboxItemKind.REFERRAL_RECEIVED, familyId: ref.familyId, about: { type: 'Referral', id: ref.id }, params: {}, occurredAt: new Date() },
          [{ user: scene.intake.userId, agency: scene.receiver.id }, { user: scene.worker.userId, agency: scene.referrer.id }],
        );
        andThen();
      });
    }

    it('an event that rolls back leaves no item; one delivered twice leaves one', async () => {
      const ref = await sent();
      const before = about(await inboxOf(scene.intake), ref.id).length;
      const eventId = randomUUID();
      await expect(deliver(eventId, ref, () => { throw new Error('the event failed'); })).rejects.toThrow('the event failed');
      expect(about(await inboxOf(scene.intake), ref.id)).toHaveLength(before);

      await deliver(eventId, ref);
      await deliver(eventId, ref);
      expect(about(await inboxOf(scene.intake), ref.id)).toHaveLength(before + 1);
      // The actor of the event (the referrer) got none.
      expect(about(await inboxOf(scene.worker), ref.id)).toEqual([]);
    });
  });

  describe('pages, unread, marking read', () => {
    it('pages newest first by cursor, and unreadOnly leaves out what was marked read', async () => {
      const refs = [await sent(), await sent(), await sent()];
      const all = (await inboxOf(scene.intake)).filter((i) => refs.some((r) => r.id === i.about.id));
      expect(all.map((i) => i.about.id)).toEqual(refs.map((r) => r.id).reverse());

      const first = await api.ok(scene.intake.subject, InboxDocument, { first: 1 });
      const second = await api.ok(scene.intake.subject, InboxDocument, { first: 1, after: first.inbox.pageInfo.endCursor });
      expect(first.inbox.pageInfo.hasNextPage).toBe(true);
      expect(second.inbox.edges[0]!.node.id).not.toBe(first.inbox.edges[0]!.node.id);
      expect(second.inbox.edges[0]!.node.id < first.inbox.edges[0]!.node.id).toBe(true);

      const unreadBefore = (await api.ok(scene.intake.subject, InboxUnreadCountDocument)).inboxUnreadCount;
      const { markInboxItemsRead } = await api.ok(scene.intake.subject, MarkInboxItemsReadDocument, { input: { ids: [all[0]!.id, all[0]!.id, all[1]!.id] } });
      expect(markInboxItemsRead.map((i) => [i.id, i.read])).toEqual([[all[0]!.id, true], [all[1]!.id, true]]);
      expect((await api.ok(scene.intake.subject, InboxUnreadCountDocument)).inboxUnreadCount).toBe(unreadBefore - 2);
      const unread = await inboxOf(scene.intake, true);
      expect(unread.map((i) => i.id)).toContain(all[2]!.id);
      expect(unread.map((i) => i.id)).not.toContain(all[0]!.id);
      // Marking again changes nothing and is no error.
      await api.ok(scene.intake.subject, MarkInboxItemsReadDocument, { input: { ids: [all[0]!.id] } });
      expect((await api.ok(scene.intake.subject, InboxUnreadCountDocument)).inboxUnreadCount).toBe(unreadBefore - 2);
    });

    it("another's item answers NOT_FOUND and marks none, not even the caller's own", async () => {
      const ref = await sent();
      const [mine] = about(await inboxOf(scene.intake), ref.id);
      const [theirs] = about(await inboxOf(intake2), ref.id);
      for (const ids of [[mine!.id, theirs!.id], [mine!.id, randomUUID()], [mine!.id, 'not-an-id']]) {
        const result = await api.gql(scene.intake.subject, MarkInboxItemsReadDocument, { input: { ids } });
        expect(codeOf(result)).toBe('NOT_FOUND');
      }
      expect(about(await inboxOf(scene.intake), ref.id)[0]!.read).toBe(false);
      expect(about(await inboxOf(intake2), ref.id)[0]!.read).toBe(false);
    });

    it('bad input names its field', async () => {
      const tooMany = Array.from({ length: 101 }, () => randomUUID());
      for (const ids of [[], tooMany]) {
        const result = await api.gql(scene.intake.subject, MarkInboxItemsReadDocument, { input: { ids } });
        expect([codeOf(result), result.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'ids']);
      }
      for (const variables of [{ first: 0 }, { first: 101 }, { after: 'nonsense' }]) {
        const result = await api.gql(scene.intake.subject, InboxDocument, variables);
        expect([codeOf(result), result.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', Object.keys(variables)[0]]);
      }
    });
  });

  describe('inboxChanged', () => {
    let port: number;
    let clients: Client[] = [];

    beforeAll(async () => {
      port = await listening();
    });

    afterEach(async () => {
      for (const client of clients) await client.dispose();
      clients = [];
    });

    /** The port of this file's app, listening once. */
    async function listening(): Promise<number> {
      const server = api.app.getHttpServer();
      if (!server.listening) await api.app.listen(0);
      return (server.address() as AddressInfo).port;
    }

    /** `who`'s unread counts as the subscription sends them (`errors`: what ended it). */
    async function follow(who: Person | string, token?: string, errors: unknown[] = []): Promise<number[]> {
      const subject = typeof who === 'string' ? who : who.subject;
      const counts: number[] = [];
      const client = createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { Authorization: `Bearer ${token ?? (await TestApi.token(subject))}` },
        retryAttempts: 0,
      });
      clients.push(client);
      client.subscribe<{ inboxChanged: { unreadCount: number } }>(
        { query: queryText(InboxChangedDocument) },
        {
          next: (r) => void (r.data ? counts.push(r.data.inboxChanged.unreadCount) : errors.push(...(r.errors ?? []))),
          error: (error) => void errors.push(...(Array.isArray(error) ? error : [error])),
          complete: () => undefined,
        },
      );
      return counts;
    }

    async function until(predicate: () => boolean, what: string): Promise<void> {
      const deadline = Date.now() + 10_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    /** Marks one of `who`'s items read until its subscription answers: then it is attached. */
    async function attached(who: Person | string, counts: number[]): Promise<void> {
      const subject = typeof who === 'string' ? who : who.subject;
      const [item] = await inboxOf(subject);
      const deadline = Date.now() + 10_000;
      while (counts.length === 0) {
        if (Date.now() > deadline) throw new Error('the subscription never answered');
        await api.ok(subject, MarkInboxItemsReadDocument, { input: { ids: [item!.id] } });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    it('tells the receiving caseworker her unread count when a referral arrives; not the referrer who sent it', async () => {
      // Both followers have an item to mark read, which is how each is shown attached.
      const warm = await sent();
      await scene.step('receiveReferral', warm.id, warm.version);
      const intakeCounts = await follow(scene.intake);
      const workerCounts = await follow(scene.worker);
      await attached(scene.intake, intakeCounts);
      await attached(scene.worker, workerCounts);
      const workerBefore = workerCounts.length;

      const ref = await sent();
      const unread = (await api.ok(scene.intake.subject, InboxUnreadCountDocument)).inboxUnreadCount;
      await until(() => intakeCounts.includes(unread), `unread count ${unread}`);
      expect(about(await inboxOf(scene.intake), ref.id)).toHaveLength(1);
      // The referrer sent it herself: her inbox did not change, and the same notice reached both followers.
      expect(workerCounts).toHaveLength(workerBefore);
    });

    it('tells a network coordinator of a referral escalated by the hourly job; not the receiving caseworker', async () => {
      const overdue = api.app.get(ReferralOverdue);
      /** A referral sent, its deadline ten days past, escalated (in this process, as the hourly job would). */
      const escalated = async () => {
        const ref = await sent();
        await db.transaction(async (em) => {
          await em.query(`SELECT set_config('app.actor_subject', 'test:clock', true)`);
          await em.query(`UPDATE referral SET due_at = now() - interval '10 days' WHERE id = $1`, [ref.id]);
        });
        await overdue.escalate();
      };
      await escalated();
      const coordinator = scene.network.coordinator;
      const counts = await follow(coordinator);
      await attached(coordinator, counts);
      const intakeCounts = await follow(scene.intake);
      await attached(scene.intake, intakeCounts);
      const intakeBefore = intakeCounts.length;

      await escalated();
      await until(() => counts.includes(1), 'the escalation');
      // The referral itself reached the intake caseworker; its escalation did not.
      await until(() => intakeCounts.length > intakeBefore, 'the referral received');
      expect((await inboxOf(scene.intake)).filter((i) => i.kind === 'REFERRAL_ESCALATED')).toEqual([]);
    });

    it('every producer tells its recipients their new unread count, and nothing to anyone else (one subscription per principal)', async () => {
      const agency = scene.referrer;
      const day = (days: number, years = 0) => {
        const d = new Date(`${calendarDate(DEFAULT_LEGAL_TIME_ZONE)}T00:00:00Z`);
        d.setUTCFullYear(d.getUTCFullYear() - years);
        d.setUTCDate(d.getUTCDate() + days);
        return d.toISOString().slice(0, 10);
      };
      const asClock = (sql: string, params: unknown[]) =>
        db.transaction(async (em) => {
          await em.query(`SELECT set_config('app.actor_subject', 'test:clock', true)`);
          await em.query(sql, params);
        });
      // The family: Sara and Tom (adults), Lien (16) and Mo (5), Sara and Lien with a portal login (Mo may have none:
      // he does not decide for himself); on the team the supporter, a colleague, a volunteer and a responder, all of `agency`.
      const supporter = await world.staff(agency);
      const colleague = await world.staff(agency);
      const teamVolunteer = await world.staff(agency, 'VOLUNTEER');
      const responder = await world.staff(agency);
      const { familyId, planId, memberIds, members } = await world.familyWithPlan(supporter, {
        supporter,
        members: [parent('Sara', 'Maes', '1985-03-01'), child('Lien', 'Maes', day(-10, 16)), child('Mo', 'Maes', day(-10, 5)), parent('Tom', 'Maes', '1983-06-01')],
        assign: { admin: agency.admin, userIds: [colleague.userId, teamVolunteer.userId, responder.userId] },
      });
      await api.ok(supporter.subject, ActivatePlanDocument, { input: { planId } });
      const [sara, lien, mo, tom] = memberIds as [string, string, string, string];
      const [saraLogin, lienLogin] = [await world.portalLogin(supporter, sara), await world.portalLogin(supporter, lien)];
      const leaving = await world.staff(scene.receiver);
      const only = (memberId: string) => ({ id: familyId, members: members.filter((m) => m.id === memberId), memberIds: [memberId] });

      type Follower = { name: string; login: string; recipient: [user: string, agency: string] | [member: string]; counts: number[] };
      const pro = (name: string, who: Person, agencyId: string) => ({ name, login: who.subject, recipient: [who.userId, agencyId] as [string, string] });
      const followers: Follower[] = await Promise.all(
        [
          pro('supporter', supporter, agency.id),
          pro('colleague', colleague, agency.id),
          pro('team volunteer', teamVolunteer, agency.id),
          pro('responder', responder, agency.id),
          pro('agency admin', agency.admin, agency.id),
          pro('referrer', scene.worker, agency.id),
          pro('intake', scene.intake, scene.receiver.id),
          pro('receiving volunteer', volunteer, scene.receiver.id),
          pro('receiving admin', scene.receiver.admin, scene.receiver.id),
          pro('removed intake', leaving, scene.receiver.id),
          pro('other agency', otherWorker, scene.other.id),
          pro('coordinator', scene.network.coordinator, scene.network.coordinator.agencyId),
          { name: 'Sara', login: saraLogin, recipient: [sara] as [string] },
          { name: 'Lien (16)', login: lienLogin, recipient: [lien] as [string] },
        ].map(async (f) => ({ ...f, counts: await follow(f.login) })),
      );
      const named = (...names: string[]) => followers.filter((f) => names.includes(f.name));

      // Attached: an item of a warm-up event for each follower, announced until every subscription answered.
      const warmUp = randomUUID();
      await db.transaction(async (em) => {
        await em.query(`SELECT set_config('app.actor_subject', 'test:warm-up', true)`);
        for (const f of followers) {
          const [user, agencyId] = f.recipient.length === 2 ? f.recipient : [null, null];
          await em.query(
            `INSERT INTO inbox_item (id, event_id, kind, recipient_user_id, recipient_agency_id, recipient_member_id, family_id, subject_type, subject_id, params, occurred_at)
             VALUES (gen_random_uuid(), $1, 'REFERRAL_RECEIVED', $2, $3, $4, $5, 'Family', $5, '{}', now())`,
            [warmUp, user, agencyId, f.recipient.length === 1 ? f.recipient[0] : null, familyId],
          );
        }
      });
      for (const deadline = Date.now() + 10_000; !followers.every((f) => f.counts.length > 0); ) {
        if (Date.now() > deadline) throw new Error('a subscription never answered');
        await db.query(`SELECT pg_notify($1, $2)`, [INBOX_CHANNEL, JSON.stringify({ eventId: warmUp })]);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // A receiving caseworker whose membership is removed now hears nothing more.
      const { memberships } = await api.ok(scene.receiver.admin.subject, AgencyMembershipUsersDocument, { a: scene.receiver.id });
      await api.ok(scene.receiver.admin.subject, RemoveMembershipIdDocument, { id: memberships.edges.find((e) => e.node.user?.id === leaving.userId)!.node.id });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const attachedWith = new Map(followers.map((f) => [f, f.counts.length]));

      /** Runs `produce`; each of `told` hears its new, higher unread count; no other follower hears anything. */
      async function expectTold(what: string, produce: () => Promise<unknown>, told: Follower[]): Promise<void> {
        const before = new Map(followers.map((f) => [f, f.counts.length]));
        await produce();
        for (const f of told) {
          const { inboxUnreadCount } = await api.ok(f.login, InboxUnreadCountDocument);
          await until(() => f.counts.length > before.get(f)! && f.counts.at(-1) === inboxUnreadCount, `${what}: ${f.name} told ${inboxUnreadCount}`);
          expect(inboxUnreadCount).toBeGreaterThan(f.counts[before.get(f)! - 1]!);
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
        const heard = followers.filter((f) => f.counts.length > before.get(f)!).map((f) => f.name);
        expect({ what, heard }).toEqual({ what, heard: told.map((f) => f.name) });
      }
      /** An event delivered as its producer delivers it, to the audience it names (the producers' own specs test who that is). */
      const delivered = (kind: InboxItemKind, about: InboxEvent['about'], audience: InboxAudience[]) => () =>
        db.transaction(async (em) => {
          await em.query(`SELECT set_config('app.actor_subject', 'test:producer', true)`);
          await api.app.get(InboxService).deliver(em, { id: randomUUID(), kind, familyId, about, params: {}, occurredAt: new Date() }, audience);
        });

      // Referrals: received, a step, overdue, escalated.
      let ref!: { id: string; version: number; familyId: string };
      await expectTold('REFERRAL_RECEIVED', async () => (ref = await sent()), named('intake', 'receiving admin'));
      await expectTold('REFERRAL_STATUS_CHANGED', () => scene.step('receiveReferral', ref.id, ref.version), named('referrer'));
      await expectTold('REFERRAL_OVERDUE', async () => {
        await asClock(`UPDATE referral SET due_at = now() - interval '1 minute' WHERE id = $1`, [ref.id]);
        await api.app.get(ReferralOverdue).tellOverdue();
      }, named('referrer', 'intake')); // the admin's item is kept, not shown (not a notice): no news for her
      await expectTold('REFERRAL_ESCALATED', async () => {
        await asClock(`UPDATE referral SET due_at = now() - interval '10 days' WHERE id = $1`, [ref.id]);
        await api.app.get(ReferralOverdue).escalate();
      }, named('coordinator'));

      // The family's own events.
      await expectTold('BREAK_GLASS_USED', () => api.ok(responder.subject, BreakGlassDocument, { input: { familyId, justification: 'Acute melding van de huisarts.' } }), named('supporter', 'Sara', 'Lien (16)'));
      await expectTold('CONSENT_WITHDRAWN', async () => {
        const [consentId] = await world.consentAll(colleague, only(sara), scene.other.id, ['PLAN']);
        await api.ok(colleague.subject, RevokeConsentDocument, { input: { consentId: consentId!, reason: 'Wil het zelf regelen', revokedByMemberId: sara } });
      }, named('supporter'));
      await expectTold('CONSENT_EXPIRING', async () => {
        await api.ok(colleague.subject, RecordConsentUntilDocument, {
          input: {
            grantorMemberId: sara, subjectMemberIds: [sara], recipientAgencyId: agency.id, categories: ['PLAN'], purposeCode: 'PLAN_COORDINATION',
            purpose: 'Samen werken aan het gezinsplan', method: 'WRITTEN', evidenceReference: 'form-10', validUntil: new Date(Date.now() + 10 * 86_400_000).toISOString(),
          },
        });
        await api.app.get(ConsentExpiry).tellExpiring();
      }, named('supporter'));
      await expectTold('ACTION_DUE, ACTION_OVERDUE', async () => {
        const goal = async (lifeDomain: 'EDUCATION' | 'HEALTH') => (await api.ok(supporter.subject, AddGoalDocument, { input: { planId, lifeDomain, description: 'Een doel', owner: 'FAMILY' } })).addGoal.id;
        const [school, health] = [await goal('EDUCATION'), await goal('HEALTH')];
        const action = async (goalId: string, assignee: { assigneeUserId: string } | { assigneeMemberId: string }) =>
          (await api.ok(supporter.subject, AddActionAssignedDocument, { input: { goalId, title: 'Afspraak maken', dueDate: day(1), ...assignee } })).addAction.id;
        await action(school, { assigneeUserId: colleague.userId });
        await action(health, { assigneeUserId: teamVolunteer.userId }); // hers, but a HEALTH goal: she may not read it
        await action(health, { assigneeMemberId: mo });
        await asClock(`UPDATE action SET due_date = $2 WHERE id = $1`, [await action(school, { assigneeMemberId: lien }), day(-2)]);
        await api.app.get(ActionReminders).tellDue();
      }, named('supporter', 'colleague', 'Lien (16)'));
      await expectTold('TRANSITION_CHECKLIST_PROPOSED', async () => {
        await asClock(`UPDATE family_member SET birth_date = $2 WHERE id = $1`, [lien, day(30, 18)]);
        await api.app.get(TransitionsService).proposeDueChecklists();
      }, named('supporter', 'Lien (16)'));
      await expectTold('PORTAL_INVITATION_EXPIRED', async () => {
        await api.ok(colleague.subject, CreatePortalInvitationDetailsDocument, { m: tom });
        await asClock(`UPDATE portal_invitation SET expires_at = now() - interval '1 hour' WHERE member_id = $1`, [tom]);
        await api.app.get(PortalInvitationExpiry).tellExpired();
      }, named('colleague'));
      const requests: Record<string, string> = {};
      const requested = (login: string, memberId: string, changes: Record<string, string>) => async () => {
        requests[memberId] = (await api.ok(login, RequestMemberCorrectionDocument, { input: { memberId, changes } })).requestMemberCorrection.id;
      };
      await expectTold('MEMBER_CORRECTION_REQUESTED', requested(saraLogin, sara, { familyName: 'Maes-Peeters' }), named('supporter'));
      await expectTold('MEMBER_CORRECTION_APPLIED', () => api.ok(supporter.subject, ApplyMemberCorrectionDocument, { input: { requestId: requests[sara]!, expectedVersion: 1 } }), named('Sara'));
      await expectTold('MEMBER_CORRECTION_REQUESTED (Lien)', requested(lienLogin, lien, { givenName: 'Liene' }), named('supporter'));
      await expectTold('MEMBER_CORRECTION_DECLINED', () => api.ok(colleague.subject, DeclineMemberCorrectionDocument, { input: { requestId: requests[lien]!, reason: 'Zo staat het op de identiteitskaart' } }), named('Lien (16)'));
      let bridgeReferral!: string;
      await expectTold('BRIDGE_FIGURE_NAMED', async () => {
        await world.consentAll(supporter, only(lien), scene.receiver.id, ['REFERRAL']);
        const { createReferral } = await api.ok(supporter.subject, CreateBridgeReferralDocument, {
          input: { planId, toAgencyId: scene.receiver.id, memberIds: [lien], reason: 'Schoolproblemen', urgency: 'ROUTINE', requestedService: 'Begeleiding', bridgeFigureUserId: colleague.userId },
        });
        bridgeReferral = createReferral.id;
      }, named('colleague'));

      // Delivered as their producers deliver them (merges, moves, webhooks, a team request, logged referrals:
      // their own specs make them happen and test who is in the audience).
      const { id: clientId } = await scene.client(null, ['REFERRALS_READ'], agency);
      await expectTold('WEBHOOK_DELIVERY_FAILED', delivered(InboxItemKind.WEBHOOK_DELIVERY_FAILED, { type: 'IntegrationClient', id: clientId }, [{ staffOf: agency.id, roles: [MembershipRole.AGENCY_ADMIN] }]), named('agency admin'));
      await expectTold('FAMILY_MERGED', delivered(InboxItemKind.FAMILY_MERGED, { type: 'Plan', id: planId }, [{ portalOf: familyId }, { supportersOf: familyId }]), named('supporter', 'Sara', 'Lien (16)'));
      await expectTold('FAMILY_MERGE_DECLINED', delivered(InboxItemKind.FAMILY_MERGE_DECLINED, { type: 'Family', id: familyId }, [{ teamUser: supporter.userId, family: familyId }]), named('supporter'));
      await expectTold('FAMILY_MOVE_WITHDRAWN', delivered(InboxItemKind.FAMILY_MOVE_WITHDRAWN, { type: 'Plan', id: planId }, [{ portalOf: familyId }]), named('Sara', 'Lien (16)'));
      await expectTold('TEAM_PARTICIPATION_REQUESTED', delivered(InboxItemKind.TEAM_PARTICIPATION_REQUESTED, { type: 'Plan', id: planId }, [{ user: supporter.userId, agency: agency.id }]), named('supporter'));
      for (const kind of [InboxItemKind.LOGGED_REFERRAL_STEP_DUE, InboxItemKind.REFERRAL_TO_REVIEW_AFTER_MOVE]) {
        await expectTold(kind, delivered(kind, { type: 'Referral', id: bridgeReferral }, [{ user: supporter.userId, agency: agency.id }]), named('supporter'));
      }

      // The support handover, last: it changes who supports the family.
      await expectTold('SUPPORT_HANDOVER_TO_CONFIRM', () => api.ok(supporter.subject, HandOverSupportDocument, { input: { planId, toUserId: colleague.userId } }), named('Sara', 'Lien (16)'));
      await expectTold('SUPPORT_HANDED_OVER', () => api.ok(saraLogin, ConfirmSupportHandoverDocument, { input: { planId, confirmedByMemberId: sara, method: 'FAMILY_PORTAL' } }), named('supporter', 'colleague'));

      // Nobody who must not hear of the family's events ever did since it was attached; Mo got no item at all.
      for (const f of named('team volunteer', 'responder', 'removed intake', 'other agency', 'receiving volunteer')) {
        expect([f.name, f.counts.length]).toEqual([f.name, attachedWith.get(f)]);
      }
      expect(await db.query(`SELECT kind FROM inbox_item WHERE recipient_member_id = $1`, [mo])).toEqual([]);
    }, 180_000);

    it('tells a portal member of a break-glass on her family; an integration client may not follow an inbox', async () => {
      const agency = scene.referrer;
      const supporter = await world.staff(agency);
      const responder = await world.staff(agency);
      const { familyId, planId, members } = await world.familyWithPlan(supporter, { members: [parent('Nora', 'Claes')], supporter, assign: { admin: agency.admin, userIds: [responder.userId] } });
      const nora = await world.portalLogin(supporter, members[0]!.id);
      // Her first item (a handover to confirm) is what shows her subscription attached.
      await api.ok(supporter.subject, HandOverSupportDocument, { input: { planId, toUserId: responder.userId } });
      const counts = await follow(nora);
      await attached(nora, counts);
      expect(counts[0]).toBe(0);
      await api.ok(responder.subject, BreakGlassDocument, { input: { familyId, justification: 'Acute melding van de huisarts.' } });
      await until(() => counts.includes(1), 'the break-glass item');

      const client = await scene.client(null);
      const token = await request(api.app.getHttpServer())
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
      const errors: unknown[] = [];
      const clientCounts = await follow('client', token.body.access_token as string, errors);
      await until(() => errors.length > 0, 'the refusal');
      expect([clientCounts, (errors[0] as { extensions?: { code?: string } }).extensions?.code]).toEqual([[], 'FORBIDDEN']);
    });
  });
});
