import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { calendarDate, DEFAULT_LEGAL_TIME_ZONE } from '../src/common/calendar.js';
import { ConsentExpiry } from '../src/consents/consent-expiry.js';
import { ActionReminders } from '../src/goals/action-reminders.js';
import type { InboxItemKind } from '../src/inbox/inbox-kind.js';
import { type InboxAudience, type InboxEvent, InboxService } from '../src/inbox/inbox.service.js';
import { PortalInvitationExpiry } from '../src/portal/portal-invitation-expiry.js';
import { ReferralOverdue } from '../src/referrals/referral-overdue.js';
import { TransitionsService } from '../src/transitions/transitions.service.js';
import type { MembershipRole } from '../src/users/membership-role.js';
import {
  ActivatePlanDocument,
  AddActionAssignedDocument,
  AddGoalDocument,
  AgencyMembershipUsersDocument,
  CreatePortalInvitationDetailsDocument,
  InboxDocument,
  type InboxEntryFragment,
  ProposeTransitionChecklistDocument,
  RecordConsentUntilDocument,
  RegisterIntegrationClientIdDocument,
  RemoveMembershipIdDocument,
  SetMyLanguageDocument,
} from './graphql/generated.js';
import { ReferralScene } from './support/referral-scene.js';
import { TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, child, parent, type Person, type World } from './support/world.js';

/**
 * The producers of time-based and system inbox items (docs/inbox.md): a referral still overdue escalated to
 * the network coordinators, consents expiring, actions due and overdue, the transition-to-18 checklist.
 * For each, who gets an item, once (also with two runs racing), and who must not: another agency, another
 * network, a volunteer for a HEALTH matter, a member under 12, a member who does not decide it, a user whose
 * membership was removed. (Failed webhook deliveries: test/webhooks.e2e-spec.ts; the subscription:
 * test/inbox.e2e-spec.ts.)
 */

type Item = InboxEntryFragment;

/** The date `days` from today by the families' calendar, `years` back, as YYYY-MM-DD. */
function dateFromToday(days: number, years = 0): string {
  const d = new Date(`${calendarDate(DEFAULT_LEGAL_TIME_ZONE)}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** That date as the inbox writes it to a reader of `locale`: "17 december 2026", "17 décembre 2026", "17 December 2026". */
function dayIn(locale: string, days: number): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${dateFromToday(days)}T12:00:00Z`));
}

/** That date as the inbox writes it to a Dutch reader (the default language). */
const dayInDutch = (days: number) => dayIn('nl-BE', days);

type Language = 'NL_BE' | 'FR_BE' | 'EN';

/**
 * The texts of the newer kinds, written out in each language, for the occasions the language test makes: a
 * consent ending in 10 days, an action due tomorrow, one 2 days overdue, a young adult turning 18 in 30 days,
 * a referral 3 working days past its deadline (still SENT).
 */
