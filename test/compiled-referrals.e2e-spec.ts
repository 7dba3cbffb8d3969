import pg from 'pg';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import {
  AcceptReferralDocument,
  CreateReferralDocument,
  ReceiveReferralDocument,
  RecordConsentDocument,
  RegisterIntegrationClientDocument,
  RevokeConsentDocument,
  ScheduleHandoverDocument,
  SendReferralDocument,
} from './graphql/generated.js';
import { auditOfRequest } from './support/audit-parts.js';
import { type GraphQLResult, TestApi } from './support/test-app.js';
import { type Agency, child, parent, type Person, World } from './support/world.js';

/**
 * `referral(id)` and `referrals(…)` compiled into one statement (audit/compiled-read.ts, referrals/referral-read.ts)
 * against the field resolvers' path (COMPILED_READS=false), on the same database: for each kind of principal,
 * the same request answers the same on both, audits the same reads (compared by what the entries record, as
 * test/compiled-plan.e2e-spec.ts does) with one entry per family, and sends one statement (the remembered principal checked in it).
 * What the Referral's field-level rights withhold (the reason and free text without `readDetails`, the meeting's
 * place without `readMeetingPlace`) the compiled path withholds in SQL: a revoked REFERRAL consent hides the reason
 * on both paths.
 */

const REASON = 'Sara en Lien hebben samen ondersteuning nodig na de scheiding';
const PLACE = 'Bij het gezin thuis, Kerkstraat 1';

const FIELDS = `id familyId planId status version urgency reason requestedService lifeDomain directoryServiceId externalReference
  declineReason withdrawReason familyDeclinedMeeting outcome outcomeReason outcomeNote dueAt sentAt receivedAt acceptedAt completedAt createdAt updatedAt
  fromAgency { id name kind networkId createdAt } toAgency { id name }
  transitions { id version at reason actorAgency { id name } }
  handoverMeetings { id startsAt location onlineUrl attendees state note createdAt endedAt }`;

const ONE = `query($id: ID!) { referral(id: $id) { ${FIELDS} } }`;
const LIST = `query($direction: ReferralDirection!, $overdue: Boolean, $first: Int, $after: String) {
  referrals(direction: $direction, overdue: $overdue, first: $first, after: $after) {
    __typename edges { cursor node { ...all } } pageInfo { hasNextPage endCursor } } }
  fragment all on Referral { __typename ${FIELDS} }`;

