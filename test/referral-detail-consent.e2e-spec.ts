import type { DocumentNode } from 'graphql';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  AcceptReferralDocument,
  BreakGlassForAcuteCareDocument,
  CreateReferralDocument,
  IncomingReferralDetailsDocument,
  type IntegrationScope,
  MyFamilyReferralDetailsDocument,
  ReceiveReferralDocument,
  ReferralDetailDocument,
  type ReferralDetailFragment,
  RecordConsentDocument,
  ReferralTransitionsDocument,
  RegisterIntegrationClientDocument,
  RevokeConsentDocument,
  ScheduleHandoverDocument,
  SendReferralDocument,
} from './graphql/generated.js';
import { type PartedEntry, partsOf } from './support/audit-parts.js';
import { codeOf, type GraphQLResult, queryText, TestApi } from './support/test-app.js';
import { type Agency, child, type Network, parent, type Person, World } from './support/world.js';

/**
 * Referral detail follows consent (issue 16, findings 3, 7 and the last part of 10).
 *
 * What a referral says about the members it concerns (its reason, the free text of its steps and
 * meetings) is the receiving agency's only under a REFERRAL consent in force of every member it
 * concerns, or, on the family's team, under the access rule (consent, authorship, break-glass);
 * otherwise it sees status, dates and agencies. The members listed are each shown under their own
 * right (for the receiver: the member's own REFERRAL consent). The audit names the true basis.
 *
 * In the portal a member sees every referral that concerns her (she is referred, or she speaks for a
 * referred member); its reason only when she speaks for every referred member (the reason is about all
 * of them), else status, dates and agencies.
 *
 * Integration clients see the agency that took a step, never the person.
 *
 * One network: R refers (its `worker` registers the families), B receives (`intake` accepts and so is
 * assigned; `bystander` is a caseworker of B never assigned to the families); a caseworker of another
 * network; B's partner systems, status only (`readClient`) and with the personal scope (`personalClient`).
 */

const REASON = 'Sara en Lien hebben samen ondersteuning nodig na de scheiding';
const HOME = 'Bij het gezin thuis, Kerkstraat 1';

type ReferralView = ReferralDetailFragment;

/** What the audit recorded about the read of one referral: the part of an entry that names it. */
interface AuditRow {
  legal_basis: string;
  categories: string[];
  consent_ids: string[];
}

const yearsAgo = (years: number) => {
  const date = new Date();
  date.setFullYear(date.getFullYear() - years);
  return date.toISOString().slice(0, 10);
};
const sorted = (ids: string[]) => [...ids].sort();

