import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource, EntityManager } from 'typeorm';
import {
  AcceptReferralDocument,
  ActivatePlanStatusDocument,
  BridgeNetworkInsightDocument,
  DeclineReferralDocument,
  AddGoalVersionDocument,
  CreateDirectoryServiceDocument,
  CreateLoggedReferralDocument,
  CreateReferralDocument,
  type LifeDomain,
  NetworkInsightDocument,
  LoggedReferralNetworkInsightDocument,
  OverdueIncomingReferralsDocument,
  ReceiveReferralDocument,
  RecordExternalAppointmentDocument,
  RecordExternalConsentDocument,
  RecordFirstVisitHeldDocument,
  RecordHandoverHeldDocument,
  RecordReferralPassedOnDocument,
  RegisterIntegrationClientDocument,
  RevokeConsentDocument,
  ScheduleHandoverDocument,
  SendReferralDocument,
  UpdateGoalDocument,
  WaitlistHandoverReferralDocument,
} from './graphql/generated.js';
import { type AnyDocument, codeOf, PLATFORM_ADMIN, queryText, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, type FamilyWithPlan, type Network, type Person, parent, World } from './support/world.js';

/**
 * Network insight (issue 8, point 3): a network coordinator's aggregate figures, exact where they are
 * shown, suppressed from 1 to 4 (medians over fewer than 5), table totals left out when a cell is
 * suppressed, within the period asked, never with another network's figures; nobody else may read them.
 */

const shown = (value: number) => ({ value, suppressed: false });
const SUPPRESSED = { value: null, suppressed: true };
const median = (hours: number) => ({ hours, suppressed: false });
const SUPPRESSED_MEDIAN = { hours: null, suppressed: true };
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