describe('referral(id) and referrals(…) compiled: the same answers and audited reads as the field resolvers', () => {
  let compiled: TestApi;
  let resolvers: TestApi;
  let world: World;
  let sql: pg.Pool;
  let referrer: Agency;
  let receiver: Agency;
  /** label → how to call: a subject (a dev token) or an integration client's bearer token. */
  const principals: [string, { subject: string } | { token: string }][] = [];
  const referralIds: string[] = [];
  let revokedReferral: string;
  let bystander: Person;

  beforeAll(async () => {
    compiled = await TestApi.start();
    resolvers = await TestApi.start({ COMPILED_READS: 'false' });
    world = new World(compiled);
    sql = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });

    const network = await world.network();
    referrer = await world.agency(network);
    receiver = await world.agency(network, 'SCHOOL_GUIDANCE');
    const worker = await world.staff(referrer);
    const volunteer = await world.staff(referrer, 'VOLUNTEER');
    const intake = await world.staff(receiver);
    bystander = await world.staff(receiver);

    const grant = async (member: string, grantor: string) =>
      (
        await compiled.ok(worker.subject, RecordConsentDocument, {
          input: {
            grantorMemberId: grantor,
            subjectMemberIds: [member],
            recipientAgencyId: receiver.id,
            categories: ['REFERRAL'],
            purposeCode: 'REFERRAL',
            purpose: 'Doorverwijzing naar het CLB',
            method: 'WRITTEN',
            evidenceReference: `form-${randomUUID()}`,
          },
        })
      ).recordConsent.id;
    const refer = async (planId: string, memberIds: string[], options: { send: boolean; bridgeFigureUserId?: string }) => {
      const { createReferral } = await compiled.ok(worker.subject, CreateReferralDocument, {
        input: { planId, toAgencyId: receiver.id, memberIds, reason: REASON, urgency: 'ROUTINE', requestedService: 'Leerlingenbegeleiding', ...(options.bridgeFigureUserId ? { bridgeFigureUserId: options.bridgeFigureUserId } : {}) },
      });
      if (options.send) await compiled.ok(worker.subject, SendReferralDocument, { input: { referralId: createReferral.id, expectedVersion: 1 } });
      referralIds.push(createReferral.id);
      return createReferral.id as string;
    };

    // Family 1: Sara, Lien (14, decides for herself) and Mo; each with a REFERRAL consent to the receiver.
    const family = await world.familyWithPlan(worker, {
      members: [parent('Sara', 'Janssens'), child('Lien', 'Janssens', `${new Date().getFullYear() - 14}-01-15`), child('Mo', 'Janssens', '2020-05-01')],
    });
    const [sara, lien, mo] = family.memberIds as [string, string, string];
    await world.assign(referrer.admin, family.familyId, volunteer.userId);
    for (const [member, grantor] of [[sara, sara], [lien, lien], [mo, sara]] as const) await grant(member, grantor);
    const lienLogin = await world.portalLogin(worker, lien);
    // A: about Sara and Lien, accompanied by the volunteer, received and accepted by intake, a meeting at home.
    const a = await refer(family.planId, [sara, lien], { send: true, bridgeFigureUserId: volunteer.userId });
    await compiled.ok(intake.subject, ReceiveReferralDocument, { input: { referralId: a, expectedVersion: 2 } });
    await compiled.ok(intake.subject, AcceptReferralDocument, { input: { referralId: a, expectedVersion: 3 } });
    await compiled.ok(worker.subject, ScheduleHandoverDocument, {
      input: { referralId: a, expectedVersion: 4, startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), location: PLACE, attendees: ['FAMILY', 'REFERRER', 'RECEIVER'] },
    });
    // B: about Lien, who then withdraws her REFERRAL consent: the receiver sees status, dates and agencies.
    revokedReferral = await refer(family.planId, [lien], { send: true });
    const { rows: consents } = await sql.query<{ id: string }>(`SELECT id FROM consent WHERE grantor_member_id = $1 AND recipient_agency_id = $2`, [lien, receiver.id]);
    await compiled.ok(lienLogin, RevokeConsentDocument, { input: { consentId: consents[0]!.id, reason: 'Ik wil dit niet meer delen' } });
    // C: about Mo, a draft (only the referring side sees it); D: about Mo, sent and overdue.
    await refer(family.planId, [mo], { send: false });
    const overdue = await refer(family.planId, [mo], { send: true });
    // Two days pass (the clock's write, audited as the test's).
    await sql.query(`WITH clock AS (SELECT set_config('app.actor_subject', 'test:clock', true)) UPDATE referral SET due_at = now() - interval '2 days' FROM clock WHERE id = $1`, [overdue]);
    // Family 2: another family's referral to the receiver (a page of two families: an entry each).
    const other = await world.familyWithPlan(worker, { members: [parent('Els', 'Peeters')] });
    await grant(other.memberIds[0]!, other.memberIds[0]!);
    await refer(other.planId, [other.memberIds[0]!], { send: true });

    const { registerIntegrationClient } = await compiled.ok(receiver.admin.subject, RegisterIntegrationClientDocument, {
      input: { agencyId: receiver.id, name: `Dossiersysteem ${randomUUID()}`, scopes: ['REFERRALS_READ'] },
    });
    const token = await request(compiled.app.getHttpServer())
      .post('/oauth/token')
      .send({ grant_type: 'client_credentials', client_id: registerIntegrationClient.client.id, client_secret: registerIntegrationClient.clientSecret });

    const staff: [string, Person][] = [
      ['referring caseworker', worker],
      ['receiving caseworker (assigned by accepting)', intake],
      ['receiving colleague without assignment', bystander],
      ['bridge figure volunteer', volunteer],
      ['referring caseworker not on the team', await world.staff(referrer)],
      ['admin of another network', (await world.agency(await world.network())).admin],
    ];
    principals.push(...staff.map(([label, person]): [string, { subject: string }] => [label, { subject: person.subject }]));
    principals.push(['portal: adult parent', { subject: await world.portalLogin(worker, sara) }]);
    principals.push(['portal: Lien (14), who revoked', { subject: lienLogin }]);
    principals.push(['integration client of the receiver (status only)', { token: token.body.access_token as string }]);
  }, 300_000);

  afterAll(async () => {
    await sql.end();
    await resolvers.stop();
    await compiled.stop();
  });

  const call = (api: TestApi, who: { subject: string } | { token: string }, query: string, variables: Record<string, unknown>, requestId: string) =>
    'subject' in who
      ? api.gql(who.subject, query, variables, { 'X-Request-Id': requestId })
      : api.gql(null, query, variables, { 'X-Request-Id': requestId, Authorization: `Bearer ${who.token}` });

  async function both(who: { subject: string } | { token: string }, query: string, variables: Record<string, unknown>) {
    const ids = { compiled: `compiled-${randomUUID()}`, resolvers: `resolvers-${randomUUID()}` };
    let viaCompiled!: GraphQLResult;
    // The principal remembered first, as a client's earlier request leaves it: the compiled read then checks it in its own statement.
    await call(compiled, who, query, variables, `warm-${randomUUID()}`);
    const statements = await compiled.countStatements(async () => {
      viaCompiled = await call(compiled, who, query, variables, ids.compiled);
    });
    const viaResolvers = await call(resolvers, who, query, variables, ids.resolvers);
    return { viaCompiled, viaResolvers, statements, audit: { compiled: await auditOfRequest(sql, ids.compiled), resolvers: await auditOfRequest(sql, ids.resolvers) } };
  }

  /** Both paths alike for `label`: answer, audited records, one entry per family, one statement. */
  function expectAlike(label: string, result: Awaited<ReturnType<typeof both>>) {
    const { viaCompiled, viaResolvers, statements, audit } = result;
    expect({ label, answer: viaCompiled }).toEqual({ label, answer: viaResolvers });
    expect({ label, audit: audit.compiled.records }).toEqual({ label, audit: audit.resolvers.records });
    expect({ label, families: audit.compiled.families }).toEqual({ label, families: [...new Set(audit.resolvers.families)] });
    const code = viaCompiled.errors?.[0]?.extensions?.code as string | undefined;
    expect({ label, statements }).toEqual({ label, statements: 1 });
    return code;
  }

  it('referral(id): identical for each kind of principal and each referral, the reason hidden where consent was revoked', async () => {
    const seen = new Set<string>();
    for (const [label, who] of principals) {
      for (const id of referralIds) {
        const result = await both(who, ONE, { id });
        const code = expectAlike(`${label} reads ${id}`, result);
        const referral = result.viaCompiled.data?.referral as { reason: string | null } | undefined;
        if (!code) expect({ label, recorded: result.audit.compiled.records.length > 0 }).toEqual({ label, recorded: true });
        seen.add(code ?? (referral!.reason === null ? 'withheld' : 'reason'));
      }
    }
    // Not found, the reason shown and the reason withheld all occur.
    expect([...seen]).toEqual(expect.arrayContaining(['NOT_FOUND', 'reason', 'withheld']));
    // The known past bug: after Lien's revocation the receiver's caseworker reads no reason, on either path.
    const { viaCompiled, viaResolvers } = await both({ subject: bystander.subject }, ONE, { id: revokedReferral });
    expect(viaCompiled.data!.referral).toMatchObject({ status: 'SENT', reason: null });
    expect(viaResolvers.data!.referral).toMatchObject({ status: 'SENT', reason: null });
  });

  it('referrals(…): identical for each principal, direction and filter, page by page with cursors', async () => {
    let answered = 0;
    for (const [label, who] of principals) {
      for (const direction of ['INCOMING', 'OUTGOING', 'ACCOMPANYING']) {
        for (const overdue of [undefined, true, false]) {
          let after: string | undefined;
          for (let page = 0; page < 10; page++) {
            const result = await both(who, LIST, { direction, overdue, first: 2, after });
            const code = expectAlike(`${label} lists ${direction} overdue=${overdue} page ${page}`, result);
            if (code) break;
            const { edges, pageInfo } = result.viaCompiled.data!.referrals as { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
            answered += edges.length;
            if (!pageInfo.hasNextPage) break;
            after = pageInfo.endCursor;
          }
        }
      }
    }
    expect(answered).toBeGreaterThan(10);
  });

  it('answers alike for an unknown referral (NOT_FOUND), an id that is no UUID and a cursor not from the list (BAD_USER_INPUT), auditing nothing', async () => {
    const who = principals[0]![1];
    const cases: [string, Record<string, unknown>, string][] = [
      [ONE, { id: randomUUID() }, 'NOT_FOUND'],
      [ONE, { id: 'not-a-uuid' }, 'BAD_USER_INPUT'],
      [LIST, { direction: 'OUTGOING', after: 'bm90LWEtY3Vyc29y' }, 'BAD_USER_INPUT'],
    ];
    for (const [query, variables, code] of cases) {
      const { viaCompiled, viaResolvers, audit } = await both(who, query, variables);
      expect(viaCompiled).toEqual(viaResolvers);
      expect(viaCompiled.errors?.[0]?.extensions?.code).toBe(code);
      expect(audit).toEqual({ compiled: { records: [], families: [] }, resolvers: { records: [], families: [] } });
    }
  });

  it('takes the resolvers’ path for a selection it does not compile (members, overdue, handover, a step’s from and to), with the same answer', async () => {
    const query = `query($id: ID!) { referral(id: $id) { id reason overdue members { id } handover { state location } transitions { from to } } }`;
    const { viaCompiled, viaResolvers, statements, audit } = await both(principals[0]![1], query, { id: referralIds[0] });
    expect(viaCompiled.errors).toBeUndefined();
    expect(viaCompiled).toEqual(viaResolvers);
    expect(audit.compiled).toEqual(audit.resolvers);
    expect(statements).toBeGreaterThan(2);
  });
});
