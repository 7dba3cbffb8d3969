import pg from 'pg';
import { calendarDate, DEFAULT_LEGAL_TIME_ZONE } from '../src/common/calendar.js';
import { TransitionsService } from '../src/transitions/transitions.service.js';
import {
  AccessLogDescriptionsDocument,
  ActivatePlanDocument,
  ConfirmConsentDocument,
  type ConfirmConsentInput,
  ConsentsAwaitingConfirmationDocument,
  ConsentsToConfirmDocument,
  FamilyMemberNamesDocument,
  MyConsentsToConfirmDocument,
  PlanProbeDocument,
  ProposeTransitionChecklistDocument,
  RecordConsentDocument,
  RegisterFamilyDocument,
  RevokeConsentDocument,
  UpcomingChecklistsDocument,
  UpcomingTransitionsPageDocument,
} from './graphql/generated.js';
import { codeOf, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, child, type Network, parent, type Person, World } from './support/world.js';

/** The date `days` from today by the calendar of `timeZone` (the service's by default), `years` back, as YYYY-MM-DD. */
function dateFromToday(days: number, years = 0, timeZone = DEFAULT_LEGAL_TIME_ZONE): string {
  const d = new Date(`${calendarDate(timeZone)}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('the transition to 18', () => {
  let api: TestApi;
  let world: World;
  let db: pg.Client;
  let network: Network;
  let youthCare: Agency;
  let caw: Agency;
  let cawName: string;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = new pg.Client(process.env.DATABASE_URL);
    await db.connect();
    // Birthdays come by moving birth dates; the audit triggers want a named actor for that write too.
    await db.query(`SELECT set_config('app.actor_subject', 'test-clock', false)`);
    network = await world.network();
    youthCare = await world.agency(network, 'CHILD_WELFARE');
    caw = await world.agency(network, 'GENERAL_WELFARE');
    cawName = (await db.query(`SELECT name FROM agency WHERE id = $1`, [caw.id])).rows[0].name;
  });
  afterAll(async () => {
    await db.end();
    await api.stop();
  });

  /** Time passes for one member: their 18th birthday is `days` from today (negative: in the past) in `timeZone`. */
  const turns18In = (memberId: string, days: number, timeZone = DEFAULT_LEGAL_TIME_ZONE) =>
    db.query(`UPDATE family_member SET birth_date = $2 WHERE id = $1`, [memberId, dateFromToday(days, 18, timeZone)]);

  /**
   * Sara (adult), Jonas (10: Sara consented for him), Lien (16: consented herself) and Mo (5), on an
   * active plan of `supporter` (a youth-care caseworker, who registered the family).
   */
  async function scene() {
    const supporter = await world.staff(youthCare);
    const { familyId, planId, memberIds } = await world.familyWithPlan(supporter, {
      supporter,
      members: [
        parent('Sara', 'Wouters', '1982-05-01'),
        child('Jonas', 'Wouters', dateFromToday(0, 10)),
        child('Lien', 'Wouters', dateFromToday(0, 16)),
        child('Mo', 'Wouters', dateFromToday(0, 5)),
      ],
    });
    await api.ok(supporter.subject, ActivatePlanDocument, { input: { planId } });
    const [sara, jonas, lien, mo] = memberIds as [string, string, string, string];
    // A colleague assigned to the family reads under the consents only (the supporter also authored the records).
    const reader = await world.staff(youthCare);
    await world.assign(youthCare.admin, familyId, reader.userId);
    const consents = (await api.ok(supporter.subject, ConsentsAwaitingConfirmationDocument, { id: familyId })).consents as { id: string; subjectMemberIds: string[] }[];
    const consentOf = (member: string) => consents.find((c) => c.subjectMemberIds.includes(member))!.id;
    return { supporter, reader, familyId, planId, sara, jonas, lien, mo, jonasConsent: consentOf(jonas), lienConsent: consentOf(lien), moConsent: consentOf(mo) };
  }
  type Scene = Awaited<ReturnType<typeof scene>>;

  const visibleMembers = async (worker: Person, familyId: string, through = api): Promise<string[]> =>
    (await through.ok(worker.subject, FamilyMemberNamesDocument, { id: familyId })).family.members.map((m: { givenName: string }) => m.givenName);

  /** Jonas, 18 today, logs in to the portal himself. */
  async function jonasLogsIn(s: Scene): Promise<string> {
    const login = uniqueSubject('jonas');
    await world.portalLogin(s.supporter, s.jonas, login);
    return login;
  }

  it("stops a parent's consent opening new access on the 18th birthday, until the young adult confirms it", async () => {
    const s = await scene();
    await turns18In(s.jonas, 1);
    expect(await visibleMembers(s.reader, s.familyId)).toEqual(['Sara', 'Jonas', 'Lien', 'Mo']);

    await turns18In(s.jonas, 0);
    // Only Jonas's data closes: the family's other members and its plan stay open under their consents.
    expect(await visibleMembers(s.reader, s.familyId)).toEqual(['Sara', 'Lien', 'Mo']);
    expect(codeOf(await api.gql(s.supporter.subject, PlanProbeDocument, { id: s.planId }))).toBe('OK');
    const consents = (await api.ok(s.supporter.subject, ConsentsAwaitingConfirmationDocument, { id: s.familyId })).consents;
    expect(consents.find((c) => c.id === s.jonasConsent)!.awaitingConfirmationBy).toEqual([s.jonas]);
    expect(consents.find((c) => c.id === s.lienConsent)!.awaitingConfirmationBy).toEqual([]);

    // The portal shows Jonas what to confirm; he confirms, and the caseworker sees him again, under that consent.
    const login = await jonasLogsIn(s);
    const mine = (await api.ok(login, MyConsentsToConfirmDocument)).myFamily.consentsToConfirm;
    expect(mine).toEqual([{ id: s.jonasConsent, categories: expect.arrayContaining(['IDENTITY', 'HEALTH']), recipientAgency: { id: youthCare.id } }]);
    const { confirmConsent } = await api.ok(login, ConfirmConsentDocument, { input: { consentId: s.jonasConsent, memberId: s.jonas, method: 'FAMILY_PORTAL' } });
    expect(confirmConsent).toEqual({ id: s.jonasConsent, status: 'ACTIVE', awaitingConfirmationBy: [] });
    expect((await api.ok(login, MyConsentsToConfirmDocument)).myFamily.consentsToConfirm).toEqual([]);
    expect(await visibleMembers(s.reader, s.familyId)).toEqual(['Sara', 'Jonas', 'Lien', 'Mo']);
    const { rows } = await db.query(
      // The consents the latest read of the members names for Jonas (the entry names the family's other consents too).
      `SELECT legal_basis, ARRAY(SELECT c FROM unnest(e.consent_ids) c
                                  WHERE EXISTS (SELECT 1 FROM consent_subject cs WHERE cs.consent_id = c AND cs.member_id = $1)) AS consent_ids
         FROM audit_event e WHERE action = 'READ' AND $1 = ANY(entity_ids) AND actor_user_id = $2 ORDER BY seq DESC LIMIT 1`,
      [s.jonas, s.reader.userId],
    );
    expect(rows).toEqual([{ legal_basis: 'CONSENT', consent_ids: [s.jonasConsent] }]);
    const confirmations = await db.query(`SELECT member_id, method FROM consent_confirmation WHERE consent_id = $1`, [s.jonasConsent]);
    expect(confirmations.rows).toEqual([{ member_id: s.jonas, method: 'FAMILY_PORTAL' }]);

    const again = await api.gql(login, ConfirmConsentDocument, { input: { consentId: s.jonasConsent, memberId: s.jonas, method: 'FAMILY_PORTAL' } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'CONFIRMED' });
  });

  it('keeps a young adult closed after the birthday, and follows a corrected birth date', async () => {
    const s = await scene();
    await turns18In(s.jonas, -3);
    expect(await visibleMembers(s.reader, s.familyId)).toEqual(['Sara', 'Lien', 'Mo']);
    // A birth date corrected back (a wrong date was recorded) reopens it: the end of representation follows the member.
    await turns18In(s.jonas, 400);
    expect(await visibleMembers(s.reader, s.familyId)).toEqual(['Sara', 'Jonas', 'Lien', 'Mo']);
  });

  it("counts birthdays by the families' calendar (LEGAL_TIME_ZONE), not by UTC's", async () => {
    // A zone whose date is not UTC's now, and stays its own date for the test: 14 hours ahead of UTC from
    // 10:00 UTC (its midnight), else 12 hours behind (its midnight is at 12:00 UTC).
    const timeZone = new Date().getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Etc/GMT+12';
    expect(calendarDate(timeZone)).not.toBe(new Date().toISOString().slice(0, 10));
    const local = await TestApi.start({ LEGAL_TIME_ZONE: timeZone });
    try {
      const s = await scene();
      // Ahead of UTC, "today" there is tomorrow in UTC; behind, "tomorrow" there is today in UTC: either way,
      // one of the two answers below is the opposite of what UTC's calendar would give.
      await turns18In(s.jonas, 1, timeZone);
      expect(await visibleMembers(s.reader, s.familyId, local)).toEqual(['Sara', 'Jonas', 'Lien', 'Mo']);
      await turns18In(s.jonas, 0, timeZone);
      expect(await visibleMembers(s.reader, s.familyId, local)).toEqual(['Sara', 'Lien', 'Mo']);

      // A child born today there may be registered there; one born tomorrow there may not.
      const register = (birthDate: string) =>
        local.gql(s.supporter.subject, RegisterFamilyDocument, {
          input: { members: [parent('Eva', 'Claes', '1990-01-01'), child('Noor', 'Claes', birthDate)] },
        }, { 'x-acting-agency': youthCare.id });
      expect(codeOf(await register(dateFromToday(0, 0, timeZone)))).toBe('OK');
      const tomorrow = await register(dateFromToday(1, 0, timeZone));
      expect(tomorrow.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'members.1.birthDate' });
    } finally {
      await local.stop();
    }
  });

  it('lets a caseworker record a confirmation on paper, never for a member who cannot decide, nor for a consent given by the member', async () => {
    const s = await scene();
    await turns18In(s.jonas, -1);
    const onPaper: ConfirmConsentInput = { consentId: s.jonasConsent, memberId: s.jonas, method: 'WRITTEN' };
    expect((await api.gql(s.supporter.subject, ConfirmConsentDocument, { input: onPaper })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'evidenceReference',
    });
    const paper = await api.ok(s.supporter.subject, ConfirmConsentDocument, { input: { ...onPaper, evidenceReference: 'form-2026-118' } });
    expect(paper.confirmConsent.awaitingConfirmationBy).toEqual([]);
    // Jonas reads in his access log, in plain words, that it was recorded for him.
    const log = (await api.ok(await jonasLogsIn(s), AccessLogDescriptionsDocument, { f: s.familyId }))
      .accessLog.edges.map((e: { node: { description: string } }) => e.node.description);
    expect(log.some((line: string) => line.includes('noteerde dat een toestemming bevestigd werd, op 18 jaar'))).toBe(true);

    const mo = await api.gql(s.supporter.subject, ConfirmConsentDocument, { input: { consentId: s.moConsent, memberId: s.mo, method: 'WRITTEN', evidenceReference: 'x' } });
    expect(mo.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
    expect(mo.errors?.[0]?.message).toMatch(/Mo cannot decide for themselves yet/);
    const lien = await api.gql(s.supporter.subject, ConfirmConsentDocument, { input: { consentId: s.lienConsent, memberId: s.lien, method: 'WRITTEN', evidenceReference: 'x' } });
    expect(lien.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'consentId' });
    const notAbout = await api.gql(s.supporter.subject, ConfirmConsentDocument, { input: { consentId: s.lienConsent, memberId: s.jonas, method: 'WRITTEN', evidenceReference: 'x' } });
    expect(notAbout.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
    const count = async () => Number((await db.query(`SELECT count(*) FROM consent_confirmation WHERE consent_id = ANY($1)`, [[s.moConsent, s.lienConsent]])).rows[0].count);
    expect(await count()).toBe(0);
  });

  it('confirms only for oneself in the portal, and never a revoked consent or one the caller cannot see', async () => {
    const s = await scene();
    await turns18In(s.jonas, -1);
    const saraLogin = uniqueSubject('sara');
    await world.portalLogin(s.supporter, s.sara, saraLogin);
    // Sara gave the consent, but Jonas decides now: she cannot confirm it for him.
    const bySara = await api.gql(saraLogin, ConfirmConsentDocument, { input: { consentId: s.jonasConsent, memberId: s.jonas, method: 'FAMILY_PORTAL' } });
    expect(bySara.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });

    const stranger = await world.staff(await world.agency(await world.network()));
    const confirm: ConfirmConsentInput = { consentId: s.jonasConsent, memberId: s.jonas, method: 'WRITTEN', evidenceReference: 'x' };
    expect(codeOf(await api.gql(stranger.subject, ConfirmConsentDocument, { input: confirm }))).toBe('NOT_FOUND');
    expect(codeOf(await api.gql(s.supporter.subject, ConfirmConsentDocument, { input: { ...confirm, consentId: '01890000-0000-7000-8000-000000000000' } }))).toBe('NOT_FOUND');
    expect(codeOf(await api.gql(youthCare.admin.subject, ConfirmConsentDocument, { input: confirm }))).toBe('FORBIDDEN');

    const login = await jonasLogsIn(s);
    await api.ok(login, RevokeConsentDocument, { input: { consentId: s.jonasConsent, reason: 'Ik beslis nu zelf' } });
    const revoked = await api.gql(login, ConfirmConsentDocument, { input: { consentId: s.jonasConsent, memberId: s.jonas, method: 'FAMILY_PORTAL' } });
    expect(revoked.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'REVOKED' });
    expect((await api.ok(login, MyConsentsToConfirmDocument)).myFamily.consentsToConfirm).toEqual([]);
  });

  it('signals members turning 18 within the horizon to the supporter, and only to the supporter', async () => {
    const s = await scene();
    await turns18In(s.jonas, 45);
    await turns18In(s.lien, 500);
    const nodes = async (subject: string) => (await api.ok(subject, UpcomingTransitionsPageDocument)).upcomingTransitions.edges.map((e) => e.node);
    const mine = (await nodes(s.supporter.subject)).filter((n) => n.planId === s.planId);
    expect(mine).toEqual([
      {
        turns18On: dateFromToday(45),
        planId: s.planId,
        member: { id: s.jonas, givenName: 'Jonas' },
        plan: { id: s.planId },
        checklistGoal: null,
        consentsToConfirm: [{ id: s.jonasConsent }],
      },
    ]);

    // Another caseworker on the team, not the supporter, has no transitions to follow up.
    const colleague = await world.staff(youthCare);
    await world.assign(youthCare.admin, s.familyId, colleague.userId);
    expect(await nodes(colleague.subject)).toEqual([]);
    const volunteerAgency = await world.agency(network, 'VOLUNTEER_ORGANISATION');
    const volunteer = await world.staff(volunteerAgency, 'VOLUNTEER');
    const jonasLogin = await jonasLogsIn(s);
    for (const subject of [volunteer.subject, youthCare.admin.subject, network.coordinator.subject, jonasLogin]) {
      expect(codeOf(await api.gql(subject, UpcomingTransitionsPageDocument))).toBe('FORBIDDEN');
    }

    // Turned 18 with a consent still to confirm: still on the list; confirmed: off it.
    await turns18In(s.jonas, -10);
    expect((await nodes(s.supporter.subject)).some((n) => n.member.id === s.jonas)).toBe(true);
    await api.ok(jonasLogin, ConfirmConsentDocument, { input: { consentId: s.jonasConsent, memberId: s.jonas, method: 'FAMILY_PORTAL' } });
    expect((await nodes(s.supporter.subject)).some((n) => n.member.id === s.jonas)).toBe(false);
  });

  it('follows TRANSITION_HORIZON_MONTHS', async () => {
    const s = await scene();
    await turns18In(s.jonas, 45);
    const shortSighted = await TestApi.start({ TRANSITION_HORIZON_MONTHS: '1' });
    try {
      const edges = (await shortSighted.ok(s.supporter.subject, UpcomingTransitionsPageDocument)).upcomingTransitions.edges;
      expect(edges.filter((e: { node: { planId: string } }) => e.node.planId === s.planId)).toEqual([]);
    } finally {
      await shortSighted.stop();
    }
    await expect(TestApi.start({ TRANSITION_HORIZON_MONTHS: '0' })).rejects.toThrow(/TRANSITION_HORIZON_MONTHS must be a whole number from 1 to 60/);
  });

  it('reads the transitions in a number of SQL statements that does not grow with the number of transitions', async () => {
    const s = await scene();
    await turns18In(s.jonas, 20);
    const mineOnly = async () => {
      const edges = (await api.ok(s.supporter.subject, UpcomingTransitionsPageDocument)).upcomingTransitions.edges;
      return edges.length;
    };
    let count = 0;
    const one = await api.countStatements(async () => (count = await mineOnly()));
    expect(count).toBe(1);
    await turns18In(s.lien, 30);
    await turns18In(s.mo, 40);
    const three = await api.countStatements(async () => (count = await mineOnly()));
    expect(count).toBe(3);
    expect(three).toBe(one);
  });

  it('proposes a checklist goal: the talk, the handover to adult services, and the consents the young adult decides on', async () => {
    const s = await scene();
    await turns18In(s.jonas, 60);
    const { proposeTransitionChecklist: goal } = await api.ok(s.supporter.subject, ProposeTransitionChecklistDocument, { input: { planId: s.planId, memberId: s.jonas } });
    const due = dateFromToday(60);
    const youthCareName = (await db.query(`SELECT name FROM agency WHERE id = $1`, [youthCare.id])).rows[0].name;
    expect(goal).toMatchObject({ status: 'PROPOSED', lifeDomain: 'SOCIAL_NETWORK', owner: 'FAMILY', transitionMemberId: s.jonas });
    expect(goal.description).toBe(`Jonas turns 18 on ${due}: the help after 18, and what Jonas decides from then on`);
    expect(goal.actions).toEqual([
      expect.objectContaining({ title: expect.stringMatching(/^Talk with Jonas about the help after 18/), dueDate: due, assigneeUser: { id: s.supporter.userId } }),
      expect.objectContaining({
        title: `Hand over from ${youthCareName} to adult services: GENERAL_WELFARE or PUBLIC_SOCIAL_SERVICE (in this network: ${cawName})`,
        assigneeUser: { id: s.supporter.userId },
      }),
      expect.objectContaining({
        title: `Jonas decides: confirm, or not, the consent a parent gave for ${youthCareName} (CONTACT, HEALTH, IDENTITY, NOTES, PLAN, REFERRAL, SAFETY)`,
        dueDate: due,
        assigneeMember: { id: s.jonas },
        status: 'OPEN',
      }),
    ]);
    const upcoming = (await api.ok(s.supporter.subject, UpcomingTransitionsPageDocument)).upcomingTransitions.edges;
    expect(upcoming.find((e) => e.node.member.id === s.jonas)!.node.checklistGoal).toEqual({ id: goal.id });

    const twice = await api.gql(s.supporter.subject, ProposeTransitionChecklistDocument, { input: { planId: s.planId, memberId: s.jonas } });
    expect(codeOf(twice)).toBe('CONFLICT');
    const tooYoung = await api.gql(s.supporter.subject, ProposeTransitionChecklistDocument, { input: { planId: s.planId, memberId: s.mo } });
    expect(tooYoung.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
    const goals = await db.query(`SELECT count(*)::int AS n FROM goal WHERE plan_id = $1`, [s.planId]);
    expect(goals.rows[0].n).toBe(1);
  });

  it('lets only the plan’s supporter propose the checklist', async () => {
    const s = await scene();
    await turns18In(s.jonas, 60);
    const colleague = await world.staff(youthCare);
    await world.assign(youthCare.admin, s.familyId, colleague.userId);
    const stranger = await world.staff(await world.agency(await world.network()));
    const saraLogin = uniqueSubject('sara');
    await world.portalLogin(s.supporter, s.sara, saraLogin);
    const input = { planId: s.planId, memberId: s.jonas };
    expect(codeOf(await api.gql(colleague.subject, ProposeTransitionChecklistDocument, { input }))).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(stranger.subject, ProposeTransitionChecklistDocument, { input }))).toBe('NOT_FOUND');
    for (const subject of [saraLogin, youthCare.admin.subject, network.coordinator.subject]) {
      expect(codeOf(await api.gql(subject, ProposeTransitionChecklistDocument, { input }))).toBe('FORBIDDEN');
    }
    const goals = await db.query(`SELECT count(*)::int AS n FROM goal WHERE plan_id = $1`, [s.planId]);
    expect(goals.rows[0].n).toBe(0);
    // A member of another family: unknown to a supporter who does not work with it, not on this plan for one who does.
    const other = await scene();
    await turns18In(other.jonas, 60);
    expect(codeOf(await api.gql(s.supporter.subject, ProposeTransitionChecklistDocument, { input: { planId: s.planId, memberId: other.jonas } }))).toBe('NOT_FOUND');
    const ownOther = await world.family(s.supporter, [child('Noor', 'Wouters', dateFromToday(30, 18))]);
    const foreignMember = await api.gql(s.supporter.subject, ProposeTransitionChecklistDocument, { input: { planId: s.planId, memberId: ownOther.memberIds[0] } });
    expect(foreignMember.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
  });

  it('answers the caseworker which consents a member is to confirm, and nobody outside the team', async () => {
    const s = await scene();
    await turns18In(s.jonas, 100);
    const extra = await api.ok(s.supporter.subject, RecordConsentDocument, {
      input: {
        grantorMemberId: s.sara,
        subjectMemberIds: [s.mo],
        recipientAgencyId: caw.id,
        categories: ['CONTACT'],
        purposeCode: 'PLAN_COORDINATION',
        purpose: 'Contact met het CAW',
        validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
        method: 'WRITTEN',
        evidenceReference: 'form-caw',
      },
    });
    const consentReads = async () =>
      Number((await db.query(`SELECT count(*) FROM audit_event WHERE action = 'READ' AND entity_type = 'Consent' AND actor_user_id = $1`, [s.supporter.userId])).rows[0].count);
    const readsBefore = await consentReads();
    expect((await api.ok(s.supporter.subject, ConsentsToConfirmDocument, { m: s.jonas })).consentsToConfirm).toEqual([{ id: s.jonasConsent, recipientAgency: { id: youthCare.id } }]);
    // Exactly the consent answered is recorded as read: the query selects no other rows.
    expect((await consentReads()) - readsBefore).toBe(1);
    // Mo's consents end only in 13 years: nothing to confirm within the horizon.
    expect(extra.recordConsent.id).toBeDefined();
    expect((await api.ok(s.supporter.subject, ConsentsToConfirmDocument, { m: s.mo })).consentsToConfirm).toEqual([]);
    const stranger = await world.staff(await world.agency(await world.network()));
    expect(codeOf(await api.gql(stranger.subject, ConsentsToConfirmDocument, { m: s.jonas }))).toBe('NOT_FOUND');
  });

  it('proposes the checklists that became due by itself, once, as the service, for active plans only', async () => {
    const s = await scene();
    await turns18In(s.jonas, 60);
    await turns18In(s.lien, 500);
    // A draft plan's member turning 18 soon: nothing is proposed before the plan is active.
    const draft = await world.familyWithPlan(s.supporter, { supporter: s.supporter, members: [parent('Els', 'Janssens'), child('Wout', 'Janssens', dateFromToday(0, 10))] });
    await turns18In(draft.memberIds[1]!, 30);
    const checklists = async (planId: string) =>
      (await db.query(`SELECT transition_member_id, created_by_user_id FROM goal WHERE plan_id = $1 AND transition_member_id IS NOT NULL`, [planId])).rows;

    const job = api.app.get(TransitionsService);
    expect(await job.proposeDueChecklists()).toBeGreaterThanOrEqual(1);
    expect(await checklists(s.planId)).toEqual([{ transition_member_id: s.jonas, created_by_user_id: null }]);
    expect(await checklists(draft.planId)).toEqual([]);
    const goal = (await api.ok(s.supporter.subject, UpcomingChecklistsDocument)).upcomingTransitions.edges.find((e) => e.node.member.id === s.jonas)!.node
      .checklistGoal!;
    expect(goal.status).toBe('PROPOSED');
    expect(goal.actions.map((a) => [a.assigneeUser, a.assigneeMember])).toEqual([
      [{ id: s.supporter.userId }, null],
      [{ id: s.supporter.userId }, null],
      [null, { id: s.jonas }],
    ]);
    // Written as the service itself, audited so.
    const { rows: actors } = await db.query(
      `SELECT DISTINCT actor_subject, legal_basis FROM audit_event WHERE entity_type = 'goal' AND entity_id = $1 AND action = 'INSERT'`,
      [goal.id],
    );
    expect(actors).toEqual([{ actor_subject: 'system:transitions', legal_basis: 'ADMINISTRATION' }]);

    await job.proposeDueChecklists();
    expect(await checklists(s.planId)).toHaveLength(1);
    expect(codeOf(await api.gql(s.supporter.subject, ProposeTransitionChecklistDocument, { input: { planId: s.planId, memberId: s.jonas } }))).toBe('CONFLICT');
  });
});