function textsIn(language: Language): Record<string, string> {
  const day = (days: number) => dayIn({ NL_BE: 'nl-BE', FR_BE: 'fr-BE', EN: 'en-BE' }[language], days);
  switch (language) {
    case 'NL_BE':
      return {
        CONSENT_EXPIRING: `Een toestemming van het gezin loopt af op ${day(10)}.`,
        ACTION_DUE: `Een actie in het plan moet klaar zijn op ${day(1)}.`,
        ACTION_OVERDUE: `Een actie in het plan moest klaar zijn op ${day(-2)} en is nog niet gedaan.`,
        TRANSITION_CHECKLIST_PROPOSED: `Het plan heeft een nieuwe checklist voor iemand die 18 wordt (op ${day(30)}).`,
        PORTAL_INVITATION_EXPIRED: 'Een uitnodiging voor het gezinsportaal die u voor een gezinslid maakte, is verlopen voordat ze gebruikt werd.',
        REFERRAL_ESCALATED: 'Een doorverwijzing naar deze organisatie staat nog altijd te lang op "verstuurd": 3 werkdagen na de termijn.',
        WEBHOOK_DELIVERY_FAILED: 'Een bericht naar het dossiersysteem van deze koppeling kwam niet aan, ook niet na de laatste poging.',
        FAMILY_MERGED: 'Uw gezin was twee keer ingeschreven. De twee inschrijvingen zijn samengevoegd tot één gezin en één plan.',
      };
    case 'FR_BE':
      return {
        CONSENT_EXPIRING: `Un consentement de la famille prend fin le ${day(10)}.`,
        ACTION_DUE: `Une action du plan doit être faite pour le ${day(1)}.`,
        ACTION_OVERDUE: `Une action du plan devait être faite pour le ${day(-2)} et n’est pas encore faite.`,
        TRANSITION_CHECKLIST_PROPOSED: `Une liste de choses à régler pour les 18 ans (le ${day(30)}) a été ajoutée au plan.`,
        PORTAL_INVITATION_EXPIRED: 'Une invitation au portail des familles que vous avez faite pour un membre de la famille a expiré avant d’être utilisée.',
        REFERRAL_ESCALATED: 'Une orientation vers cette organisation est toujours en retard à l’étape « envoyée », 3 jours ouvrables après le délai.',
        WEBHOOK_DELIVERY_FAILED: 'Un message vers le système de dossiers de cette connexion n’est pas arrivé, même après le dernier essai.',
        FAMILY_MERGED: 'Votre famille était inscrite deux fois. Les deux inscriptions ont été réunies en une seule famille et un seul plan.',
      };
    case 'EN':
      return {
        CONSENT_EXPIRING: `A consent of the family ends on ${day(10)}.`,
        ACTION_DUE: `An action in the plan is due on ${day(1)}.`,
        ACTION_OVERDUE: `An action in the plan was due on ${day(-2)} and is not done yet.`,
        TRANSITION_CHECKLIST_PROPOSED: `A checklist for turning 18 (on ${day(30)}) was added to the plan.`,
        PORTAL_INVITATION_EXPIRED: 'A portal invitation you made for a member of the family expired before it was used.',
        REFERRAL_ESCALATED: 'A referral to this organisation is still past its deadline at "sent", 3 working days on.',
        WEBHOOK_DELIVERY_FAILED: 'A message to the case system of this link did not arrive, even after the last try.',
        FAMILY_MERGED: 'Your family was registered twice: both records were brought together into one family and one plan.',
      };
  }
}

/** The compiled jobs command, as an operator (or a replica's hourly job) runs it, against the test database. */
const runJob = (name: string, env: Record<string, string> = {}) =>
  new Promise<{ failed: boolean; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['dist/src/cli/jobs.js', '--run', name], { cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ failed: error !== null, stdout, stderr }),
    );
  });

/**
 * Two runs at once, as two replicas' hourly jobs would, then one more: all succeed. In the test's app, each run
 * in transactions of its own on connections of its own, so the two race in the database as two processes do (the
 * command's own race, as processes: test/inbox-delivery.e2e-spec.ts); starting the command three times would
 * cost three node processes of the service's imports.
 */
async function racingRuns(run: () => Promise<unknown>): Promise<void> {
  await Promise.all([run(), run()]);
  await run();
}