describe('referral detail follows consent', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let network: Network;
  let referrer: Agency;
  let receiver: Agency;
  let worker: Person;
  let intake: Person;
  let bystander: Person;
  let stranger: Person;
  let readClient: { id: string; secret: string };
  let personalClient: { id: string; secret: string };

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    network = await world.network();
    referrer = await world.agency(network);
    receiver = await world.agency(network, 'SCHOOL_GUIDANCE');
    worker = await world.staff(referrer);
    intake = await world.staff(receiver);
    bystander = await world.staff(receiver);
    stranger = await world.staff(await world.agency(await world.network()));
    readClient = await registerClient(['REFERRALS_READ']);
    personalClient = await registerClient(['REFERRALS_READ', 'REFERRALS_PERSONAL']);
  }, 120_000);
  afterAll(() => api.stop());

  // --- helpers -------------------------------------------------------------------------------------

  async function registerClient(scopes: IntegrationScope[]) {
    const { registerIntegrationClient } = await api.ok(receiver.admin.subject, RegisterIntegrationClientDocument, {
      input: { agencyId: receiver.id, name: `Dossiersysteem ${randomUUID()}`, scopes },
    });
    return { id: registerIntegrationClient.client.id, secret: registerIntegrationClient.clientSecret };
  }

  /** One operation as an integration client, with a token from the client-credentials grant. */
  async function asClient(client: { id: string; secret: string }, operation: DocumentNode | string, variables: Record<string, unknown> = {}) {
    const http = () => request(api.app.getHttpServer());
    const token = await http().post('/oauth/token').send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
    const res = await http().post('/graphql').set('Authorization', `Bearer ${token.body.access_token}`).send({ query: queryText(operation), variables });
    const body = res.body as GraphQLResult;
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data!;
  }

  /**
   * A family of R's worker: Sara, Lien (14, decides for herself) and Mo (6, Sara speaks for him), each
   * with a REFERRAL consent to B and a portal login; three referrals sent to B: about Sara and Lien,
   * about Lien, and about Mo.
   */
  async function scene() {
    const family = await world.familyWithPlan(worker, {
      members: [parent('Sara', 'Janssens'), child('Lien', 'Janssens', yearsAgo(14)), child('Mo', 'Janssens', '2020-05-01')],
    });
    const [sara, lien, mo] = family.memberIds as [string, string, string];
    const consent = { sara: await grant(sara, sara), lien: await grant(lien, lien), mo: await grant(mo, sara) };
    const login = { sara: await world.portalLogin(worker, sara), lien: await world.portalLogin(worker, lien) };
    const referral = { both: await sent(family.planId, [sara, lien]), lien: await sent(family.planId, [lien]), mo: await sent(family.planId, [mo]) };
    return { familyId: family.familyId, planId: family.planId, sara, lien, mo, consent, login, referral };
  }
  type Scene = Awaited<ReturnType<typeof scene>>;

  /** `grantor` consents, for `member`, to referral to B; the consent's id. */
  async function grant(member: string, grantor: string): Promise<string> {
    const { recordConsent } = await api.ok(worker.subject, RecordConsentDocument, {
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
    });
    return recordConsent.id;
  }

  async function sent(planId: string, memberIds: string[]): Promise<{ id: string; version: number }> {
    const { createReferral } = await api.ok(worker.subject, CreateReferralDocument, {
      input: { planId, toAgencyId: receiver.id, memberIds, reason: REASON, urgency: 'ROUTINE', requestedService: 'Leerlingenbegeleiding' },
    });
    const { sendReferral } = await api.ok(worker.subject, SendReferralDocument, { input: { referralId: createReferral.id, expectedVersion: 1 } });
    return sendReferral;
  }

  /** Lien withdraws her REFERRAL consent to B herself, in the portal. */
  const lienRevokes = (s: Scene) =>
    api.ok(s.login.lien, RevokeConsentDocument, { input: { consentId: s.consent.lien, reason: 'Ik wil dit niet meer delen' } });

  const read = async (subject: string, id: string): Promise<ReferralView> => (await api.ok(subject, ReferralDetailDocument, { id })).referral;
  const incoming = async (subject: string, id: string): Promise<ReferralView | undefined> =>
    (await api.ok(subject, IncomingReferralDetailsDocument)).referrals.edges.map((e: { node: ReferralView }) => e.node).find((n: ReferralView) => n.id === id);
  const portal = async (login: string): Promise<ReferralView[]> => (await api.ok(login, MyFamilyReferralDetailsDocument)).myFamily.family.referrals;

  /** The audit entries of the reads of `referralId` by `actorSubject` (after the entry `since`), oldest first. */
  const readsOf = async (actorSubject: string, referralId: string, since = '0'): Promise<AuditRow[]> =>
    (
      (await db.query(
        `SELECT entity_type, entity_ids::text[] AS entity_ids, member_ids::text[] AS member_ids, categories, legal_basis, consent_ids::text[] AS consent_ids, parts
           FROM audit_event
          WHERE action = 'READ' AND entity_type = 'Referral' AND actor_subject = $1 AND $2 = ANY(entity_ids) AND seq > $3 ORDER BY seq`,
        [actorSubject, referralId, since],
      )) as PartedEntry[]
    ).flatMap((entry) =>
      partsOf(entry)
        .filter((part) => part.records.includes(referralId))
        .map((part) => ({ legal_basis: part.basis, categories: part.categories, consent_ids: part.consents })),
    );
  const lastAuditEntry = async (): Promise<string> => (await db.query(`SELECT coalesce(max(seq), 0)::text AS seq FROM audit_event`))[0].seq;

  /** Status, dates and agencies, and nothing the referral says about the members. */
  function expectStatusOnly(view: ReferralView | undefined, status = 'SENT') {
    expect(view).toMatchObject({
      status,
      sentAt: expect.any(String),
      reason: null,
      declineReason: null,
      withdrawReason: null,
      outcomeNote: null,
      fromAgency: { id: referrer.id },
      toAgency: { id: receiver.id },
    });
    for (const transition of view!.transitions) expect(transition.reason).toBeNull();
    for (const meeting of view!.handoverMeetings) expect(meeting).toEqual({ location: null, note: null });
    expect(JSON.stringify(view)).not.toContain('scheiding');
  }

  // ==================================================================================================
  describe('3. the receiving agency reads what a referral says only under the REFERRAL consent of every member it concerns', () => {
    let s: Scene;
    beforeAll(async () => {
      s = await scene();
    });

    it('with every consent in force, a caseworker of B not assigned to the family reads it, audited as CONSENT naming those consents', async () => {
      const view = await read(bystander.subject, s.referral.both.id);
      expect(view).toMatchObject({ status: 'SENT', reason: REASON });
      expect(sorted(view.members.map((m) => m.id))).toEqual(sorted([s.sara, s.lien]));
      const [audit] = await readsOf(bystander.subject, s.referral.both.id);
      expect(audit).toEqual({ legal_basis: 'CONSENT', categories: ['REFERRAL'], consent_ids: sorted([s.consent.sara, s.consent.lien]) });
      // The personal-scope client of B too; the status-only client never.
      expect((await asClient(personalClient, ReferralDetailDocument, { id: s.referral.both.id })).referral.reason).toBe(REASON);
      expectStatusOnly((await asClient(readClient, ReferralDetailDocument, { id: s.referral.both.id })).referral);
    });

    describe('after Lien (14) withdraws her REFERRAL consent to B', () => {
      let revokedAt: string;
      beforeAll(async () => {
        await lienRevokes(s);
        revokedAt = await lastAuditEntry();
      });

      it('the unassigned caseworker of B sees status, dates and agencies only, by id and in IncomingReferralDetailsDocument, and Sara but not Lien among the members', async () => {
        for (const view of [await read(bystander.subject, s.referral.both.id), await incoming(bystander.subject, s.referral.both.id)]) {
          expectStatusOnly(view);
          // Sara's own consent still covers her: each member is listed under her own consent.
          expect(view!.members.map((m) => m.id)).toEqual([s.sara]);
        }
        const lienOnly = await read(bystander.subject, s.referral.lien.id);
        expectStatusOnly(lienOnly);
        expect(lienOnly.members).toEqual([]);
        // The referral about Mo alone is untouched by Lien's decision.
        expect((await read(bystander.subject, s.referral.mo.id)).reason).toBe(REASON);
      });

      it('those reads are audited as what they were: the status of a referral sent to B (no category), never ASSIGNMENT', async () => {
        await read(bystander.subject, s.referral.both.id);
        await incoming(bystander.subject, s.referral.lien.id);
        const reads = [...(await readsOf(bystander.subject, s.referral.both.id, revokedAt)), ...(await readsOf(bystander.subject, s.referral.lien.id, revokedAt))];
        expect(reads.length).toBeGreaterThanOrEqual(2);
        for (const row of reads) expect(row).toEqual({ legal_basis: 'RECIPIENT', categories: [], consent_ids: [] });
        const assignment = await db.query(`SELECT count(*)::int AS n FROM audit_event WHERE actor_user_id = $1 AND legal_basis = 'ASSIGNMENT'`, [
          bystander.userId,
        ]);
        expect(assignment[0].n).toBe(0);
      });

      it('the personal-scope client sees status only and Sara; the status-only client status only and nobody; both audited as RECIPIENT', async () => {
        const personal: ReferralView = (await asClient(personalClient, ReferralDetailDocument, { id: s.referral.both.id })).referral;
        expectStatusOnly(personal);
        expect(personal.members.map((m) => m.id)).toEqual([s.sara]);
        const statusOnly: ReferralView = (await asClient(readClient, ReferralDetailDocument, { id: s.referral.both.id })).referral;
        expectStatusOnly(statusOnly);
        expect(statusOnly.members).toEqual([]);
        for (const client of [personalClient, readClient]) {
          const reads = await readsOf(`client:${client.id}`, s.referral.both.id, revokedAt);
          expect(reads.at(-1)).toEqual({ legal_basis: 'RECIPIENT', categories: [], consent_ids: [] });
        }
      });

      it('the referring side still reads what it wrote', async () => {
        expect((await read(worker.subject, s.referral.both.id)).reason).toBe(REASON);
      });

      it('a caseworker of another network still finds nothing', async () => {
        expect(codeOf(await api.gql(stranger.subject, ReferralDetailDocument, { id: s.referral.both.id }))).toBe('NOT_FOUND');
        expect(await incoming(stranger.subject, s.referral.both.id)).toBeUndefined();
      });
    });
  });

  // ==================================================================================================
  describe('3. after acceptance: the access rule of the family’s team', () => {
    it('the accepting caseworker (now assigned) reads it under consent; after a revocation only under break-glass, audited as such', async () => {
      const s = await scene();
      const { id } = s.referral.both;
      const received = (await api.ok(intake.subject, ReceiveReferralDocument, { input: { referralId: id, expectedVersion: 2 } })).receiveReferral;
      const accepted = (await api.ok(intake.subject, AcceptReferralDocument, { input: { referralId: id, expectedVersion: received.version } })).acceptReferral;
      const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
      await api.ok(worker.subject, ScheduleHandoverDocument, {
        input: { referralId: id, expectedVersion: accepted.version, startsAt, location: HOME, attendees: ['FAMILY', 'REFERRER', 'RECEIVER'] },
      });
      expect(await read(intake.subject, id)).toMatchObject({ reason: REASON, handoverMeetings: [{ location: HOME }] });
      expect((await readsOf(intake.subject, id)).at(-1)!.legal_basis).toBe('CONSENT');

      await lienRevokes(s);
      const afterRevocation = await read(intake.subject, id);
      expectStatusOnly(afterRevocation, 'HANDOVER_SCHEDULED');
      expect(afterRevocation.handoverMeetings).toHaveLength(1);
      // The status is read as a member of the family's team: that basis is true now.
      expect((await readsOf(intake.subject, id)).at(-1)).toEqual({ legal_basis: 'ASSIGNMENT', categories: [], consent_ids: [] });
      // Not on the team: status only as well.
      expectStatusOnly(await read(bystander.subject, id), 'HANDOVER_SCHEDULED');

      await api.ok(intake.subject, BreakGlassForAcuteCareDocument, { f: s.familyId });
      expect(await read(intake.subject, id)).toMatchObject({ reason: REASON, handoverMeetings: [{ location: HOME }] });
      expect((await readsOf(intake.subject, id)).at(-1)).toMatchObject({ legal_basis: 'BREAK_GLASS', categories: ['REFERRAL'] });
      // Break-glass is the caseworker's own, not her agency's.
      expectStatusOnly(await read(bystander.subject, id), 'HANDOVER_SCHEDULED');
    });
  });

  // ==================================================================================================
  describe('7. the portal shows every referral that concerns the member', () => {
    let s: Scene;
    let elsLogin: string;
    beforeAll(async () => {
      s = await scene();
      const els = await world.family(worker, [parent('Els', 'Claes')]);
      elsLogin = await world.portalLogin(worker, els.memberIds[0]!);
    });
    const byId = (views: ReferralView[], id: string) => views.find((v) => v.id === id);

    it('Sara (the parent) sees the referral about her and Lien (14) with status, dates, agencies and both members, not its reason', async () => {
      const views = await portal(s.login.sara);
      expect(sorted(views.map((v) => v.id))).toEqual(sorted([s.referral.both.id, s.referral.mo.id]));
      const both = byId(views, s.referral.both.id);
      expectStatusOnly(both);
      expect(sorted(both!.members.map((m) => m.id))).toEqual(sorted([s.sara, s.lien]));
      // She speaks for Mo (6): his referral in full.
      expect(byId(views, s.referral.mo.id)!.reason).toBe(REASON);
      // By id as well; Lien's own referral is hers, not her mother's.
      expectStatusOnly(await read(s.login.sara, s.referral.both.id));
      expect(codeOf(await api.gql(s.login.sara, ReferralDetailDocument, { id: s.referral.lien.id }))).toBe('NOT_FOUND');
    });

    it('Lien (14) sees the same referral, status only, and her own in full, not her brother’s', async () => {
      const views = await portal(s.login.lien);
      expect(sorted(views.map((v) => v.id))).toEqual(sorted([s.referral.both.id, s.referral.lien.id]));
      expectStatusOnly(byId(views, s.referral.both.id));
      expect(byId(views, s.referral.lien.id)!.reason).toBe(REASON);
      expect(codeOf(await api.gql(s.login.lien, ReferralDetailDocument, { id: s.referral.mo.id }))).toBe('NOT_FOUND');
    });

    it('a member of another family sees none of them', async () => {
      expect(await portal(elsLogin)).toEqual([]);
      for (const { id } of Object.values(s.referral)) expect(codeOf(await api.gql(elsLogin, ReferralDetailDocument, { id }))).toBe('NOT_FOUND');
    });
  });

  // ==================================================================================================
  describe('10. integration clients see agencies, never persons', () => {
    it('the steps of a referral name the acting agency to a client, not the caseworker; people still see who acted', async () => {
      const s = await scene();
      const { id } = s.referral.lien;
      await api.ok(intake.subject, ReceiveReferralDocument, { input: { referralId: id, expectedVersion: 2 } });
      const steps = [
        { to: 'DRAFT', actorAgency: { id: referrer.id } },
        { to: 'SENT', actorAgency: { id: referrer.id } },
        { to: 'RECEIVED', actorAgency: { id: receiver.id } },
      ];
      for (const client of [readClient, personalClient]) {
        const { referral } = await asClient(client, ReferralTransitionsDocument, { id });
        expect(referral.transitions).toEqual(steps.map((step) => ({ ...step, actor: null })));
      }
      const { referral } = await api.ok(bystander.subject, ReferralTransitionsDocument, { id });
      expect(referral.transitions.map((t) => t.actor!.id)).toEqual([worker.userId, worker.userId, intake.userId]);
    });

    it('transitions.actor and bridgeFigure (null for a client: bridge-figure.e2e-spec) are the only fields reachable from Referral that name a person', async () => {
      const { __schema } = await api.ok(
        intake.subject,
        `{ __schema { types { name kind fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`,
      );
      type TypeRef = { kind: string; name: string | null; ofType: TypeRef | null };
      const types = new Map<string, { fields: { name: string; type: TypeRef }[] | null }>(__schema.types.map((t: { name: string }) => [t.name, t]));
      const named = (ref: TypeRef): string => (ref.ofType ? named(ref.ofType) : ref.name!);
      const personTypes = new Set(['User', 'Membership', 'Viewer', 'CaseAssignment', 'TrajectorySupporter']);
      const found: string[] = [];
      const walk = (typeName: string, path: string[], seen: Set<string>) => {
        for (const field of types.get(typeName)?.fields ?? []) {
          const target = named(field.type);
          const at = [...path, field.name];
          if (personTypes.has(target) || /(displayName|userName|actorName)$/.test(field.name)) found.push(at.join('.'));
          else if (types.get(target)?.fields && !seen.has(target)) walk(target, at, new Set([...seen, target]));
        }
      };
      walk('Referral', [], new Set(['Referral']));
      expect(found.sort()).toEqual(['bridgeFigure', 'transitions.actor']);
    });
  });
});
