import { randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { KNOWN_FAMILY_PROBE } from '../src/families/known-families.js';
import {
  AddFamilyMemberIdentityDocument,
  FamilyIdentityAccessLogDocument,
  FamilyIdentityInboxDocument,
  FamilyIdentityMembersDocument,
  FindKnownFamilyDocument,
  type FindKnownFamilyInput,
  PendingTeamParticipationRequestsDocument,
  type FamilyMemberInput as MemberInput,
  RegisterFamilyIdentityDocument,
  UpdateFamilyMemberDocument,
  RegisterIntegrationClientDocument,
  RemoveMembershipDocument,
  RequestTeamParticipationDocument,
  RespondToTeamParticipationDocument,
} from './graphql/generated.js';
import { freePort } from './support/free-port.js';
import { ServiceProcess, serviceEnv } from './support/service-process.js';
import { codeOf, type GraphQLResult, PLATFORM_ADMIN, queryText, TestApi } from './support/test-app.js';
import { type Agency, type FamilyMemberInput as WorldMember, type Network, type Person, World } from './support/world.js';

/**
 * Whether a family is known (docs/family-identity.md): national register numbers validated and kept only as
 * keyed hashes, findKnownFamily for caseworkers only (across networks, naming agencies, never members), rate
 * limited and in the family's access log; registerFamily refusing duplicates; and a caseworker who found a
 * family asking its supporter to join the team, which still shows nothing without consent.
 */

/** A valid number: YYMMDD (month +20 or +40 for a BIS number), a serial, and the check digits for its century. */
function nationalNumber(options: { from2000?: boolean; bis?: 20 | 40 } = {}): string {
  const year = options.from2000 ? randomInt(0, 24) : randomInt(40, 99);
  const month = randomInt(1, 13) + (options.bis ?? 0);
  const body = `${String(year).padStart(2, '0')}${String(month).padStart(2, '0')}${String(randomInt(1, 29)).padStart(2, '0')}${String(randomInt(1, 998)).padStart(3, '0')}`;
  const check = 97n - (((options.from2000 ? 2_000_000_000n : 0n) + BigInt(body)) % 97n);
  return `${body}${String(check).padStart(2, '0')}`;
}

/** The number as people write it: 85.07.30-033.28. */
const written = (digits: string) => `${digits.slice(0, 2)}.${digits.slice(2, 4)}.${digits.slice(4, 6)}-${digits.slice(6, 9)}.${digits.slice(9)}`;

/** Every number this file sent: none may be found in clear in the database or the log. */
const sent: string[] = [];
const fresh = (options?: Parameters<typeof nationalNumber>[0]) => {
  const digits = nationalNumber(options);
  sent.push(digits);
  return digits;
};

const extensionsOf = (result: GraphQLResult<unknown>) => result.errors?.[0]?.extensions as Record<string, any> | undefined;

describe('family identity', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let net: Network;
  let agency: Agency;
  let partner: Agency;
  let supporter: Person;
  let partnerWorker: Person;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    net = await world.network();
    agency = await world.agency(net);
    partner = await world.agency(net, 'SCHOOL_GUIDANCE');
    supporter = await world.staff(agency);
    partnerWorker = await world.staff(partner);
  });
  afterAll(() => api.stop());

  const marker = () => `Merk${randomUUID().slice(0, 8)}`;
  const adult = (familyName: string, number?: string, givenName = 'Sára'): MemberInput => ({
    role: 'PARENT',
    givenName,
    familyName,
    birthDate: '1986-05-04',
    ...(number ? { nationalNumber: number } : {}),
  });

  /** A family of `supporter` with a plan she supports, `partner` on its team; the member's number and name. */
  async function knownFamily(number = fresh()) {
    const familyName = marker();
    const family = await world.family(supporter, [adult(familyName, number) as WorldMember]);
    const planId = await world.openPlan(supporter, family.id, { supporter, participants: [{ agencyId: partner.id, contribution: 'Schoolbegeleiding' }], consentForParticipants: false });
    return { familyId: family.id, memberId: family.memberIds[0]!, planId, number, familyName };
  }

  const find = (subject: string, input: FindKnownFamilyInput) => api.gql(subject, FindKnownFamilyDocument, { input });

  describe('national register numbers', () => {
    it.each([
      ['born before 2000', () => fresh()],
      ['born from 2000', () => fresh({ from2000: true })],
      ['BIS, sex unknown (month + 20)', () => fresh({ bis: 20 })],
      ['BIS, sex known (month + 40)', () => fresh({ bis: 40 })],
      ['written with separators', () => written(fresh())],
      ['written with spaces', () => fresh().replace(/^(\d{6})(\d{3})(\d{2})$/, '$1 $2 $3')],
    ])('accepts a valid number: %s, and finds the family by it', async (_case, make) => {
      const number = make();
      const { registerFamily } = await api.ok(supporter.subject, RegisterFamilyIdentityDocument, { input: { members: [adult(marker(), number)] } });
      const found = await api.ok(partnerWorker.subject, FindKnownFamilyDocument, { input: { nationalNumber: number.replace(/\D/g, ''), purpose: 'REFERRAL_INTAKE' } });
      expect(found.findKnownFamily.status).toBe('KNOWN');
      expect(found.findKnownFamily.families).toHaveLength(1);
      expect(registerFamily.id).toBeTruthy();
    });

    it.each([
      ['a wrong check digit', () => { const n = fresh(); return `${n.slice(0, 9)}${String((Number(n.slice(9)) % 97) + 1).padStart(2, '0')}`; }],
      ['ten digits', () => fresh().slice(0, 10)],
      ['letters', () => `${fresh().slice(0, 9)}AB`],
      ['a month that is none (month 13)', () => { const body = `851330033`; return `${body}${String(97n - (BigInt(body) % 97n)).padStart(2, '0')}`; }],
    ])('refuses %s: BAD_USER_INPUT naming the member\'s field, and nothing is registered', async (_case, make) => {
      const familyName = marker();
      const result = await api.gql(supporter.subject, RegisterFamilyIdentityDocument, { input: { members: [adult('Ok', fresh()), adult(familyName, make())] } });
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(extensionsOf(result)?.field).toBe('members.1.nationalNumber');
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM family_member WHERE family_name = $1`, [familyName]);
      expect(count).toBe(0);
      const lookup = await find(partnerWorker.subject, { nationalNumber: make(), purpose: 'REFERRAL_INTAKE' });
      expect(codeOf(lookup)).toBe('BAD_USER_INPUT');
      expect(extensionsOf(lookup)?.field).toBe('nationalNumber');
    });

    it('refuses two members with one number, and a number another member has when adding a member', async () => {
      const number = fresh();
      const twice = await api.gql(supporter.subject, RegisterFamilyIdentityDocument, { input: { members: [adult(marker(), number), adult(marker(), number, 'Jan')] } });
      expect(codeOf(twice)).toBe('BAD_USER_INPUT');
      expect(extensionsOf(twice)?.field).toBe('members.1.nationalNumber');
      const { familyId } = await knownFamily(number);
      const other = await knownFamily();
      const added = await api.gql(supporter.subject, AddFamilyMemberIdentityDocument, { input: { familyId: other.familyId, member: adult(marker(), number, 'Jan') } });
      expect(codeOf(added)).toBe('CONFLICT');
      expect(familyId).not.toBe(other.familyId);
    });
  });

  describe('findKnownFamily', () => {
    it('answers KNOWN with the agencies involved and the supporter at work, never members; NOT_KNOWN otherwise', async () => {
      const family = await knownFamily();
      const outsider = await world.staff(await world.agency(await world.network()));
      const result = await api.gql(outsider.subject, FindKnownFamilyDocument, { input: { nationalNumber: written(family.number), purpose: 'CHILD_SAFETY' } });
      const answer = result.data!.findKnownFamily;
      expect(answer.status).toBe('KNOWN');
      expect(answer.families).toHaveLength(1);
      const [match] = answer.families;
      expect(match!.matchedBy).toBe('NATIONAL_NUMBER');
      // Another network's caseworker learns only the family's network's agencies: the supporter's and the team's.
      expect(match!.agencies.map((a) => a.id).sort()).toEqual([agency.id, partner.id].sort());
      expect(match!.supporter).toEqual({ agency: { id: agency.id, name: expect.any(String) }, name: 'Test CASEWORKER', workContact: { email: null, phone: null } });
      expect(JSON.stringify(result)).not.toContain(family.familyName);
      expect(JSON.stringify(result)).not.toContain(family.memberId);
      expect(JSON.stringify(result)).not.toContain(family.familyId);

      const unknown = await api.ok(outsider.subject, FindKnownFamilyDocument, { input: { nationalNumber: fresh(), purpose: 'CHILD_SAFETY' } });
      expect(unknown.findKnownFamily).toEqual({ status: 'NOT_KNOWN', families: [] });
    });

    it('finds by name and birth date after folding case, accents and spaces', async () => {
      const family = await knownFamily();
      const found = await api.ok(partnerWorker.subject, FindKnownFamilyDocument, {
        input: { givenName: '  SARA ', familyName: family.familyName.toLowerCase().replace(/^(.)/, '$1 ').replace(' ', ''), birthDate: '1986-05-04', purpose: 'TEAM_FORMATION' },
      });
      expect(found.findKnownFamily.status).toBe('KNOWN');
      expect(found.findKnownFamily.families.map((f) => f.matchedBy)).toEqual(['NAME_AND_BIRTH_DATE']);
      const otherDay = await api.ok(partnerWorker.subject, FindKnownFamilyDocument, {
        input: { givenName: 'Sara', familyName: family.familyName, birthDate: '1986-05-05', purpose: 'TEAM_FORMATION' },
      });
      expect(otherDay.findKnownFamily.status).toBe('NOT_KNOWN');
    });

    it('finds a corrected name or birth date by its new value, and no more by the old one', async () => {
      const family = await knownFamily();
      const newName = marker();
      await api.ok(supporter.subject, UpdateFamilyMemberDocument, { input: { memberId: family.memberId, familyName: newName, birthDate: '1986-05-06' } });
      const byName = (familyName: string, birthDate: string) =>
        api.ok(partnerWorker.subject, FindKnownFamilyDocument, { input: { givenName: 'Sara', familyName, birthDate, purpose: 'TEAM_FORMATION' } });
      expect((await byName(newName, '1986-05-06')).findKnownFamily.status).toBe('KNOWN');
      expect((await byName(family.familyName, '1986-05-04')).findKnownFamily.status).toBe('NOT_KNOWN');
      // The number did not change: it still finds her.
      const byNumber = await api.ok(partnerWorker.subject, FindKnownFamilyDocument, { input: { nationalNumber: family.number!, purpose: 'TEAM_FORMATION' } });
      expect(byNumber.findKnownFamily.status).toBe('KNOWN');
    });

    it('refuses a lookup without an identifying field, with half a name, or an unknown purpose', async () => {
      const none = await find(partnerWorker.subject, { purpose: 'CHILD_SAFETY' });
      expect(codeOf(none)).toBe('BAD_USER_INPUT');
      expect(extensionsOf(none)?.field).toBe('nationalNumber');
      const half = await find(partnerWorker.subject, { givenName: 'Sara', familyName: 'Peeters', purpose: 'CHILD_SAFETY' });
      expect(codeOf(half)).toBe('BAD_USER_INPUT');
      expect(extensionsOf(half)?.field).toBe('birthDate');
      const purpose = await find(partnerWorker.subject, { nationalNumber: fresh(), purpose: 'CURIOSITY' as never });
      expect(codeOf(purpose)).toBe('BAD_USER_INPUT');
    });

    it('is for caseworkers only: volunteers, admins, coordinators, the portal, integration clients and a removed caseworker are refused', async () => {
      const family = await knownFamily();
      const input = { nationalNumber: family.number, purpose: 'CHILD_SAFETY' as const };
      const otherNet = await world.network();
      const otherAdmin = (await world.agency(otherNet)).admin;
      const portal = await world.portalLogin(supporter, family.memberId);
      const removed = await world.staff(partner);
      expect(codeOf(await find(removed.subject, input))).toBe('OK');
      const [membership] = await db.query(`SELECT id FROM membership WHERE user_id = $1 AND agency_id = $2`, [removed.userId, partner.id]);
      await api.ok(partner.admin.subject, RemoveMembershipDocument, { id: membership.id });

      for (const subject of [
        await world.staff(partner, 'VOLUNTEER').then((p) => p.subject),
        partner.admin.subject,
        net.coordinator.subject,
        otherAdmin.subject,
        otherNet.coordinator.subject,
        PLATFORM_ADMIN,
        portal,
        removed.subject,
      ]) {
        expect([subject, codeOf(await find(subject, input))]).toEqual([subject, 'FORBIDDEN']);
      }

      const { registerIntegrationClient } = await api.ok(partner.admin.subject, RegisterIntegrationClientDocument, {
        input: { agencyId: partner.id, name: 'Partner', scopes: ['REFERRALS_READ', 'REFERRALS_WRITE', 'REFERRALS_PERSONAL'] },
      });
      const token = await request(api.app.getHttpServer())
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: registerIntegrationClient.client.id, client_secret: registerIntegrationClient.clientSecret });
      const res = await request(api.app.getHttpServer())
        .post('/graphql')
        .set('Authorization', `Bearer ${token.body.access_token as string}`)
        .send({ query: queryText(FindKnownFamilyDocument), variables: { input } });
      expect(codeOf(res.body)).toBe('FORBIDDEN');
    });

    it("shows in the family's access log: an employee of the agency asked, and why", async () => {
      const family = await knownFamily();
      await api.ok(partnerWorker.subject, FindKnownFamilyDocument, { input: { nationalNumber: family.number, purpose: 'CHILD_SAFETY' } });
      const portal = await world.portalLogin(supporter, family.memberId);
      const { accessLog } = await api.ok(portal, FamilyIdentityAccessLogDocument, { f: family.familyId });
      const [partnerName] = (await db.query(`SELECT name FROM agency WHERE id = $1`, [partner.id])).map((r: { name: string }) => r.name);
      const lookups = accessLog.edges.map((e) => e.node).filter((n) => n.entityType === 'family_lookup');
      expect(lookups).toEqual([
        {
          entityType: 'family_lookup',
          actor: `Een medewerker van ${partnerName}`,
          description: `Een medewerker van ${partnerName} vroeg of uw gezin gekend is, uit zorg om de veiligheid van een kind.`,
        },
      ]);
      // Audited with the asker, in the same transaction as the lookup's record.
      const audited = await db.query(
        `SELECT ae.actor_user_id, ae.acting_agency_id FROM audit_event ae JOIN family_lookup fl ON fl.id = ae.entity_id WHERE ae.entity_type = 'family_lookup' AND fl.family_id = $1`,
        [family.familyId],
      );
      expect(audited).toEqual([{ actor_user_id: partnerWorker.userId, acting_agency_id: partner.id }]);
    });

    it('is an index probe: no sequential scan of the member keys, even when the planner would rather', async () => {
      const plan = await db.transaction(async (em) => {
        await em.query(`SET LOCAL enable_seqscan = off`);
        const rows: { 'QUERY PLAN': string }[] = await em.query(`EXPLAIN ${KNOWN_FAMILY_PROBE}`, [[Buffer.alloc(32)], [Buffer.alloc(32, 1)]]);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toMatch(/Index|Bitmap/);
      expect(plan).not.toMatch(/Seq Scan on family_member_identity/);
      // And the statements of a lookup do not depend on the data: the same for a known and an unknown number.
      const family = await knownFamily();
      const known = await api.countStatements(() => api.ok(partnerWorker.subject, FindKnownFamilyDocument, { input: { nationalNumber: family.number, purpose: 'REFERRAL_INTAKE' } }));
      const unknown = await api.countStatements(() => api.ok(partnerWorker.subject, FindKnownFamilyDocument, { input: { nationalNumber: fresh(), purpose: 'REFERRAL_INTAKE' } }));
      expect(known).toBe(unknown);
    });
  });

  it('at 200,000 members the planner itself probes the indexes (rolled back)', async () => {
    const plan = await db
      .transaction(async (em) => {
        // Keys without their families, for the plan only: the foreign keys are triggers, off for this transaction.
        await em.query(`SET LOCAL session_replication_role = replica`);
        await em.query(
          `INSERT INTO family_member_identity (id, member_id, family_id, national_number_hash, name_hash)
           SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), sha256(('n' || i)::bytea), sha256(('m' || i)::bytea)
             FROM generate_series(1, 200000) i`,
        );
        await em.query(`ANALYZE family_member_identity`);
        const rows: { 'QUERY PLAN': string }[] = await em.query(`EXPLAIN ${KNOWN_FAMILY_PROBE}`, [[Buffer.alloc(32)], [Buffer.alloc(32, 1)]]);
        throw Object.assign(new Error('roll back'), { plan: rows.map((r) => r['QUERY PLAN']).join('\n') });
      })
      .catch((rolledBack: { plan?: string }) => rolledBack.plan ?? '');
    expect(plan).toMatch(/Index/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  describe('with the limits of production', () => {
    let limited: TestApi;
    beforeAll(async () => {
      limited = await TestApi.start({ RATE_LIMIT_FAMILY_LOOKUPS: '2', DUPLICATE_NAME_CHECK: 'true' });
    });
    afterAll(() => limited.stop());

    it('refuses a user beyond the limit with TOO_MANY_REQUESTS; another user still asks', async () => {
      const input = { nationalNumber: fresh(), purpose: 'REFERRAL_INTAKE' as const };
      expect(codeOf(await limited.gql(partnerWorker.subject, FindKnownFamilyDocument, { input }))).toBe('OK');
      expect(codeOf(await limited.gql(partnerWorker.subject, FindKnownFamilyDocument, { input }))).toBe('OK');
      const refused = await limited.gql(partnerWorker.subject, FindKnownFamilyDocument, { input });
      expect(codeOf(refused)).toBe('TOO_MANY_REQUESTS');
      expect(codeOf(await limited.gql(supporter.subject, FindKnownFamilyDocument, { input }))).toBe('OK');
    });

    it('asks for confirmNotDuplicate on a name and birth-date match, and registers with it (recorded)', async () => {
      const family = await knownFamily();
      const members = [adult(` ${family.familyName.toUpperCase()} `, undefined, 'Sara')];
      const result = await limited.gql(partnerWorker.subject, RegisterFamilyIdentityDocument, { input: { members } });
      expect(codeOf(result)).toBe('CONFLICT');
      expect(extensionsOf(result)!.field).toBe('confirmNotDuplicate');
      expect(extensionsOf(result)!.known.families[0].matchedBy).toBe('NAME_AND_BIRTH_DATE');
      const { registerFamily } = await limited.ok(partnerWorker.subject, RegisterFamilyIdentityDocument, { input: { members, confirmNotDuplicate: true } });
      const recorded = await db.query(`SELECT registered_family_id FROM family_lookup WHERE family_id = $1 AND registered_family_id IS NOT NULL`, [family.familyId]);
      expect(recorded).toEqual([{ registered_family_id: registerFamily.id }]);
    });
  });

  describe('registerFamily', () => {
    it('refuses a member whose number is known with CONFLICT and the "known" answer, and registers nothing', async () => {
      const family = await knownFamily();
      const familyName = marker();
      const result = await api.gql(partnerWorker.subject, RegisterFamilyIdentityDocument, { input: { members: [adult(familyName, written(family.number))] } });
      expect(codeOf(result)).toBe('CONFLICT');
      const known = extensionsOf(result)!.known;
      expect(known.status).toBe('KNOWN');
      expect(known.families).toHaveLength(1);
      expect(known.families[0].matchedBy).toBe('NATIONAL_NUMBER');
      expect(known.families[0].agencies.map((a: { id: string }) => a.id).sort()).toEqual([agency.id, partner.id].sort());
      expect(known.families[0].handle).toEqual(expect.any(String));
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM family_member WHERE family_name = $1`, [familyName]);
      expect(count).toBe(0);
      // Even confirmed: a number belongs to one member.
      const confirmed = await api.gql(partnerWorker.subject, RegisterFamilyIdentityDocument, { input: { members: [adult(familyName, family.number)], confirmNotDuplicate: true } });
      expect(codeOf(confirmed)).toBe('CONFLICT');
      // The answer given is in the family's log.
      const lookups = await db.query(`SELECT purpose, user_id FROM family_lookup WHERE family_id = $1`, [family.familyId]);
      expect(lookups).toEqual([
        { purpose: 'REGISTRATION', user_id: partnerWorker.userId },
        { purpose: 'REGISTRATION', user_id: partnerWorker.userId },
      ]);
    });

  });

  describe('requestTeamParticipation', () => {
    it('the supporter alone accepts; the agency joins the team and still sees nothing without consent', async () => {
      const family = await knownFamily();
      const asker = await world.staff(await world.agency(net, 'PUBLIC_SOCIAL_SERVICE'));
      const { findKnownFamily } = await api.ok(asker.subject, FindKnownFamilyDocument, { input: { nationalNumber: family.number, purpose: 'TEAM_FORMATION' } });
      const handle = findKnownFamily.families[0]!.handle;

      // Nobody else's lookup: another caseworker's handle is not found.
      expect(codeOf(await api.gql(partnerWorker.subject, RequestTeamParticipationDocument, { input: { handle } }))).toBe('NOT_FOUND');
      const { requestTeamParticipation: asked } = await api.ok(asker.subject, RequestTeamParticipationDocument, { input: { handle, message: 'Wij begeleiden de moeder.' } });
      expect(asked).toMatchObject({ status: 'REQUESTED', version: 1, requestingAgencyId: asker.agencyId });
      // Asked again with the same handle: the same request.
      const { requestTeamParticipation: again } = await api.ok(asker.subject, RequestTeamParticipationDocument, { input: { handle } });
      expect(again.id).toBe(asked.id);
      const { inbox } = await api.ok(supporter.subject, FamilyIdentityInboxDocument);
      expect(inbox.edges.map((e) => e.node.kind)).toContain('TEAM_PARTICIPATION_REQUESTED');
      const { pendingTeamParticipationRequests: pending } = await api.ok(supporter.subject, PendingTeamParticipationRequestsDocument);
      expect(pending).toContainEqual({ id: asked.id, planId: family.planId, requestingAgencyId: asker.agencyId, status: 'REQUESTED' });
      // Nobody else's to answer: the requester and another caseworker have none; a volunteer may not ask.
      expect((await api.ok(asker.subject, PendingTeamParticipationRequestsDocument)).pendingTeamParticipationRequests).toEqual([]);
      expect((await api.ok(partnerWorker.subject, PendingTeamParticipationRequestsDocument)).pendingTeamParticipationRequests).toEqual([]);
      expect(codeOf(await api.gql((await world.staff(agency, 'VOLUNTEER')).subject, PendingTeamParticipationRequestsDocument))).toBe('FORBIDDEN');

      const respond = (subject: string, accept: boolean, expectedVersion = 1) =>
        api.gql(subject, RespondToTeamParticipationDocument, { input: { requestId: asked.id, accept, expectedVersion } });
      expect(codeOf(await respond(asker.subject, true))).toBe('FORBIDDEN');
      expect(codeOf(await respond(partnerWorker.subject, true))).toBe('NOT_FOUND');
      expect(codeOf(await respond(supporter.subject, true, 7))).toBe('CONFLICT');

      // Before: the asker does not see the family at all.
      expect(codeOf(await api.gql(asker.subject, FamilyIdentityMembersDocument, { id: family.familyId }))).toBe('NOT_FOUND');
      const accepted = await respond(supporter.subject, true);
      expect(accepted.data!.respondToTeamParticipation).toMatchObject({ status: 'ACCEPTED', version: 2 });
      expect(codeOf(await respond(supporter.subject, true, 2))).toBe('OK');
      const declined = await respond(supporter.subject, false, 2);
      expect(codeOf(declined)).toBe('INVALID_TRANSITION');
      expect(extensionsOf(declined)!.currentStatus).toBe('ACCEPTED');

      // On the team now, but without the family's consent: the family and no member.
      const seen = await api.ok(asker.subject, FamilyIdentityMembersDocument, { id: family.familyId });
      expect(seen.family).toEqual({ id: family.familyId, members: [] });
      const team = await db.query(`SELECT agency_id FROM plan_participant WHERE plan_id = $1 AND removed_at IS NULL ORDER BY agency_id`, [family.planId]);
      expect(team.map((r: { agency_id: string }) => r.agency_id)).toContain(asker.agencyId);
    });

    it('a retry under the idempotency key answers the first request, one row; the key with another message is CONFLICT', async () => {
      const family = await knownFamily();
      const asker = await world.staff(await world.agency(net, 'PUBLIC_SOCIAL_SERVICE'));
      const { findKnownFamily } = await api.ok(asker.subject, FindKnownFamilyDocument, { input: { nationalNumber: family.number, purpose: 'TEAM_FORMATION' } });
      const input = { handle: findKnownFamily.families[0]!.handle, message: 'Wij kennen de moeder.', idempotencyKey: `join-${family.familyId}` };
      const { requestTeamParticipation: first } = await api.ok(asker.subject, RequestTeamParticipationDocument, { input });
      const { requestTeamParticipation: retry } = await api.ok(asker.subject, RequestTeamParticipationDocument, { input });
      expect(retry).toEqual(first);
      const other = await api.gql(asker.subject, RequestTeamParticipationDocument, { input: { ...input, message: 'Iets anders.' } });
      expect(codeOf(other)).toBe('CONFLICT');
      const rows = await db.query(`SELECT id, message FROM team_participation_request WHERE family_id = $1 AND requesting_agency_id = $2`, [family.familyId, asker.agencyId]);
      expect(rows).toEqual([{ id: first.id, message: 'Wij kennen de moeder.' }]);
      // A stale answer changes nothing: the request stays REQUESTED at version 1.
      const stale = await api.gql(supporter.subject, RespondToTeamParticipationDocument, { input: { requestId: first.id, accept: true, expectedVersion: 2 } });
      expect(codeOf(stale)).toBe('CONFLICT');
      expect(await db.query(`SELECT status, version FROM team_participation_request WHERE id = $1`, [first.id])).toEqual([{ status: 'REQUESTED', version: 1 }]);
      expect(await db.query(`SELECT 1 FROM plan_participant WHERE plan_id = $1 AND agency_id = $2`, [family.planId, asker.agencyId])).toEqual([]);
    });

    it('a decline adds nobody; another network\'s caseworker cannot ask to join', async () => {
      const family = await knownFamily();
      const asker = await world.staff(await world.agency(net, 'PUBLIC_SOCIAL_SERVICE'));
      const { findKnownFamily } = await api.ok(asker.subject, FindKnownFamilyDocument, { input: { nationalNumber: family.number, purpose: 'TEAM_FORMATION' } });
      const { requestTeamParticipation: asked } = await api.ok(asker.subject, RequestTeamParticipationDocument, { input: { handle: findKnownFamily.families[0]!.handle } });
      const { respondToTeamParticipation } = await api.ok(supporter.subject, RespondToTeamParticipationDocument, { input: { requestId: asked.id, accept: false, expectedVersion: 1 } });
      expect(respondToTeamParticipation.status).toBe('DECLINED');
      expect((await api.ok(supporter.subject, PendingTeamParticipationRequestsDocument)).pendingTeamParticipationRequests.map((r) => r.id)).not.toContain(asked.id);
      expect(codeOf(await api.gql(asker.subject, FamilyIdentityMembersDocument, { id: family.familyId }))).toBe('NOT_FOUND');

      const outsider = await world.staff(await world.agency(await world.network()));
      const found = await api.ok(outsider.subject, FindKnownFamilyDocument, { input: { nationalNumber: family.number, purpose: 'TEAM_FORMATION' } });
      const refused = await api.gql(outsider.subject, RequestTeamParticipationDocument, { input: { handle: found.findKnownFamily.families[0]!.handle } });
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      expect(extensionsOf(refused)!.field).toBe('handle');
    });
  });

  describe('erasure', () => {
    it("an erased family is found no more: its members' keys go, and its requests' messages", async () => {
      const family = await knownFamily();
      const asker = await world.staff(await world.agency(net, 'PUBLIC_SOCIAL_SERVICE'));
      const { findKnownFamily } = await api.ok(asker.subject, FindKnownFamilyDocument, { input: { nationalNumber: family.number, purpose: 'TEAM_FORMATION' } });
      await api.ok(asker.subject, RequestTeamParticipationDocument, { input: { handle: findKnownFamily.families[0]!.handle, message: 'Wij kennen de moeder.' } });
      await db.transaction(async (em) => {
        await em.query(`SELECT set_config('app.actor_subject', 'retention-test', true)`);
        await em.query(`SELECT erase_personal_data($1)`, [family.familyId]);
      });
      expect(await db.query(`SELECT 1 FROM family_member_identity WHERE family_id = $1`, [family.familyId])).toEqual([]);
      expect(await db.query(`SELECT message FROM team_participation_request WHERE family_id = $1`, [family.familyId])).toEqual([{ message: null }]);
      const after = await api.ok(asker.subject, FindKnownFamilyDocument, { input: { nationalNumber: family.number, purpose: 'TEAM_FORMATION' } });
      expect(after.findKnownFamily.status).toBe('NOT_KNOWN');
    });
  });

  describe('no number in clear', () => {
    it('no text column of any table holds a number sent, in any form', async () => {
      expect(sent.length).toBeGreaterThan(10);
      const columns: { table_name: string; column_name: string }[] = await db.query(
        `SELECT c.table_name, c.column_name FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
          WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')`,
      );
      expect(columns.length).toBeGreaterThan(50);
      const patterns = sent.flatMap((digits) => [`%${digits}%`, `%${written(digits)}%`, `%${digits.slice(0, 6)} ${digits.slice(6, 9)}%`]);
      const found: string[] = [];
      for (const { table_name, column_name } of columns) {
        const [{ hits }] = await db.query(`SELECT count(*)::int AS hits FROM "${table_name}" WHERE "${column_name}"::text LIKE ANY($1)`, [patterns]);
        if (hits > 0) found.push(`${table_name}.${column_name}`);
      }
      expect(found).toEqual([]);
    });

    it('nor does the log of a service registering, refusing and looking up numbers', async () => {
      const port = await freePort();
      const service = new ServiceProcess(serviceEnv(process.env.DATABASE_URL!, port, { WEBHOOK_WORKER: 'false', LOG_LEVEL: 'debug' }), port);
      await service.start();
      try {
        const number = nationalNumber();
        const members = [adult(marker(), written(number))];
        const first = await service.request(supporter.subject, queryText(RegisterFamilyIdentityDocument), { input: { members } });
        expect(first.body.errors).toBeUndefined();
        const second = await service.request(supporter.subject, queryText(RegisterFamilyIdentityDocument), { input: { members } });
        expect(second.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
        const bad = await service.request(supporter.subject, queryText(FindKnownFamilyDocument), { input: { nationalNumber: `${number.slice(0, 9)}00`, purpose: 'CHILD_SAFETY' } });
        expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        const lookup = await service.request(partnerWorker.subject, queryText(FindKnownFamilyDocument), { input: { nationalNumber: number, purpose: 'CHILD_SAFETY' } });
        expect(lookup.body.data?.findKnownFamily.status).toBe('KNOWN');
        expect(service.output.length).toBeGreaterThan(0);
        expect(service.output).not.toContain(number.slice(0, 9));
      } finally {
        await service.kill();
      }
    }, 120_000);
  });
});