describe('inbox producers: escalation, reminders, the transition to 18', () => {
  let api: TestApi;
  let db: DataSource;
  let scene: ReferralScene;
  let world: World;
  let agency: Agency;
  let otherNetworkCoordinator: Person;

  beforeAll(async () => {
    api = await TestApi.start();
    db = api.db;
    scene = await ReferralScene.create(api);
    world = scene.world;
    agency = scene.referrer;
    otherNetworkCoordinator = (await world.network()).coordinator;
  }, 120_000);

  afterAll(() => api.stop());

  /** The jobs as `npm run jobs` runs them (src/cli/jobs.ts), run by the test's app. */
  const jobs = {
    async overdue() {
      const overdue = api.app.get(ReferralOverdue);
      await overdue.tellOverdue();
      await overdue.escalate();
      await overdue.remindLoggedSteps();
    },
    async reminders() {
      await api.app.get(ConsentExpiry).tellExpiring();
      await api.app.get(ActionReminders).tellDue();
      await api.app.get(PortalInvitationExpiry).tellExpired();
    },
  };

  /** The items of `kind` in `who`'s inbox (a person or a portal login's subject), newest first. */
  async function itemsOf(who: Person | string, kind: string): Promise<Item[]> {
    const { inbox } = await api.ok(typeof who === 'string' ? who : who.subject, InboxDocument, { first: 100 });
    return inbox.edges.map((e) => e.node).filter((i) => i.kind === kind);
  }
  const aboutRecord = async (who: Person | string, kind: string, id: string) => (await itemsOf(who, kind)).filter((i) => i.about.id === id);

  /** A change only the clock would make, with a named actor for the audit triggers. */
  const asClock = (sql: string, params: unknown[]) =>
    db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'test:clock', true)`);
      await em.query(sql, params);
    });

  /**
   * A family of `agency` on an active plan of `supporter`: Sara and Tom (adults), Lien (16) and Mo (5);
   * `colleague` and `volunteer` assigned; Sara and Lien log in to the portal.
   */
  async function family() {
    const supporter = await world.staff(agency);
    const colleague = await world.staff(agency);
    const volunteer = await world.staff(agency, 'VOLUNTEER');
    const { familyId, planId, memberIds } = await world.familyWithPlan(supporter, {
      supporter,
      members: [parent('Sara', 'Maes', '1985-03-01'), child('Lien', 'Maes', dateFromToday(-10, 16)), child('Mo', 'Maes', dateFromToday(-10, 5)), parent('Tom', 'Maes', '1983-06-01')],
      assign: { admin: agency.admin, userIds: [colleague.userId, volunteer.userId] },
    });
    await api.ok(supporter.subject, ActivatePlanDocument, { input: { planId } });
    const [sara, lien, mo, tom] = memberIds as [string, string, string, string];
    const saraLogin = await world.portalLogin(supporter, sara, uniqueSubject('sara'));
    const lienLogin = await world.portalLogin(supporter, lien, uniqueSubject('lien'));
    return { supporter, colleague, volunteer, familyId, planId, sara, lien, mo, tom, saraLogin, lienLogin };
  }

  /** A PLAN consent Sara gives the family's agency, in force for `daysAhead` days. */
  async function consentUntil(f: Awaited<ReturnType<typeof family>>, daysAhead: number): Promise<string> {
    const { recordConsent } = await api.ok(f.supporter.subject, RecordConsentUntilDocument, {
      input: {
        grantorMemberId: f.sara,
        subjectMemberIds: [f.sara],
        recipientAgencyId: agency.id,
        categories: ['PLAN'],
        purposeCode: 'PLAN_COORDINATION',
        purpose: 'Samen werken aan het gezinsplan',
        method: 'WRITTEN',
        evidenceReference: `form-${daysAhead}`,
        validUntil: new Date(Date.now() + daysAhead * 86_400_000).toISOString(),
      },
    });
    return recordConsent.id;
  }

  /** A referral sent to the receiving agency, its deadline `interval` ago; its id. */
  async function sentDueAgo(interval: string): Promise<string> {
    const draft = await scene.draft();
    await scene.step('sendReferral', draft.id, draft.version);
    await asClock(`UPDATE referral SET due_at = now() - $2::interval WHERE id = $1`, [draft.id, interval]);
    return draft.id;
  }

  describe('a referral still overdue is escalated to the network coordinators (npm run jobs -- --run overdue)', () => {
    it('three working days past its deadline: one item for the coordinator, about the receiving agency, also when two runs race', async () => {
      const late = await sentDueAgo('10 days');
      const recent = await sentDueAgo('1 day');
      // Configured to wait 20 working days, nothing is escalated yet.
      expect((await runJob('overdue', { ESCALATION_WORKING_DAYS: '20' })).failed).toBe(false);
      expect(await itemsOf(scene.network.coordinator, 'REFERRAL_ESCALATED')).toEqual([]);
      await racingRuns(jobs.overdue);

      const escalated = await itemsOf(scene.network.coordinator, 'REFERRAL_ESCALATED');
      expect(escalated.filter((i) => i.about.id === scene.receiver.id)).toEqual([
        {
          id: expect.any(String),
          kind: 'REFERRAL_ESCALATED',
          occurredAt: expect.any(String),
          text: 'Een doorverwijzing naar deze organisatie staat nog altijd te lang op "verstuurd": 3 werkdagen na de termijn.',
          read: false,
          readAt: null,
          about: { type: 'Agency', id: scene.receiver.id },
          family: null, // a coordinator reads no family's data
        },
      ]);
      // Both referrals are overdue for the receiver and the referrer; only the late one went to the coordinator.
      for (const id of [late, recent]) expect(await aboutRecord(scene.intake, 'REFERRAL_OVERDUE', id)).toHaveLength(1);
      const escalations: { subject_id: string }[] = await db.query(
        `SELECT DISTINCT ii.subject_id FROM inbox_item ii WHERE ii.kind = 'REFERRAL_ESCALATED' AND ii.event_id IN (
           SELECT md5('REFERRAL_ESCALATED/' || r.id || '/' || r.version)::uuid FROM referral r WHERE r.id = ANY($1))`,
        [[late, recent]],
      );
      expect(escalations).toEqual([{ subject_id: scene.receiver.id }]);
    }, 90_000);

    it('not the receiving agency, the referrer, or another network\'s coordinator', async () => {
      await sentDueAgo('10 days');
      await jobs.overdue();
      for (const reader of [scene.intake, scene.receiver.admin, scene.worker, agency.admin, otherNetworkCoordinator]) {
        expect(await itemsOf(reader, 'REFERRAL_ESCALATED')).toEqual([]);
      }
    }, 60_000);
  });

  describe('consents expiring within 14 days tell the supporter (npm run jobs -- --run reminders)', () => {

    it('once per consent and end date, also when two runs race; one ending later is not told yet', async () => {
      const f = await family();
      const soon = await consentUntil(f, 10);
      const later = await consentUntil(f, 20);
      await racingRuns(jobs.reminders);
      const items = await aboutRecord(f.supporter, 'CONSENT_EXPIRING', soon);
      expect(items).toEqual([expect.objectContaining({ text: `Een toestemming van het gezin loopt af op ${dayInDutch(10)}.`, family: { id: f.familyId } })]);
      expect(await aboutRecord(f.supporter, 'CONSENT_EXPIRING', later)).toEqual([]);
    }, 90_000);

    it('not a colleague or volunteer on the team, the family in the portal, another agency or network', async () => {
      const f = await family();
      const soon = await consentUntil(f, 5);
      await jobs.reminders();
      expect(await aboutRecord(f.supporter, 'CONSENT_EXPIRING', soon)).toHaveLength(1);
      for (const reader of [f.colleague, f.volunteer, f.saraLogin, f.lienLogin, scene.intake, otherNetworkCoordinator]) {
        expect(await aboutRecord(reader, 'CONSENT_EXPIRING', soon)).toEqual([]);
      }
    }, 60_000);
  });

  describe('actions due and overdue tell their owner and the supporter', () => {
    it('due by tomorrow and overdue, once per action and due date, also when two runs race; not who may not read it', async () => {
      const f = await family();
      const plan = await api.ok(f.supporter.subject, AddGoalDocument, { input: { planId: f.planId, lifeDomain: 'EDUCATION', description: 'Lien gaat elke dag naar school.', owner: 'FAMILY' } });
      const health = await api.ok(f.supporter.subject, AddGoalDocument, { input: { planId: f.planId, lifeDomain: 'HEALTH', description: 'Mo gaat naar de kinderarts.', owner: 'FAMILY' } });
      const action = async (goalId: string, assignee: { assigneeUserId: string } | { assigneeMemberId: string }, dueDate: string) =>
        (await api.ok(f.supporter.subject, AddActionAssignedDocument, { input: { goalId, title: 'Afspraak maken', dueDate, ...assignee } })).addAction.id;
      const byColleague = await action(plan.addGoal.id, { assigneeUserId: f.colleague.userId }, dateFromToday(1));
      const byLien = await action(plan.addGoal.id, { assigneeMemberId: f.lien }, dateFromToday(3));
      const byVolunteer = await action(health.addGoal.id, { assigneeUserId: f.volunteer.userId }, dateFromToday(0));
      const forMo = await action(health.addGoal.id, { assigneeMemberId: f.mo }, dateFromToday(1));
      const notYet = await action(plan.addGoal.id, { assigneeUserId: f.colleague.userId }, dateFromToday(5));
      await asClock(`UPDATE action SET due_date = $2 WHERE id = $1`, [byLien, dateFromToday(-2)]);

      const reminders = api.app.get(ActionReminders);
      await Promise.all([reminders.tellDue(), reminders.tellDue()]);
      await reminders.tellDue();

      const texts = async (who: Person | string, kind: string, id: string) => (await aboutRecord(who, kind, id)).map((i) => i.text);
      const dueTomorrow = `Een actie in het plan moet klaar zijn op ${dayInDutch(1)}.`;
      expect(await texts(f.colleague, 'ACTION_DUE', byColleague)).toEqual([dueTomorrow]);
      expect(await texts(f.supporter, 'ACTION_DUE', byColleague)).toEqual([dueTomorrow]);
      const overdue = `Een actie in het plan moest klaar zijn op ${dayInDutch(-2)} en is nog niet gedaan.`;
      expect(await texts(f.lienLogin, 'ACTION_OVERDUE', byLien)).toEqual([overdue]);
      expect(await texts(f.supporter, 'ACTION_OVERDUE', byLien)).toEqual([overdue]);
      // The supporter reads the HEALTH goal's actions; the volunteer it is assigned to does not, so sees no item.
      expect(await texts(f.supporter, 'ACTION_DUE', byVolunteer)).toEqual([`Een actie in het plan moet klaar zijn op ${dayInDutch(0)}.`]);
      expect(await itemsOf(f.volunteer, 'ACTION_DUE')).toEqual([]);
      // Mo (5) has no portal login of his own, and his parent is not the one it is assigned to.
      expect(await texts(f.supporter, 'ACTION_DUE', forMo)).toHaveLength(1);
      const [moRows]: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM inbox_item WHERE subject_id = $1 AND recipient_member_id IS NOT NULL`, [forMo]);
      expect(moRows!.n).toBe(0);
      for (const reader of [f.saraLogin, f.lienLogin, f.colleague]) expect(await aboutRecord(reader, 'ACTION_DUE', forMo)).toEqual([]);
      for (const reader of [f.saraLogin, f.colleague, f.volunteer, scene.intake, otherNetworkCoordinator]) {
        expect(await aboutRecord(reader, 'ACTION_OVERDUE', byLien)).toEqual([]);
      }
      for (const kind of ['ACTION_DUE', 'ACTION_OVERDUE']) expect(await aboutRecord(f.supporter, kind, notYet)).toEqual([]);

      // Moved to a new due date, it is told again; done, it is not.
      await asClock(`UPDATE action SET due_date = $2 WHERE id = $1`, [byColleague, dateFromToday(0)]);
      await asClock(`UPDATE action SET status = 'DONE', completed_at = now() WHERE id = $1`, [byVolunteer]);
      await asClock(`UPDATE action SET due_date = $2 WHERE id = $1`, [byVolunteer, dateFromToday(-1)]);
      await reminders.tellDue();
      expect(await texts(f.colleague, 'ACTION_DUE', byColleague)).toEqual([`Een actie in het plan moet klaar zijn op ${dayInDutch(0)}.`, dueTomorrow]);
      expect(await aboutRecord(f.supporter, 'ACTION_OVERDUE', byVolunteer)).toEqual([]);
    }, 90_000);
    it('an owner whose membership was removed gets no item at all', async () => {
      const f = await family();
      const { addGoal } = await api.ok(f.supporter.subject, AddGoalDocument, { input: { planId: f.planId, lifeDomain: 'EDUCATION', description: 'Lien gaat elke dag naar school.', owner: 'FAMILY' } });
      const { addAction } = await api.ok(f.supporter.subject, AddActionAssignedDocument, { input: { goalId: addGoal.id, title: 'Bellen met school', dueDate: dateFromToday(1), assigneeUserId: f.colleague.userId } });
      const { memberships } = await api.ok(agency.admin.subject, AgencyMembershipUsersDocument, { a: agency.id });
      await api.ok(agency.admin.subject, RemoveMembershipIdDocument, { id: memberships.edges.find((e) => e.node.user?.id === f.colleague.userId)!.node.id });
      await api.app.get(ActionReminders).tellDue();
      const recipients: { recipient_user_id: string }[] = await db.query(`SELECT recipient_user_id FROM inbox_item WHERE subject_id = $1`, [addAction.id]);
      expect(recipients).toEqual([{ recipient_user_id: f.supporter.userId }]);
    }, 60_000);
  });

  describe('a portal invitation that expired unredeemed tells the caseworker who made it', () => {
    it('once, also when two runs race; not a redeemed or replaced one, not the supporter, the family or another agency', async () => {
      const f = await family();
      // The colleague handed Tom a code twice (the second replaced the first); he never used it.
      const invite = async (by: Person, memberId: string) =>
        (await api.ok(by.subject, CreatePortalInvitationDetailsDocument, { m: memberId })).createPortalInvitation.invitationId;
      await invite(f.colleague, f.tom);
      const unused = await invite(f.colleague, f.tom);
      await asClock(`UPDATE portal_invitation SET expires_at = now() - interval '1 hour' WHERE member_id = ANY($1)`, [[f.tom, f.sara]]);
      await racingRuns(jobs.reminders);

      const expired = await itemsOf(f.colleague, 'PORTAL_INVITATION_EXPIRED');
      expect(expired.filter((i) => i.about.id === f.familyId)).toEqual([
        expect.objectContaining({
          text: 'Een uitnodiging voor het gezinsportaal die u voor een gezinslid maakte, is verlopen voordat ze gebruikt werd.',
          about: { type: 'Family', id: f.familyId },
          family: { id: f.familyId },
        }),
      ]);
      const told: { subject_id: string }[] = await db.query(
        `SELECT pi.id AS subject_id FROM portal_invitation pi JOIN inbox_item ii ON ii.event_id = md5('PORTAL_INVITATION_EXPIRED/' || pi.id || '/expired')::uuid
          WHERE pi.family_id = $1`,
        [f.familyId],
      );
      expect(told).toEqual([{ subject_id: unused }]);
      for (const reader of [f.supporter, f.volunteer, f.saraLogin, f.lienLogin, scene.intake]) {
        expect(await aboutRecord(reader, 'PORTAL_INVITATION_EXPIRED', f.familyId)).toEqual([]);
      }
    }, 90_000);
  });

  describe('a transition-to-18 checklist proposed', () => {
    it('tells the supporter and the young adult, in the transaction that proposes it; not the parent, a colleague, another network', async () => {
      const f = await family();
      // Lien turns 18 in 30 days: the hourly job proposes her checklist.
      await asClock(`UPDATE family_member SET birth_date = $2 WHERE id = $1`, [f.lien, dateFromToday(30, 18)]);
      await api.app.get(TransitionsService).proposeDueChecklists();
      const [goal]: { id: string }[] = await db.query(`SELECT id FROM goal WHERE transition_member_id = $1`, [f.lien]);
      const text = `Het plan heeft een nieuwe checklist voor iemand die 18 wordt (op ${dayInDutch(30)}).`;
      for (const reader of [f.supporter, f.lienLogin]) {
        expect(await aboutRecord(reader, 'TRANSITION_CHECKLIST_PROPOSED', goal!.id)).toEqual([
          expect.objectContaining({ text, about: { type: 'Goal', id: goal!.id }, family: { id: f.familyId } }),
        ]);
      }
      for (const reader of [f.saraLogin, f.colleague, f.volunteer, scene.intake, otherNetworkCoordinator]) {
        expect(await itemsOf(reader, 'TRANSITION_CHECKLIST_PROPOSED')).toEqual([]);
      }
    }, 60_000);

    it('proposed by the supporter herself: only the young adult is told', async () => {
      const f = await family();
      await asClock(`UPDATE family_member SET birth_date = $2 WHERE id = $1`, [f.lien, dateFromToday(200, 18)]);
      const { proposeTransitionChecklist: goal } = await api.ok(f.supporter.subject, ProposeTransitionChecklistDocument, { input: { planId: f.planId, memberId: f.lien } });
      expect((await aboutRecord(f.lienLogin, 'TRANSITION_CHECKLIST_PROPOSED', goal.id)).map((i) => i.text)).toEqual([
        `Het plan heeft een nieuwe checklist voor iemand die 18 wordt (op ${dayInDutch(200)}).`,
      ]);
      for (const reader of [f.supporter, f.saraLogin, f.colleague]) expect(await aboutRecord(reader, 'TRANSITION_CHECKLIST_PROPOSED', goal.id)).toEqual([]);
    }, 60_000);
  });
  describe('the newer kinds, read in the reader’s language (nl-BE, fr-BE, en)', () => {
    it('renders each kind for each of its readers in Dutch, French and English, as each chose (a professional, a portal member)', async () => {
      const f = await family();
      // The producers, as in the tests above: a consent ending in 10 days, the colleague's action due tomorrow,
      // Lien's 2 days overdue, Tom's portal invitation (by the supporter) expired unused, Lien turning 18 in 30 days.
      await consentUntil(f, 10);
      const { addGoal } = await api.ok(f.supporter.subject, AddGoalDocument, { input: { planId: f.planId, lifeDomain: 'EDUCATION', description: 'Lien gaat elke dag naar school.', owner: 'FAMILY' } });
      const action = async (assignee: { assigneeUserId: string } | { assigneeMemberId: string }) =>
        (await api.ok(f.supporter.subject, AddActionAssignedDocument, { input: { goalId: addGoal.id, title: 'Afspraak maken', dueDate: dateFromToday(1), ...assignee } })).addAction.id;
      await action({ assigneeUserId: f.colleague.userId });
      await asClock(`UPDATE action SET due_date = $2 WHERE id = $1`, [await action({ assigneeMemberId: f.lien }), dateFromToday(-2)]);
      await api.ok(f.supporter.subject, CreatePortalInvitationDetailsDocument, { m: f.tom });
      await asClock(`UPDATE portal_invitation SET expires_at = now() - interval '1 hour' WHERE member_id = $1`, [f.tom]);
      await asClock(`UPDATE family_member SET birth_date = $2 WHERE id = $1`, [f.lien, dateFromToday(30, 18)]);
      await api.app.get(TransitionsService).proposeDueChecklists();
      expect((await runJob('reminders')).failed).toBe(false);
      // A referral 10 days past its deadline, escalated to the network's coordinator.
      await sentDueAgo('10 days');
      expect((await runJob('overdue')).failed).toBe(false);
      // A failed webhook delivery and a merge of the family, delivered as their producers deliver them (the webhook
      // worker and the merge: test/webhooks.e2e-spec.ts, test/family-merge.e2e-spec.ts).
      const { registerIntegrationClient } = await api.ok(agency.admin.subject, RegisterIntegrationClientIdDocument, {
        input: { agencyId: agency.id, name: `Dossiersysteem ${uniqueSubject('client')}`, scopes: ['REFERRALS_READ'] },
      });
      const deliver = (kind: string, about: InboxEvent['about'], audience: InboxAudience[]) =>
        db.transaction(async (em) => {
          await em.query(`SELECT set_config('app.actor_subject', 'test:producer', true)`);
          const event: InboxEvent = { id: randomUUID(), kind: kind as InboxItemKind, familyId: f.familyId, about, params: {}, occurredAt: new Date() };
          await api.app.get(InboxService).deliver(em, event, audience);
        });
      await deliver('WEBHOOK_DELIVERY_FAILED', { type: 'IntegrationClient', id: registerIntegrationClient.client.id }, [{ staffOf: agency.id, roles: ['AGENCY_ADMIN' as MembershipRole] }]);
      await deliver('FAMILY_MERGED', { type: 'Plan', id: f.planId }, [{ portalOf: f.familyId }]);

      const readers: { who: Person | string; kinds: string[] }[] = [
        { who: f.supporter, kinds: ['CONSENT_EXPIRING', 'ACTION_DUE', 'ACTION_OVERDUE', 'TRANSITION_CHECKLIST_PROPOSED', 'PORTAL_INVITATION_EXPIRED'] },
        { who: f.colleague, kinds: ['ACTION_DUE'] },
        { who: f.lienLogin, kinds: ['ACTION_OVERDUE', 'TRANSITION_CHECKLIST_PROPOSED', 'FAMILY_MERGED'] },
        { who: f.saraLogin, kinds: ['FAMILY_MERGED'] },
        { who: scene.network.coordinator, kinds: ['REFERRAL_ESCALATED'] },
        { who: agency.admin, kinds: ['WEBHOOK_DELIVERY_FAILED'] },
      ];
      for (const language of ['FR_BE', 'EN', 'NL_BE'] as const) {
        const expected = textsIn(language);
        for (const { who, kinds } of readers) {
          const login = typeof who === 'string' ? who : who.subject;
          expect((await api.ok(login, SetMyLanguageDocument, { language })).setMyLanguage.language).toBe(language);
          const { inbox } = await api.ok(login, InboxDocument, { first: 100 });
          for (const kind of kinds) {
            const texts = [...new Set(inbox.edges.filter((e) => e.node.kind === kind && (e.node.family?.id ?? f.familyId) === f.familyId).map((e) => e.node.text))];
            expect({ login, kind, texts }).toEqual({ login, kind, texts: [expected[kind]] });
          }
        }
      }
    }, 180_000);
  });
});