describe('network insight', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let network: Network;
  /** The referring agency (its caseworker `worker`), and two receivers with their intake workers. */
  let referrer: Agency;
  let receiverB: Agency;
  let receiverC: Agency;
  let worker: Person;
  let intakeB: Person;
  let intakeC: Person;
  let families: FamilyWithPlan[];
  let other: { network: Network; agency: Agency };

  /** Direct SQL under a named actor (the audit triggers refuse anonymous writes). */
  const fixture = (work: (em: EntityManager) => Promise<unknown>) =>
    db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'test-fixture', true)`);
      await work(em);
    });

  /**
   * Time cannot pass in a test: this rewrites when a referral's steps happened (hours before now per
   * status it went to), and its sent_at with them. Transitions are append-only, so triggers are off for
   * this fixture transaction only (session_replication_role), as an arrange step, never in the service.
   */
  const backdate = (referralId: string, hoursBefore: Record<string, number>) =>
    fixture(async (em) => {
      await em.query(`SET LOCAL session_replication_role = replica`);
      for (const [status, hours] of Object.entries(hoursBefore)) {
        await em.query(`UPDATE referral_transition SET at = now() - make_interval(secs => $3) WHERE referral_id = $1 AND to_status = $2`, [
          referralId,
          status,
          hours * 3600,
        ]);
      }
      await em.query(
        `UPDATE referral r SET sent_at = (SELECT min(t.at) FROM referral_transition t WHERE t.referral_id = r.id AND t.to_status = 'SENT') WHERE r.id = $1`,
        [referralId],
      );
    });

  const makeOverdue = (referralIds: string[]) =>
    fixture((em) => em.query(`UPDATE referral SET due_at = now() - interval '1 hour' WHERE id = ANY($1)`, [referralIds]));

  /**
   * A referral from `worker` for the family's parent, taken through `steps` by the party whose step each is;
   * `create` adds to its creation (a life domain, a bridge figure), `held` to the meeting held.
   */
  async function referral(
    family: FamilyWithPlan,
    to: Agency,
    intake: Person,
    steps: string[],
    options: { create?: Record<string, unknown>; held?: Record<string, unknown> } = {},
  ): Promise<string> {
    const { createReferral } = await api.ok(worker.subject, CreateReferralDocument, {
      input: { planId: family.planId, toAgencyId: to.id, memberIds: [family.memberIds[0]], reason: 'Ondersteuning', urgency: 'ROUTINE', requestedService: 'Begeleiding', ...options.create },
    });
    let version: number = createReferral.version;
    // Every step's input is { referralId, expectedVersion, …extra }, and every step answers the referral's version.
    const by: Record<string, [Person, AnyDocument, Record<string, unknown>]> = {
      sendReferral: [worker, SendReferralDocument, {}],
      receiveReferral: [intake, ReceiveReferralDocument, {}],
      acceptReferral: [intake, AcceptReferralDocument, {}],
      scheduleHandover: [
        worker,
        ScheduleHandoverDocument,
        { startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), location: 'Huis van het Kind', attendees: ['FAMILY', 'REFERRER', 'RECEIVER'] },
      ],
      recordHandoverHeld: [intake, RecordHandoverHeldDocument, options.held ?? {}],
      waitlistReferral: [intake, WaitlistHandoverReferralDocument, {}],
      declineReferral: [intake, DeclineReferralDocument, { reason: 'Geen plaats' }],
    };
    for (const step of steps) {
      const [actor, document, extra] = by[step]!;
      const data = await api.ok(actor.subject, document, {
        input: { referralId: createReferral.id, expectedVersion: version, ...extra },
      });
      version = data[step].version;
    }
    return createReferral.id;
  }

  async function activeFamily(goals: LifeDomain[]): Promise<FamilyWithPlan> {
    const family = await world.familyWithPlan(worker, { members: [parent('Sara', 'Peeters')], supporter: worker });
    await api.ok(worker.subject, ActivatePlanStatusDocument, { input: { planId: family.planId } });
    for (const lifeDomain of goals) await api.ok(worker.subject, AddGoalVersionDocument, { input: { planId: family.planId, lifeDomain, description: 'Een doel', owner: 'FAMILY' } });
    return family;
  }

  const asFamily = (f: FamilyWithPlan) => ({ id: f.familyId, members: f.members, memberIds: f.memberIds });

  async function revokedConsents(family: FamilyWithPlan, agency: Agency, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const [consentId] = await world.consentAll(worker, asFamily(family), agency.id, ['PLAN']);
      await api.ok(worker.subject, RevokeConsentDocument, { input: { consentId, reason: 'Wil dit niet meer', revokedByMemberId: family.memberIds[0] } });
      ids.push(consentId!);
    }
    return ids;
  }

  const insight = (subject: string, variables: Record<string, unknown> = {}) =>
    api.ok(subject, NetworkInsightDocument, { networkId: network.id, ...variables }).then((d) => d.networkInsight);
  /** The figures of the bridge figure and of unmet needs, as the network's coordinator reads them. */
  const bridgeFigures = (variables: Record<string, unknown> = {}) =>
    api.ok(network.coordinator.subject, BridgeNetworkInsightDocument, { networkId: network.id, ...variables }).then((d) => d.networkInsight);

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    network = await world.network();
    referrer = await world.agency(network);
    receiverB = await world.agency(network, 'SCHOOL_GUIDANCE');
    receiverC = await world.agency(network, 'MENTAL_HEALTH');
    worker = await world.staff(referrer);
    intakeB = await world.staff(receiverB);
    intakeC = await world.staff(receiverC);

    // Six active plans: PARENTING in all (6), HOUSING in two (suppressed), EDUCATION only discontinued (absent).
    families = [];
    for (let i = 0; i < 6; i++) families.push(await activeFamily(i < 2 ? ['PARENTING', 'HOUSING'] : ['PARENTING']));
    const { addGoal: education } = await api.ok(worker.subject, AddGoalVersionDocument, { input: { planId: families[0]!.planId, lifeDomain: 'EDUCATION', description: 'Naar school', owner: 'FAMILY' } });
    await api.ok(worker.subject, UpdateGoalDocument, { input: { goalId: education.id, expectedVersion: education.version, status: 'DISCONTINUED' } });
    // A draft plan counts nowhere, nor does its goal.
    const draft = await world.familyWithPlan(worker, { members: [parent('Els', 'Janssens')] });
    await api.ok(worker.subject, AddGoalVersionDocument, { input: { planId: draft.planId, lifeDomain: 'HEALTH', description: 'Gezond eten', owner: 'FAMILY' } });
    for (const family of families) {
      for (const agency of [receiverB, receiverC]) await world.consentAll(worker, asFamily(family), agency.id, ['REFERRAL']);
    }

    // To B: five handed over, 400 hours ago, taking i, 10·i and 24·i hours per stage (medians 3, 30, 72), the
    // worker going along as bridge figure each time (five accompanied first visits)…
    for (let i = 1; i <= 5; i++) {
      const id = await referral(families[i - 1]!, receiverB, intakeB, ['sendReferral', 'receiveReferral', 'acceptReferral', 'scheduleHandover', 'recordHandoverHeld'], {
        create: { bridgeFigureUserId: worker.userId },
        held: { bridgeFigurePresent: true },
      });
      const received = 400 - i;
      const accepted = received - 10 * i;
      const held = accepted - 24 * i;
      await backdate(id, { DRAFT: 401, SENT: 400, RECEIVED: received, ACCEPTED: accepted, HANDOVER_SCHEDULED: accepted - 1, HANDOVER_HELD: held });
    }
    // …and five sent just now and overdue.
    const sentToB: string[] = [];
    for (let i = 0; i < 5; i++) sentToB.push(await referral(families[i]!, receiverB, intakeB, ['sendReferral']));
    // To C: two received, 48 hours ago, in 6 and 7 hours, and overdue; one sent 400 days ago, overdue.
    const receivedByC: string[] = [];
    for (const [i, hours] of [6, 7].entries()) {
      const id = await referral(families[i]!, receiverC, intakeC, ['sendReferral', 'receiveReferral']);
      await backdate(id, { DRAFT: 49, SENT: 48, RECEIVED: 48 - hours });
      receivedByC.push(id);
    }
    const old = await referral(families[5]!, receiverC, intakeC, ['sendReferral']);
    await backdate(old, { DRAFT: 9601, SENT: 9600 });
    await makeOverdue([...sentToB, ...receivedByC, old]);

    // Consents revoked: six to B (one of them 400 days ago), one to C.
    const revokedToB = await revokedConsents(families[0]!, receiverB, 6);
    await revokedConsents(families[1]!, receiverC, 1);
    await fixture(async (em) => {
      await em.query(`SET LOCAL session_replication_role = replica`);
      await em.query(`UPDATE consent_revocation SET revoked_at = now() - interval '400 days' WHERE consent_id = $1`, [revokedToB[0]]);
    });

    // Another network with figures of its own, which must never show in this one's.
    const otherNetwork = await world.network();
    const otherAgency = await world.agency(otherNetwork);
    const otherWorker = await world.staff(otherAgency);
    const otherReceiver = await world.agency(otherNetwork, 'SCHOOL_GUIDANCE');
    const otherFamily = await world.familyWithPlan(otherWorker, { members: [parent('Jan', 'Claes')], supporter: otherWorker, consentFor: [otherAgency.id, otherReceiver.id] });
    await api.ok(otherWorker.subject, ActivatePlanStatusDocument, { input: { planId: otherFamily.planId } });
    await api.ok(otherWorker.subject, AddGoalVersionDocument, { input: { planId: otherFamily.planId, lifeDomain: 'MOBILITY', description: 'Rijbewijs', owner: 'FAMILY' } });
    const { createReferral: otherReferral } = await api.ok(otherWorker.subject, CreateReferralDocument, {
      input: { planId: otherFamily.planId, toAgencyId: otherReceiver.id, memberIds: otherFamily.memberIds, reason: 'Hulp', urgency: 'URGENT', requestedService: 'Begeleiding' },
    });
    await api.ok(otherWorker.subject, SendReferralDocument, {
      input: { referralId: otherReferral.id, expectedVersion: otherReferral.version },
    });
    await makeOverdue([otherReferral.id]);
    other = { network: otherNetwork, agency: otherAgency };
  }, 120_000);
  afterAll(() => api.stop());

  it('counts active plans and plans per life domain, suppressing 1 to 4', async () => {
    const figures = await insight(network.coordinator.subject);
    expect(figures.activePlans).toEqual(shown(6));
    expect(figures.activePlansPerLifeDomain).toEqual([
      { lifeDomain: 'PARENTING', plans: shown(6) },
      { lifeDomain: 'HOUSING', plans: SUPPRESSED },
    ]);
  });

  it('counts referrals sent in the last 12 months per agency pair and status; the total is left out when a cell is suppressed', async () => {
    const figures = await insight(network.coordinator.subject);
    const flows = figures.referralFlows.map((f: any) => [f.fromAgency.id, f.toAgency.id, f.status, f.referrals]);
    expect(flows).toHaveLength(3);
    expect(flows).toEqual(
      expect.arrayContaining([
        [referrer.id, receiverB.id, 'HANDOVER_HELD', shown(5)],
        [referrer.id, receiverB.id, 'SENT', shown(5)],
        [referrer.id, receiverC.id, 'RECEIVED', SUPPRESSED],
      ]),
    );
    // 12 in all: shown, it would give away the 2 as 12 − 5 − 5.
    expect(figures.referralsSent).toEqual(SUPPRESSED);
  });

  it('takes the period asked: flows, their total when nothing is suppressed, and the medians of that period only', async () => {
    const period = await insight(network.coordinator.subject, { from: hoursAgo(20 * 24), to: hoursAgo(5 * 24) });
    expect(period.referralFlows.map((f: any) => [f.toAgency.id, f.status, f.referrals])).toEqual([[receiverB.id, 'HANDOVER_HELD', shown(5)]]);
    expect(period.referralsSent).toEqual(shown(5));
    expect(period.referralMedianHours).toEqual({ toReceive: median(3), toDecide: median(30), toHandOver: median(72) });

    const longAgo = await insight(network.coordinator.subject, { from: hoursAgo(500 * 24), to: hoursAgo(300 * 24) });
    expect(longAgo.referralFlows.map((f: any) => [f.toAgency.id, f.status, f.referrals])).toEqual([[receiverC.id, 'SENT', SUPPRESSED]]);
    expect(longAgo.referralsSent).toEqual(SUPPRESSED);
    expect(longAgo.consentsRevokedByRecipientAgency).toEqual([{ recipientAgency: { id: receiverB.id }, consents: SUPPRESSED }]);
    expect(longAgo.consentsRevoked).toEqual(SUPPRESSED);
  });

  it('gives median hours per stage over the network and per receiving agency, suppressed over fewer than 5 referrals', async () => {
    const figures = await insight(network.coordinator.subject);
    // To receive: 1–5 hours at B, 6 and 7 at C: the median of seven is 4. Only B's decided and handed over.
    expect(figures.referralMedianHours).toEqual({ toReceive: median(4), toDecide: median(30), toHandOver: median(72) });
    const byAgency = Object.fromEntries(figures.referralMedianHoursByReceivingAgency.map(({ agency, ...hours }: any) => [agency.id, hours]));
    expect(byAgency).toEqual({
      [receiverB.id]: { toReceive: median(3), toDecide: median(30), toHandOver: median(72) },
      // Two referrals received: suppressed; none decided: no median, nothing to hide.
      [receiverC.id]: { toReceive: SUPPRESSED_MEDIAN, toDecide: { hours: null, suppressed: false }, toHandOver: { hours: null, suppressed: false } },
    });
  });

  it('counts overdue referrals per receiving agency and stage as the referral lists do, whenever sent', async () => {
    const figures = await insight(network.coordinator.subject);
    expect(figures.overdueReferralsByReceivingAgency.map((o: any) => [o.toAgency.id, o.status, o.referrals])).toEqual(
      expect.arrayContaining([
        [receiverB.id, 'SENT', shown(5)],
        [receiverC.id, 'RECEIVED', SUPPRESSED],
        [receiverC.id, 'SENT', SUPPRESSED],
      ]),
    );
    expect(figures.overdueReferralsByReceivingAgency).toHaveLength(3);
    expect(figures.overdueReferrals).toEqual(SUPPRESSED);
    const { referrals } = await api.ok(intakeB.subject, OverdueIncomingReferralsDocument);
    expect(referrals.edges).toHaveLength(5);
  });

  it('counts consents revoked in the period per recipient agency', async () => {
    const figures = await insight(network.coordinator.subject);
    // Six revoked to B, one of them 400 days ago: five in the last 12 months.
    const byAgency = Object.fromEntries(figures.consentsRevokedByRecipientAgency.map((c: any) => [c.recipientAgency.id, c.consents]));
    expect(byAgency).toEqual({ [receiverB.id]: shown(5), [receiverC.id]: SUPPRESSED });
    expect(figures.consentsRevoked).toEqual(SUPPRESSED);
  });

  it('never shows figures of another network, and answers another network’s id as an unknown one', async () => {
    const figures = await insight(network.coordinator.subject);
    const agencies = new Set([referrer.id, receiverB.id, receiverC.id]);
    const mentioned = [
      ...figures.referralFlows.flatMap((f: any) => [f.fromAgency.id, f.toAgency.id]),
      ...figures.referralMedianHoursByReceivingAgency.map((m: any) => m.agency.id),
      ...figures.overdueReferralsByReceivingAgency.map((o: any) => o.toAgency.id),
      ...figures.consentsRevokedByRecipientAgency.map((c: any) => c.recipientAgency.id),
    ];
    expect(mentioned.filter((id) => !agencies.has(id))).toEqual([]);
    expect(figures.activePlansPerLifeDomain.map((d: any) => d.lifeDomain)).not.toContain('MOBILITY');

    const foreign = await api.gql(network.coordinator.subject, NetworkInsightDocument, { networkId: other.network.id });
    const unknown = await api.gql(network.coordinator.subject, NetworkInsightDocument, { networkId: randomUUID() });
    expect(codeOf(foreign)).toBe('NOT_FOUND');
    expect(foreign.errors![0]!.message).toBe(unknown.errors![0]!.message);
    expect(foreign.data).toEqual(unknown.data);
    // Its own coordinator sees it, with its own figures only.
    const theirs = await api.ok(other.network.coordinator.subject, NetworkInsightDocument, { networkId: other.network.id });
    expect(theirs.networkInsight.activePlans).toEqual(SUPPRESSED);
    expect(theirs.networkInsight.activePlansPerLifeDomain).toEqual([{ lifeDomain: 'MOBILITY', plans: SUPPRESSED }]);
  });

  it('is refused to everyone but the network’s coordinators', async () => {
    const volunteer = await world.staff(referrer, 'VOLUNTEER');
    const portalLogin = uniqueSubject('sara');
    await world.portalLogin(worker, families[0]!.memberIds[0], portalLogin);
    const { registerIntegrationClient } = await api.ok(receiverB.admin.subject, RegisterIntegrationClientDocument, {
      input: { agencyId: receiverB.id, name: `Dossiersysteem ${randomUUID()}`, scopes: ['REFERRALS_READ'] },
    });
    const token = await request(api.app.getHttpServer())
      .post('/oauth/token')
      .send({ grant_type: 'client_credentials', client_id: registerIntegrationClient.client.id, client_secret: registerIntegrationClient.clientSecret });
    expect(token.status).toBe(200);
    const asClient = await request(api.app.getHttpServer())
      .post('/graphql')
      .set('Authorization', `Bearer ${token.body.access_token}`)
      .send({ query: queryText(NetworkInsightDocument), variables: { networkId: network.id } });

    const refused: Record<string, string> = {};
    const who: Record<string, string | null> = {
      caseworker: worker.subject,
      'receiving caseworker': intakeB.subject,
      volunteer: volunteer.subject,
      'agency admin': referrer.admin.subject,
      'family member': portalLogin,
      'platform admin': PLATFORM_ADMIN,
      'no token': null,
    };
    for (const [name, subject] of Object.entries(who)) refused[name] = codeOf(await api.gql(subject, NetworkInsightDocument, { networkId: network.id }));
    refused['integration client'] = codeOf(asClient.body);
    expect(refused).toEqual({
      caseworker: 'FORBIDDEN',
      'receiving caseworker': 'FORBIDDEN',
      volunteer: 'FORBIDDEN',
      'agency admin': 'FORBIDDEN',
      'family member': 'FORBIDDEN',
      'platform admin': 'FORBIDDEN',
      'no token': 'UNAUTHENTICATED',
      'integration client': 'FORBIDDEN',
    });
    expect(codeOf(await api.gql(other.network.coordinator.subject, NetworkInsightDocument, { networkId: network.id }))).toBe('NOT_FOUND');
  });

  it('records each reading as a READ_INSIGHT audit entry about the network, and a refused one not', async () => {
    const entries = async () =>
      (await db.query(`SELECT actor_subject, legal_basis, entity_type FROM audit_event WHERE action = 'READ_INSIGHT' AND entity_id = $1 ORDER BY seq`, [network.id])) as unknown[];
    const before = (await entries()).length;
    await insight(network.coordinator.subject);
    await api.gql(worker.subject, NetworkInsightDocument, { networkId: network.id });
    await api.gql(other.network.coordinator.subject, NetworkInsightDocument, { networkId: network.id });
    const after = await entries();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toEqual({ actor_subject: network.coordinator.subject, legal_basis: 'ADMINISTRATION', entity_type: 'Network' });
  });

  it('counts accompanied first visits: meetings held with the bridge figure there, in the period, suppressing 1 to 4', async () => {
    expect((await bridgeFigures()).accompaniedFirstVisits).toEqual(shown(5));
    expect((await bridgeFigures({ from: hoursAgo(20 * 24), to: hoursAgo(5 * 24) })).accompaniedFirstVisits).toEqual(shown(5));
    expect((await bridgeFigures({ from: hoursAgo(500 * 24), to: hoursAgo(300 * 24) })).accompaniedFirstVisits).toEqual(shown(0));
  });

  describe('two years ago', () => {
    const HOURS = 730 * 24;
    const period = { from: hoursAgo(HOURS + 48), to: hoursAgo(HOURS - 48) };
    const then = (id: string) =>
      backdate(id, { DRAFT: HOURS + 2, SENT: HOURS + 1, RECEIVED: HOURS, ACCEPTED: HOURS - 1, WAITLISTED: HOURS - 1, DECLINED: HOURS - 2, HANDOVER_SCHEDULED: HOURS - 2, HANDOVER_HELD: HOURS - 3 });

    beforeAll(async () => {
      const held = ['sendReferral', 'receiveReferral', 'acceptReferral', 'scheduleHandover', 'recordHandoverHeld'];
      const accompanied = { create: { bridgeFigureUserId: worker.userId } };
      // One meeting held with the bridge figure there, one without her: one accompanied visit.
      await then(await referral(families[0]!, receiverC, intakeC, held, { ...accompanied, held: { bridgeFigurePresent: true } }));
      await then(await referral(families[1]!, receiverC, intakeC, held, { ...accompanied, held: { bridgeFigurePresent: false } }));
      // Unmet needs: five waitlisted for parenting, two declined for housing, one declined naming no life domain.
      for (let i = 0; i < 5; i++) {
        await then(await referral(families[i]!, receiverC, intakeC, ['sendReferral', 'receiveReferral', 'waitlistReferral'], { create: { lifeDomain: 'PARENTING' } }));
      }
      for (let i = 0; i < 2; i++) {
        await then(await referral(families[i]!, receiverB, intakeB, ['sendReferral', 'receiveReferral', 'declineReferral'], { create: { lifeDomain: 'HOUSING' } }));
      }
      await then(await referral(families[2]!, receiverB, intakeB, ['sendReferral', 'receiveReferral', 'declineReferral']));
    }, 120_000);

    it('a meeting held without the bridge figure is no accompanied visit; one alone is suppressed', async () => {
      expect((await bridgeFigures(period)).accompaniedFirstVisits).toEqual(SUPPRESSED);
    });

    it('counts unmet needs, declined or waitlisted referrals per life domain, suppressing 1 to 4 and then the total', async () => {
      const figures = await bridgeFigures(period);
      expect(figures.unmetNeeds).toEqual([
        { lifeDomain: 'PARENTING', status: 'WAITLISTED', referrals: shown(5) },
        { lifeDomain: 'HOUSING', status: 'DECLINED', referrals: SUPPRESSED },
        { lifeDomain: null, status: 'DECLINED', referrals: SUPPRESSED },
      ]);
      expect(figures.unmetNeedsTotal).toEqual(SUPPRESSED);
      // Sent two years ago: not in the last 12 months.
      expect((await bridgeFigures()).unmetNeeds).toEqual([]);
      expect((await bridgeFigures()).unmetNeedsTotal).toEqual(shown(0));
      // Another network's coordinator: as an unknown network.
      expect(codeOf(await api.gql(other.network.coordinator.subject, BridgeNetworkInsightDocument, { networkId: network.id, ...period }))).toBe('NOT_FOUND');
    });
  });

  describe('with logged referrals, to an organisation outside the platform, three years ago', () => {
    const HOURS = 1095 * 24;
    const period = { from: hoursAgo(HOURS + 48), to: hoursAgo(HOURS - 48) };
    let homeStart: string;
    let homeStartName: string;
    const logged = (variables: Record<string, unknown> = period, subject = network.coordinator.subject) =>
      api.ok(subject, LoggedReferralNetworkInsightDocument, { networkId: network.id, ...variables }).then((d) => d.networkInsight);

    /** `worker` refers the family's parent to Home-Start with her consent, with himself as bridge figure, and records the first visit held with him there. */
    async function accompaniedLoggedReferral(family: FamilyWithPlan): Promise<{ referralId: string; consentId: string }> {
      const { recordConsent } = await api.ok(worker.subject, RecordExternalConsentDocument, {
        input: {
          grantorMemberId: family.memberIds[0]!,
          subjectMemberIds: [family.memberIds[0]!],
          recipientDirectoryServiceId: homeStart,
          categories: ['REFERRAL'],
          purposeCode: 'REFERRAL',
          purpose: 'Doorverwijzing naar Home-Start',
          method: 'WRITTEN',
          evidenceReference: 'dossier 2023/1',
        },
      });
      const { createReferral } = await api.ok(worker.subject, CreateLoggedReferralDocument, {
        input: {
          planId: family.planId,
          directoryServiceId: homeStart,
          memberIds: [family.memberIds[0]],
          reason: 'Ondersteuning',
          urgency: 'ROUTINE',
          requestedService: 'Huisbezoek',
          bridgeFigureUserId: worker.userId,
        },
      });
      let version = createReferral.version;
      const steps: [AnyDocument, string, Record<string, unknown>][] = [
        [RecordReferralPassedOnDocument, 'recordReferralPassedOn', { followUpAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }],
        [RecordExternalAppointmentDocument, 'recordExternalAppointment', { startsAt: new Date(Date.now() + 86_400_000).toISOString(), location: 'Thuis', attendees: ['FAMILY'] }],
        [RecordFirstVisitHeldDocument, 'recordFirstVisitHeld', { bridgeFigurePresent: true }],
      ];
      for (const [document, name, extra] of steps) {
        version = (await api.ok(worker.subject, document, { input: { referralId: createReferral.id, expectedVersion: version, ...extra } }))[name].version;
      }
      return { referralId: createReferral.id, consentId: recordConsent.id };
    }

    beforeAll(async () => {
      homeStartName = `Home-Start ${randomUUID()}`;
      const { createDirectoryService } = await api.ok(network.coordinator.subject, CreateDirectoryServiceDocument, {
        input: { networkId: network.id, name: 'Huisbezoek', externalOrganisation: homeStartName, lifeDomains: ['PARENTING'], cost: 'FREE', howToRefer: 'BY_CONTACT' },
      });
      homeStart = createDirectoryService.id;
      const then = (id: string) => backdate(id, { DRAFT: HOURS + 2, SENT: HOURS + 1, HANDOVER_SCHEDULED: HOURS, ACCEPTED: HOURS, RECEIVED: HOURS, HANDOVER_HELD: HOURS - 1 });
      // Five logged referrals, each first visit held with the bridge figure there; their consents to Home-Start then revoked…
      const revoked: string[] = [];
      for (const family of families.slice(0, 5)) {
        const { referralId, consentId } = await accompaniedLoggedReferral(family);
        await then(referralId);
        await api.ok(worker.subject, RevokeConsentDocument, { input: { consentId, reason: 'Wil dit niet meer', revokedByMemberId: family.memberIds[0] } });
        revoked.push(consentId);
      }
      // …one referral to C handed over with the bridge figure there, and five consents to B revoked, in the same days.
      await then(
        await referral(families[5]!, receiverC, intakeC, ['sendReferral', 'receiveReferral', 'acceptReferral', 'scheduleHandover', 'recordHandoverHeld'], {
          create: { bridgeFigureUserId: worker.userId },
          held: { bridgeFigurePresent: true },
        }),
      );
      revoked.push(...(await revokedConsents(families[5]!, receiverB, 5)));
      await fixture(async (em) => {
        await em.query(`SET LOCAL session_replication_role = replica`);
        await em.query(`UPDATE consent_revocation SET revoked_at = now() - make_interval(hours => $2) WHERE consent_id = ANY($1)`, [revoked, HOURS]);
      });
    }, 120_000);

    it('counts their accompanied first visits, their referrals as BY_CONTACT and their revoked consents per organisation', async () => {
      expect(await logged()).toEqual({
        // Five logged and one on the platform.
        accompaniedFirstVisits: shown(6),
        referralFlows: [{ toAgency: { id: receiverC.id }, status: 'HANDOVER_HELD', referrals: SUPPRESSED }],
        // Agency to agency only, and suppressed with its single flow; the logged ones are BY_CONTACT.
        referralsSent: SUPPRESSED,
        referralsByHowToRefer: [
          { howToRefer: 'ON_PLATFORM', referrals: SUPPRESSED },
          { howToRefer: 'BY_CONTACT', referrals: shown(5) },
        ],
        referralsByDirectoryService: [{ service: { id: homeStart }, referrals: shown(5) }],
        consentsRevoked: shown(10),
        consentsRevokedByRecipientAgency: [{ recipientAgency: { id: receiverB.id }, consents: shown(5) }],
        consentsRevokedByRecipientService: [{ recipientService: { id: homeStart, name: 'Huisbezoek' }, consents: shown(5) }],
        // A logged referral is never declined or waitlisted: its outcome is recorded when it is closed.
        unmetNeedsTotal: shown(0),
      });
    });

    it('counts them in their period only, in their own network only, for its coordinators only', async () => {
      const lastYear = await logged({});
      expect(lastYear.referralsByHowToRefer.map((k: any) => k.howToRefer)).toEqual(['ON_PLATFORM']);
      expect(lastYear.referralsByDirectoryService).toEqual([]);
      expect(lastYear.consentsRevokedByRecipientService).toEqual([]);
      expect(lastYear.accompaniedFirstVisits).toEqual(shown(5));
      const theirs = await api.ok(other.network.coordinator.subject, LoggedReferralNetworkInsightDocument, { networkId: other.network.id, ...period });
      expect(theirs.networkInsight).toMatchObject({ accompaniedFirstVisits: shown(0), referralsByHowToRefer: [], consentsRevokedByRecipientService: [], consentsRevoked: shown(0) });
      const refused = async (subject: string) => codeOf(await api.gql(subject, LoggedReferralNetworkInsightDocument, { networkId: network.id, ...period }));
      expect({ worker: await refused(worker.subject), admin: await refused(referrer.admin.subject), 'other coordinator': await refused(other.network.coordinator.subject) }).toEqual({
        worker: 'FORBIDDEN',
        admin: 'FORBIDDEN',
        'other coordinator': 'NOT_FOUND',
      });
    });
  });

  it('refuses a period that ends before it starts, naming the field', async () => {
    const result = await api.gql(network.coordinator.subject, NetworkInsightDocument, { networkId: network.id, from: hoursAgo(1), to: hoursAgo(2) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });
});
