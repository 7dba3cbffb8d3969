import fc from 'fast-check';
import pg from 'pg';
import {
  AcceptMembershipInvitationDetailsDocument,
  AccessLogActionsDocument,
  AddMembershipFullDocument,
  CreateNetworkDocument,
  CreatePortalInvitationDetailsDocument,
  FamilyProbeDocument,
  type MembershipRole,
  MyFamilyConsentsDocument,
  MyIdentityDocument,
  RedeemPortalCodeDocument,
  RemoveMembershipIdDocument,
  RevokeConsentDocument,
  UnlinkFamilyPortalDocument,
} from './graphql/generated.js';
import { codeOf, PLATFORM_ADMIN, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, child, parent, type Person, World } from './support/world.js';

/**
 * One subject, one kind of principal: no administration or portal operation turns a portal login, a
 * professional or a platform admin into another kind, or reveals one to a stranger (issue "Trust boundaries").
 */
describe('identity boundaries', () => {
  let api: TestApi;
  let world: World;
  let sql: pg.Client;
  let agency: Agency;
  let foreignAgency: Agency;
  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    sql = new pg.Client(process.env.DATABASE_URL);
    await sql.connect();
    agency = await world.agency(await world.network());
    foreignAgency = await world.agency(await world.network());
  });
  afterAll(async () => {
    await sql.end();
    await api.stop();
  });

  const me = async (subject: string) => (await api.ok(subject, MyIdentityDocument)).me;

  /** Sara (adult, portal login) and Lien (15) in a family of `worker`, who consented to its agency. */
  async function portalFamily() {
    const worker = await world.staff(agency);
    const fifteen = `${new Date().getFullYear() - 15}-01-15`;
    const family = await world.family(worker, [parent('Sara', 'Claes'), child('Lien', 'Claes', fifteen)]);
    const [sara, lien] = family.memberIds as [string, string];
    const saraLogin = await world.portalLogin(worker, sara);
    return { worker, familyId: family.id, sara, lien, saraLogin };
  }

  const invite = async (admin: Person, agencyId: string, subject: string, role: MembershipRole = 'VOLUNTEER') =>
    api.gql(admin.subject, AddMembershipFullDocument, { input: { agencyId, subject, displayName: 'Onbekend', role } });

  describe('memberships across agencies', () => {
    it('adds a brand-new subject at once, and an existing colleague of the same agency gets the extra role at once', async () => {
      const subject = uniqueSubject('new');
      const added = (await invite(agency.admin, agency.id, subject, 'CASEWORKER')).data!.addMembership;
      expect(added).toMatchObject({ status: 'ACTIVE', role: 'CASEWORKER', user: { id: expect.any(String), displayName: 'Onbekend' } });
      expect((await me(subject)).kind).toBe('PROFESSIONAL');
      const extra = (await invite(agency.admin, agency.id, subject, 'VOLUNTEER')).data!.addMembership;
      expect(extra).toMatchObject({ status: 'ACTIVE', user: { id: added.user!.id } });
    });

    it("only invites another network's caseworker: nothing about her is revealed, nothing changes for her until she accepts", async () => {
      const colleague = await world.staff(agency);
      const family = await world.family(colleague, [parent('Ines', 'Wouters')]);
      const result = await invite(foreignAgency.admin, foreignAgency.id, colleague.subject);
      expect(result.data!.addMembership).toEqual({
        id: expect.any(String),
        status: 'INVITED',
        role: 'VOLUNTEER',
        user: null,
        agency: { id: foreignAgency.id },
      });
      // Her requests without X-Acting-Agency still work, and she still has one agency.
      expect(codeOf(await api.gql(colleague.subject, FamilyProbeDocument, { id: family.id }))).toBe('OK');
      const before = await me(colleague.subject);
      expect(before.memberships).toEqual([{ agency: { id: agency.id }, role: 'CASEWORKER' }]);
      expect(before.membershipInvitations).toEqual([
        { id: result.data!.addMembership.id, role: 'VOLUNTEER', agency: { id: foreignAgency.id, name: expect.any(String) } },
      ]);

      // Nobody else can accept it, not even the inviter; she can, once.
      expect(codeOf(await api.gql(foreignAgency.admin.subject, AcceptMembershipInvitationDetailsDocument, { id: result.data!.addMembership.id }))).toBe('NOT_FOUND');
      const accepted = (await api.ok(colleague.subject, AcceptMembershipInvitationDetailsDocument, { id: result.data!.addMembership.id })).acceptMembershipInvitation;
      expect(accepted).toMatchObject({ status: 'ACTIVE', role: 'VOLUNTEER', user: { id: colleague.userId }, agency: { id: foreignAgency.id } });
      const again = await api.gql(colleague.subject, AcceptMembershipInvitationDetailsDocument, { id: result.data!.addMembership.id });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'ACCEPTED' });
      expect((await me(colleague.subject)).memberships).toHaveLength(2);
    });

    it('lets an invitation expire, naming its state', async () => {
      const colleague = await world.staff(agency);
      const { id } = (await invite(foreignAgency.admin, foreignAgency.id, colleague.subject)).data!.addMembership;
      await sql.query(`BEGIN; SELECT set_config('app.actor_subject', 'test:expire', true);
        UPDATE membership_invitation SET expires_at = now() - interval '1 second' WHERE id = '${id}'; COMMIT;`);
      const late = await api.gql(colleague.subject, AcceptMembershipInvitationDetailsDocument, { id });
      expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'EXPIRED' });
      expect((await me(colleague.subject)).membershipInvitations).toEqual([]);
    });

    it("cannot turn a family member's portal login into a professional, nor take her family from her", async () => {
      const s = await portalFamily();
      const [consentId] = await world.consentAll(s.worker, { id: s.familyId, members: [{ id: s.sara, role: 'PARENT', birthDate: '1990-04-01' }], memberIds: [s.sara] }, agency.id, ['PLAN']);
      const result = await invite(foreignAgency.admin, foreignAgency.id, s.saraLogin);
      // Answered exactly as for any existing subject: it does not tell that this is a portal login.
      expect(result.data!.addMembership).toMatchObject({ status: 'INVITED', user: null });
      expect(codeOf(await api.gql(foreignAgency.admin.subject, RemoveMembershipIdDocument, { id: result.data!.addMembership.id }))).toBe('NOT_FOUND');

      const refused = await api.gql(s.saraLogin, AcceptMembershipInvitationDetailsDocument, { id: result.data!.addMembership.id });
      expect(codeOf(refused)).toBe('FORBIDDEN');
      expect(await me(s.saraLogin)).toMatchObject({ kind: 'FAMILY_MEMBER', user: null, memberships: [] });
      expect((await api.ok(s.saraLogin, MyFamilyConsentsDocument)).myFamily.family.id).toBe(s.familyId);
      const revoked = await api.ok(s.saraLogin, RevokeConsentDocument, { input: { consentId, reason: 'Ik wil dit niet meer' } });
      expect(revoked.revokeConsent.status).toBe('REVOKED');
    });

    it('cannot make a platform admin a member, nor take the admin role away', async () => {
      const result = await invite(foreignAgency.admin, foreignAgency.id, PLATFORM_ADMIN, 'AGENCY_ADMIN');
      expect(result.data!.addMembership).toMatchObject({ status: 'INVITED', user: null });
      expect(codeOf(await api.gql(PLATFORM_ADMIN, AcceptMembershipInvitationDetailsDocument, { id: result.data!.addMembership.id }))).toBe('FORBIDDEN');
      expect(await me(PLATFORM_ADMIN)).toMatchObject({ kind: 'PLATFORM_ADMIN', isPlatformAdmin: true, memberships: [], user: null });
      expect(codeOf(await api.gql(PLATFORM_ADMIN, CreateNetworkDocument, { input: { name: `Netwerk ${uniqueSubject('n')}` } }))).toBe('OK');
    });

    it('does not make a professional or a portal login a platform admin by configuration either', async () => {
      const s = await portalFamily();
      const configured = await TestApi.start({ PLATFORM_ADMIN_SUBJECTS: [PLATFORM_ADMIN, s.worker.subject, s.saraLogin].join(',') });
      try {
        const meThere = async (subject: string) => (await configured.ok(subject, MyIdentityDocument)).me;
        expect(await meThere(s.worker.subject)).toMatchObject({ kind: 'PROFESSIONAL', isPlatformAdmin: false });
        expect(await meThere(s.saraLogin)).toMatchObject({ kind: 'FAMILY_MEMBER', isPlatformAdmin: false });
        expect(codeOf(await configured.gql(s.worker.subject, CreateNetworkDocument, { input: { name: `Netwerk ${uniqueSubject('n')}` } }))).toBe('FORBIDDEN');
        expect(await meThere(PLATFORM_ADMIN)).toMatchObject({ kind: 'PLATFORM_ADMIN', isPlatformAdmin: true });
      } finally {
        await configured.stop();
      }
    });

    it('is enforced by the database: a subject claimed by one kind cannot be written as another', async () => {
      const s = await portalFamily();
      const worker = await world.staff(agency);
      const write = (statement: string, values: unknown[]) =>
        sql.query('BEGIN').then(async () => {
          try {
            await sql.query(`SELECT set_config('app.actor_subject', 'test:direct', true)`);
            await sql.query(statement, values);
            await sql.query('COMMIT');
            return 'written';
          } catch (error) {
            await sql.query('ROLLBACK');
            return (error as { code?: string }).code;
          }
        });
      // 23503: the kind's foreign key (see migration OneKindPerSubject).
      expect(await write(`INSERT INTO app_user (id, subject, display_name) VALUES (gen_random_uuid(), $1, 'x')`, [s.saraLogin])).toBe('23503');
      expect(await write(`UPDATE family_member SET portal_subject = $1 WHERE id = $2`, [worker.subject, s.lien])).toBe('23503');
      expect(await write(`UPDATE family_member SET portal_subject = $1 WHERE id = $2`, [PLATFORM_ADMIN, s.lien])).toBe('23503');
      expect(await write(`DELETE FROM subject_identity`, [])).not.toBe('written');
    });
  });

  describe('portal logins by invitation', () => {
    it('links the login of whoever redeems the code, once; the code is shown once and stored as a digest', async () => {
      const s = await portalFamily();
      const { createPortalInvitation } = await api.ok(s.worker.subject, CreatePortalInvitationDetailsDocument, { m: s.lien });
      expect(createPortalInvitation).toMatchObject({ memberId: s.lien, code: expect.stringMatching(/^[\w-]{20,}$/) });
      const { rows } = await sql.query(`SELECT code_digest FROM portal_invitation WHERE id = $1`, [createPortalInvitation.invitationId]);
      expect(rows[0].code_digest).not.toContain(createPortalInvitation.code);

      const lienLogin = uniqueSubject('lien');
      expect((await api.ok(lienLogin, RedeemPortalCodeDocument, { code: createPortalInvitation.code })).redeemPortalInvitation).toEqual({
        memberId: s.lien,
        familyId: s.familyId,
        linked: true,
      });
      expect((await api.ok(lienLogin, MyFamilyConsentsDocument)).myFamily.me.id).toBe(s.lien);
      expect((await me(lienLogin)).kind).toBe('FAMILY_MEMBER');
      // Single use: a second login gets nothing, and an unknown code answers the same.
      expect(codeOf(await api.gql(uniqueSubject('thief'), RedeemPortalCodeDocument, { code: createPortalInvitation.code }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(uniqueSubject('guess'), RedeemPortalCodeDocument, { code: 'AAAAAAAAAAAAAAAAAAAAAAAA' }))).toBe('NOT_FOUND');
    });

    it("never links a professional's or a platform admin's login, and leaves them what they are", async () => {
      const s = await portalFamily();
      const { code } = (await api.ok(s.worker.subject, CreatePortalInvitationDetailsDocument, { m: s.lien })).createPortalInvitation;
      expect(codeOf(await api.gql(s.worker.subject, RedeemPortalCodeDocument, { code }))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(PLATFORM_ADMIN, RedeemPortalCodeDocument, { code }))).toBe('FORBIDDEN');
      expect(await me(PLATFORM_ADMIN)).toMatchObject({ kind: 'PLATFORM_ADMIN', isPlatformAdmin: true });
      expect((await me(s.worker.subject)).kind).toBe('PROFESSIONAL');
      expect(codeOf(await api.gql(PLATFORM_ADMIN, MyFamilyConsentsDocument))).toBe('FORBIDDEN');
      // The code still works for the member herself.
      expect(codeOf(await api.gql(uniqueSubject('lien'), RedeemPortalCodeDocument, { code }))).toBe('OK');
    });

    it('does not replace a linked login: the team must end it first, which the family sees', async () => {
      const s = await portalFamily();
      expect(codeOf(await api.gql(s.worker.subject, CreatePortalInvitationDetailsDocument, { m: s.sara }))).toBe('CONFLICT');

      expect((await api.ok(s.worker.subject, UnlinkFamilyPortalDocument, { m: s.sara })).unlinkFamilyPortal).toEqual({ memberId: s.sara, linked: false });
      // Effective on the next request; the login stays a family member's login for good.
      expect(codeOf(await api.gql(s.saraLogin, MyFamilyConsentsDocument))).toBe('FORBIDDEN');
      expect((await me(s.saraLogin)).kind).toBe('FAMILY_MEMBER');
      expect(codeOf(await api.gql(s.worker.subject, UnlinkFamilyPortalDocument, { m: s.sara }))).toBe('CONFLICT');

      const first = (await api.ok(s.worker.subject, CreatePortalInvitationDetailsDocument, { m: s.sara })).createPortalInvitation;
      const second = (await api.ok(s.worker.subject, CreatePortalInvitationDetailsDocument, { m: s.sara })).createPortalInvitation;
      // A new code withdraws the one before.
      expect(codeOf(await api.gql(s.saraLogin, RedeemPortalCodeDocument, { code: first.code }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(s.saraLogin, RedeemPortalCodeDocument, { code: second.code }))).toBe('OK');
      const log = (await api.ok(s.saraLogin, AccessLogActionsDocument, { f: s.familyId })).accessLog.edges.map((e: any) => e.node);
      expect(log).toEqual(
        expect.arrayContaining([expect.objectContaining({ action: 'INSERT', description: expect.stringContaining('beëindigde een aanmelding voor het gezinsportaal') })]),
      );
    });

    it('lets a member end her own login, but not another member’s; strangers find nothing', async () => {
      const s = await portalFamily();
      const lienLogin = await world.portalLogin(s.worker, s.lien);
      expect(codeOf(await api.gql(lienLogin, UnlinkFamilyPortalDocument, { m: s.sara }))).toBe('FORBIDDEN');
      const foreign = await world.staff(foreignAgency);
      const unassigned = await world.staff(agency);
      for (const stranger of [foreign.subject, unassigned.subject, foreignAgency.admin.subject]) {
        expect(codeOf(await api.gql(stranger, UnlinkFamilyPortalDocument, { m: s.sara }))).toMatch(/NOT_FOUND|FORBIDDEN/);
        expect(codeOf(await api.gql(stranger, CreatePortalInvitationDetailsDocument, { m: s.sara }))).toMatch(/NOT_FOUND|FORBIDDEN/);
      }
      expect(codeOf(await api.gql(unassigned.subject, CreatePortalInvitationDetailsDocument, { m: s.sara }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(foreign.subject, CreatePortalInvitationDetailsDocument, { m: s.sara }))).toBe('NOT_FOUND');
      expect((await api.ok(lienLogin, UnlinkFamilyPortalDocument, { m: s.lien })).unlinkFamilyPortal.linked).toBe(false);
      expect(codeOf(await api.gql(lienLogin, MyFamilyConsentsDocument))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(s.saraLogin, MyFamilyConsentsDocument))).toBe('OK');
    });
  });

  it('keeps every subject its kind, whatever sequence of administration and portal operations runs', async () => {
    const s = await portalFamily();
    const professional = await world.staff(foreignAgency);
    const fresh = [uniqueSubject('fresh-a'), uniqueSubject('fresh-b')];
    const subjects = [PLATFORM_ADMIN, s.saraLogin, professional.subject, s.worker.subject, ...fresh];
    const admins = [agency.admin, foreignAgency.admin];
    const kinds = new Map<string, string>();
    for (const subject of subjects) kinds.set(subject, (await me(subject)).kind);

    const operation = fc.oneof(
      fc.record({ op: fc.constant('addMembership' as const), admin: fc.integer({ min: 0, max: 1 }), who: fc.integer({ min: 0, max: subjects.length - 1 }), role: fc.constantFrom('CASEWORKER', 'VOLUNTEER', 'AGENCY_ADMIN') }),
      fc.record({ op: fc.constant('acceptAll' as const), who: fc.integer({ min: 0, max: subjects.length - 1 }) }),
      fc.record({ op: fc.constant('portal' as const), member: fc.constantFrom(s.sara, s.lien), who: fc.integer({ min: 0, max: subjects.length - 1 }) }),
      fc.record({ op: fc.constant('unlink' as const), member: fc.constantFrom(s.sara, s.lien) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 3, maxLength: 6 }), async (operations) => {
        for (const o of operations) {
          if (o.op === 'addMembership') {
            const admin = admins[o.admin]!;
            await api.gql(admin.subject, AddMembershipFullDocument, { input: { agencyId: admin.agencyId, subject: subjects[o.who], displayName: 'X', role: o.role } });
          } else if (o.op === 'acceptAll') {
            for (const invitation of (await me(subjects[o.who]!)).membershipInvitations) {
              await api.gql(subjects[o.who]!, AcceptMembershipInvitationDetailsDocument, { id: invitation.id });
            }
          } else if (o.op === 'portal') {
            const invitation = await api.gql(s.worker.subject, CreatePortalInvitationDetailsDocument, { m: o.member });
            if (invitation.data) await api.gql(subjects[o.who]!, RedeemPortalCodeDocument, { code: invitation.data.createPortalInvitation.code });
          } else {
            await api.gql(s.worker.subject, UnlinkFamilyPortalDocument, { m: o.member });
          }
          for (const subject of subjects) {
            const now = await me(subject);
            const before = kinds.get(subject)!;
            // A subject new here takes a kind once; after that it never changes.
            if (before !== 'UNREGISTERED') expect(now.kind).toBe(before);
            kinds.set(subject, now.kind);
            if (now.kind === 'FAMILY_MEMBER' || now.kind === 'PLATFORM_ADMIN') expect(now.memberships).toEqual([]);
            if (now.kind !== 'PLATFORM_ADMIN') expect(now.isPlatformAdmin).toBe(false);
          }
        }
      }),
      { numRuns: 8 },
    );
    expect(kinds.get(PLATFORM_ADMIN)).toBe('PLATFORM_ADMIN');
    expect(kinds.get(s.saraLogin)).toBe('FAMILY_MEMBER');
    expect(kinds.get(professional.subject)).toBe('PROFESSIONAL');
  }, 120_000);
});
