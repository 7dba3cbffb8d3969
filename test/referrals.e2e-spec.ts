import {
  AcceptReferralRecordDocument,
  CompleteReferralRecordDocument,
  CreateReferralRecordDocument,
  PlanParticipantsDocument,
  ReceiveReferralRecordDocument,
  RecordHandoverHeldRecordDocument,
  ReferralRecordDocument,
  ScheduleHandoverRecordDocument,
  SendReferralRecordDocument,
} from './graphql/generated.js';
import { type Agency, type Network, type Person, World, parentWithTwoChildren } from './support/world.js';
import { TestApi } from './support/test-app.js';

/**
 * Warm-handover referrals (docs/referrals-and-webhooks.md): the whole way from DRAFT to COMPLETED through GraphQL, with the
 * REFERRAL consent gate, the receiver joining the plan team, and the transition history.
 */
describe('referrals: the warm handover', () => {
  let api: TestApi;
  let world: World;
  let network: Network;
  let referrer: Agency;
  let receiver: Agency;
  let worker: Person;
  let intake: Person;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    network = await world.network();
    referrer = await world.agency(network);
    receiver = await world.agency(network, 'SCHOOL_GUIDANCE');
    worker = await world.staff(referrer);
    intake = await world.staff(receiver);
  });
  afterAll(() => api.stop());

  const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

  it('goes DRAFT → SENT → RECEIVED → ACCEPTED → HANDOVER_SCHEDULED → HANDOVER_HELD → COMPLETED', async () => {
    const { familyId, planId, memberIds } = await world.familyWithPlan(worker, { members: parentWithTwoChildren() });
    const [sara, lien] = memberIds as [string, string];
    const { createReferral: draft } = await api.ok(worker.subject, CreateReferralRecordDocument, {
      input: { planId, toAgencyId: receiver.id, memberIds: [lien], reason: 'Lien heeft moeite op school', urgency: 'ROUTINE', requestedService: 'Leerlingenbegeleiding' },
    });
    expect(draft).toMatchObject({ status: 'DRAFT', version: 1, overdue: false, dueAt: null, fromAgency: { id: referrer.id }, toAgency: { id: receiver.id } });
    expect(draft.members.map((m: { id: string }) => m.id)).toEqual([lien]);

    // The receiver sees nothing of a draft.
    expect((await api.gql(intake.subject, ReferralRecordDocument, { id: draft.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // Sending needs Lien's REFERRAL consent for the receiver.
    const refused = await api.gql(worker.subject, SendReferralRecordDocument, { input: { referralId: draft.id, expectedVersion: 1 } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONSENT_REQUIRED', missingMemberIds: [lien], category: 'REFERRAL' });
    const family = await world.membersOf(worker, familyId);
    await world.consentAll(worker, { ...family, members: family.members.filter((m) => m.id === lien) }, receiver.id, ['REFERRAL']);

    const { sendReferral: sent } = await api.ok(worker.subject, SendReferralRecordDocument, { input: { referralId: draft.id, expectedVersion: 1 } });
    expect(sent).toMatchObject({ status: 'SENT', version: 2, overdue: false });
    expect(new Date(sent.dueAt!).getTime()).toBeGreaterThan(Date.now() + 86_400_000);

    // The receiver now sees the referral and Lien (REFERRAL consent), not Sara.
    const { referral: seen } = await api.ok(intake.subject, ReferralRecordDocument, { id: draft.id });
    expect(seen.members).toEqual([{ id: lien, givenName: expect.any(String) }]);
    expect(seen.members.some((m: { id: string }) => m.id === sara)).toBe(false);

    const { receiveReferral: received } = await api.ok(intake.subject, ReceiveReferralRecordDocument, {
      input: { referralId: draft.id, expectedVersion: 2, externalReference: `CLB-${draft.id.slice(0, 8)}` },
    });
    expect(received).toMatchObject({ status: 'RECEIVED', version: 3, externalReference: `CLB-${draft.id.slice(0, 8)}` });

    const { acceptReferral: accepted } = await api.ok(intake.subject, AcceptReferralRecordDocument, { input: { referralId: draft.id, expectedVersion: 3 } });
    expect(accepted).toMatchObject({ status: 'ACCEPTED', version: 4 });
    // The receiver joined the plan team (what it may see of the plan still needs the family's consent).
    const { plan } = await api.ok(worker.subject, PlanParticipantsDocument, { id: planId });
    expect(plan.participants).toContainEqual({ agency: { id: receiver.id }, contribution: 'Leerlingenbegeleiding' });

    const { scheduleHandover: scheduled } = await api.ok(worker.subject, ScheduleHandoverRecordDocument, {
      input: { referralId: draft.id, expectedVersion: 4, startsAt: inAWeek(), location: 'Huis van het Kind', attendees: ['FAMILY', 'REFERRER', 'RECEIVER'] },
    });
    expect(scheduled).toMatchObject({ status: 'HANDOVER_SCHEDULED', version: 5, handover: { state: 'SCHEDULED', location: 'Huis van het Kind' } });

    const { recordHandoverHeld: held } = await api.ok(intake.subject, RecordHandoverHeldRecordDocument, { input: { referralId: draft.id, expectedVersion: 5 } });
    expect(held).toMatchObject({ status: 'HANDOVER_HELD', version: 6, dueAt: null, handover: { state: 'HELD' } });
    // Each step of the meeting names the meeting it planned or ended.
    const steps: { to_status: string; details: { meetingId?: string } }[] = await api.db.query(`SELECT to_status, details FROM referral_transition WHERE referral_id = $1 AND to_status IN ('HANDOVER_SCHEDULED', 'HANDOVER_HELD') ORDER BY at`, [draft.id]);
    const [planned, ended] = steps.map((t) => t.details.meetingId);
    expect(planned).toEqual(expect.any(String));
    expect(ended).toBe(planned);

    const { completeReferral: done } = await api.ok(intake.subject, CompleteReferralRecordDocument, {
      input: { referralId: draft.id, expectedVersion: 6, outcome: 'SUCCESSFUL' },
    });
    expect(done).toMatchObject({ status: 'COMPLETED', version: 7, outcome: 'SUCCESSFUL' });
    // The referrer learns the outcome, and every step is in the history with who took it.
    const { referral: closedLoop } = await api.ok(worker.subject, ReferralRecordDocument, { id: draft.id });
    expect(closedLoop.outcome).toBe('SUCCESSFUL');
    expect(closedLoop.transitions.map((t: { from: string | null; to: string }) => [t.from, t.to])).toEqual([
      [null, 'DRAFT'],
      ['DRAFT', 'SENT'],
      ['SENT', 'RECEIVED'],
      ['RECEIVED', 'ACCEPTED'],
      ['ACCEPTED', 'HANDOVER_SCHEDULED'],
      ['HANDOVER_SCHEDULED', 'HANDOVER_HELD'],
      ['HANDOVER_HELD', 'COMPLETED'],
    ]);
    expect(closedLoop.transitions.map((t) => t.actorAgency!.id)).toEqual([
      referrer.id, referrer.id, receiver.id, receiver.id, referrer.id, receiver.id, receiver.id,
    ]);
  });
});
