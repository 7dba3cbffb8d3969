import { randomUUID } from 'node:crypto';
import { PrincipalService } from '../src/auth/principal.service.js';
import { defineAbilityFor, type PolicyAction } from '../src/policy/ability.factory.js';
import { PolicyService } from '../src/policy/policy.service.js';
import { scopeToSql, SqlParams } from '../src/policy/sql-scope.js';
import { fromClause, SUBJECTS, type SubjectName } from '../src/policy/subjects.js';
import { BreakGlassForAcuteCareDocument, RecordConsentDocument } from './graphql/generated.js';
import { PLATFORM_ADMIN, TestApi } from './support/test-app.js';
import { child, parent, World } from './support/world.js';

/**
 * The policy decides twice: in memory (CASL `ability.can` on one record's attributes) and in SQL
 * (the predicate that filters lists). For every principal, subject, action and record of a small
 * world, both must agree — otherwise a list could show what a single read refuses, or the reverse.
 */
describe('policy: ability.can and the SQL predicate agree', () => {
  let api: TestApi;
  let world: World;
  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
  });
  afterAll(() => api.stop());

  it('on every record of a world with all roles', async () => {
    const network = await world.network();
    const agency = await world.agency(network);
    const volunteers = await world.agency(network, 'VOLUNTEER_ORGANISATION');
    const assigned = await world.staff(agency);
    const unassigned = await world.staff(agency);
    const volunteer = await world.staff(volunteers, 'VOLUNTEER');
    const otherNetworkWorker = await world.staff(await world.agency(await world.network()));

    // The volunteer works with the family through its agency's place on the plan team; An shares only
    // some of her own data with the volunteer organisation, and Bo (14) withdraws his consent to the agency.
    const colleague = await world.staff(agency);
    const { familyId, planId, memberIds } = await world.familyWithPlan(assigned, {
      members: [parent('An', 'Claes', '1988-01-01'), child('Bo', 'Claes', '2012-03-01'), child('Cas', 'Claes', '2020-05-05')],
      summary: 'Rust',
      supporter: assigned,
      participants: [{ agencyId: volunteers.id, contribution: 'Thuisbezoek' }],
      consentForParticipants: false,
      assign: { admin: volunteers.admin, userIds: [volunteer.userId] },
    });
    const [an, bo, cas] = memberIds as [string, string, string];
    await world.assign(agency.admin, familyId, colleague.userId);
    // A responder on the team breaks the glass: it reads what consent does not cover, for a while.
    const responder = await world.staff(agency);
    await world.assign(agency.admin, familyId, responder.userId);
    await api.ok(responder.subject, BreakGlassForAcuteCareDocument, {
      f: familyId,
    });
    const family = await world.membersOf(assigned, familyId);
    await world.consentAll(assigned, { ...family, members: family.members.filter((m) => m.id === an) }, volunteers.id, [
      'IDENTITY',
      'PLAN',
      'NOTES',
      'REFERRAL',
    ]);

    // A receiving agency: An consents to referral to it, Bo does not.
    const receiver = await world.agency(network);
    const intake = await world.staff(receiver);
    await world.consentAll(assigned, { ...family, members: family.members.filter((m) => m.id === an) }, receiver.id, ['REFERRAL']);
    // One consent naming two members (An for herself and Cas), and the portal logins of An and Bo.
    await api.ok(assigned.subject, RecordConsentDocument, {
      input: {
        grantorMemberId: an,
        subjectMemberIds: [an, cas],
        recipientAgencyId: receiver.id,
        categories: ['PLAN'],
        purposeCode: 'PLAN_COORDINATION',
        purpose: 'Samen',
        method: 'WRITTEN',
        evidenceReference: 'form-an-cas',
      },
    });
    const anLogin = await world.portalLogin(assigned, an);
    const boLogin = await world.portalLogin(assigned, bo);

    const db = api.db;
    const goalIds = [randomUUID(), randomUUID()];
    // Goals about members, in the family's data and in health or safety, with an action under each.
    const goalsAbout: [string, string[]][] = [
      ['HEALTH', [an]],
      ['EDUCATION', [bo]],
      ['SAFETY', [an, cas]],
      ['LEISURE', [an, bo]],
    ];
    // Fixture rows written directly, under a named actor: the audit triggers refuse anonymous writes.
    await db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'test-fixture', true)`);
      const [boConsent] = await em.query(
        `SELECT c.id FROM consent c JOIN consent_subject s ON s.consent_id = c.id WHERE s.member_id = $1 AND c.recipient_agency_id = $2`,
        [bo, agency.id],
      );
      await em.query(`INSERT INTO consent_revocation (consent_id, reason, revoked_by_member_id) VALUES ($1, 'Bo wil dit niet meer', $2)`, [
        boConsent.id,
        bo,
      ]);
      await em.query(
        `INSERT INTO goal (id, plan_id, life_domain, description, owner_kind, status, created_by_user_id)
         VALUES ($1, $3, 'HOUSING', 'Een woning', 'FAMILY', 'ACTIVE', $4), ($2, $3, 'HEALTH', 'Gezond slapen', 'FAMILY', 'ACTIVE', $4)`,
        [...goalIds, planId, colleague.userId],
      );
      await em.query(
        `INSERT INTO action (id, goal_id, title, assignee_user_id, status) VALUES ($1, $2, 'Bellen', $3, 'OPEN'), ($4, $5, 'Mailen', $6, 'OPEN')`,
        [randomUUID(), goalIds[0], volunteer.userId, randomUUID(), goalIds[1], assigned.userId],
      );
      // The directory: a service of the agency, and one of an organisation outside the platform.
      await em.query(
        `INSERT INTO directory_service (id, network_id, agency_id, external_organisation, name, life_domains, cost, how_to_refer)
         VALUES ($1, $3, $4, NULL, 'Opvoedingsondersteuning', '{PARENTING}', 'FREE', 'ON_PLATFORM'),
                ($2, $3, NULL, 'Home-Start', 'Huisbezoek', '{SOCIAL_NETWORK}', 'FREE', 'BY_CONTACT')`,
        [randomUUID(), randomUUID(), network.id, agency.id],
      );
      await em.query(
        `INSERT INTO capacity_assessment (id, member_id, capable, reason, assessed_by_user_id, assessed_by_agency_id, assessed_at)
         VALUES ($1, $2, true, 'x', $4, $5, now()), ($3, $6, false, 'y', $4, $5, now())`,
        [randomUUID(), bo, randomUUID(), colleague.userId, agency.id, cas],
      );
      for (const [lifeDomain, about] of goalsAbout) {
        const goalId = randomUUID();
        goalIds.push(goalId);
        await em.query(
          `INSERT INTO goal (id, plan_id, life_domain, description, owner_kind, status, created_by_user_id) VALUES ($1, $2, $3, 'x', 'FAMILY', 'ACTIVE', $4)`,
          [goalId, planId, lifeDomain, colleague.userId],
        );
        for (const memberId of about) await em.query(`INSERT INTO goal_member (goal_id, member_id) VALUES ($1, $2)`, [goalId, memberId]);
        await em.query(`INSERT INTO action (id, goal_id, title, assignee_user_id, status) VALUES ($1, $2, 'Bellen', $3, 'OPEN')`, [
          randomUUID(),
          goalId,
          volunteer.userId,
        ]);
      }
      // Referrals from the agency (by the colleague) in several states, about An, Bo or both; the volunteer is
      // the bridge figure of two (An consented to referral to her organisation, Bo did not).
      for (const [status, about, to, bridgeFigure] of [
        ['DRAFT', [an], receiver.id, null],
        ['SENT', [an], receiver.id, volunteer.userId],
        ['SENT', [an, bo], receiver.id, volunteer.userId],
        ['ACCEPTED', [bo], volunteers.id, null],
        ['WITHDRAWN', [an], receiver.id, null],
      ] as [string, string[], string, string | null][]) {
        const referralId = randomUUID();
        await em.query(
          `INSERT INTO referral (id, family_id, plan_id, from_agency_id, to_agency_id, status, version, urgency, reason, requested_service,
             withdraw_reason, created_by_user_id, sent_at, bridge_figure_user_id) VALUES ($1, $2, $3, $4, $5, $6, 1, 'ROUTINE', 'x', 'y', 'z', $7,
             CASE WHEN $6 IN ('SENT', 'ACCEPTED') THEN now() END, $8)`,
          [referralId, familyId, planId, agency.id, to, status, colleague.userId, bridgeFigure],
        );
        for (const memberId of about) await em.query(`INSERT INTO referral_member (referral_id, member_id) VALUES ($1, $2)`, [referralId, memberId]);
      }
      // Notes by the colleague (so that `assigned` reads them only under consent or break-glass), about
      // one member, another, or the whole family, in every category.
      for (const category of ['PLAN', 'NOTES', 'HEALTH', 'SAFETY']) {
        for (const about of [[an], [bo], [an, cas], []]) {
          const noteId = randomUUID();
          await em.query(
            `INSERT INTO note (id, plan_id, category, body, author_user_id, author_agency_id) VALUES ($1, $2, $3, 'x', $4, $5)`,
            [noteId, planId, category, colleague.userId, agency.id],
          );
          for (const memberId of about) await em.query(`INSERT INTO note_member (note_id, member_id) VALUES ($1, $2)`, [noteId, memberId]);
        }
      }
    });

    const networkIds = [network.id];
    const ids = async (sql: string, params: unknown[]) => (await db.query(sql, params)).map((r: { id: string }) => r.id as string);
    const records: Record<SubjectName, string[]> = {
      Network: networkIds,
      Agency: await ids(`SELECT id FROM agency WHERE network_id = ANY($1)`, [networkIds]),
      Membership: await ids(`SELECT m.id FROM membership m JOIN agency a ON a.id = m.agency_id WHERE a.network_id = ANY($1)`, [networkIds]),
      CaseAssignment: await ids(`SELECT id FROM case_assignment WHERE family_id = $1`, [familyId]),
      Family: [familyId],
      FamilyMember: memberIds,
      Consent: await ids(`SELECT id FROM consent WHERE family_id = $1`, [familyId]),
      CapacityAssessment: await ids(`SELECT id FROM capacity_assessment WHERE member_id = ANY($1)`, [memberIds]),
      BreakGlassGrant: await ids(`SELECT id FROM break_glass_grant WHERE family_id = $1`, [familyId]),
      // Keyed by sequence number, not uuid: the access-log tests cover who reads which entries.
      AuditEvent: [],
      Plan: [planId],
      Goal: goalIds,
      Action: await ids(`SELECT id FROM action WHERE goal_id = ANY($1)`, [goalIds]),
      Note: await ids(`SELECT id FROM note WHERE plan_id = $1`, [planId]),
      Referral: await ids(`SELECT id FROM referral WHERE family_id = $1`, [familyId]),
      // Registration rights only (one action, one condition): covered by test/integration-clients.
      IntegrationClient: [],
      DirectoryService: await ids(`SELECT id FROM directory_service WHERE network_id = ANY($1)`, [networkIds]),
    };

    const principals = await Promise.all(
      [
        PLATFORM_ADMIN,
        network.coordinator.subject,
        agency.admin.subject,
        assigned.subject,
        colleague.subject,
        responder.subject,
        unassigned.subject,
        volunteer.subject,
        otherNetworkWorker.subject,
        intake.subject,
        anLogin,
        boLogin,
      ].map((subject) => api.app.get(PrincipalService).resolve(subject, undefined)),
    );
    const policy = api.app.get(PolicyService);
    // A record's attributes do not depend on who asks: load each once.
    const attributesOf = new Map<string, Record<string, unknown>>();
    for (const [subject, ids] of Object.entries(records) as [SubjectName, string[]][]) {
      for (const id of ids) attributesOf.set(id, (await policy.attributesOf(db.manager, subject, id))!);
    }
    const actions: PolicyAction[] = ['read', 'readContact', 'update', 'coordinate', 'confirmHandover', 'create', 'refer', 'respond', 'intake', 'readDetails', 'readMeetingPlace', 'readActors', 'notice', 'readInsights', 'erase', 'assessCapacity', 'invitePortal', 'endPortalLogin'];
    let allowed = 0;
    let checked = 0;
    for (const principal of principals) {
      const ability = defineAbilityFor(principal);
      for (const [subject, ids] of Object.entries(records) as [SubjectName, string[]][]) {
        if (ids.length === 0) continue;
        const def = SUBJECTS[subject];
        for (const action of actions) {
          const params = new SqlParams();
          const where = scopeToSql(ability, action, subject, params);
          const sql = `SELECT ${def.alias}.id FROM ${fromClause(subject)} WHERE ${def.alias}.id = ANY(${params.add(ids)}) AND ${where}`;
          const [query, values] = db.driver.escapeQueryWithParameters(sql, params.values);
          const inSql = new Set((await db.query(query, values)).map((r: { id: string }) => r.id));
          for (const id of ids) {
            const attributes = attributesOf.get(id)!;
            const inMemory = policy.can(ability, action, subject, attributes);
            expect({ who: principal.subject, subject, action, id, allowed: inSql.has(id) }).toEqual({
              who: principal.subject,
              subject,
              action,
              id,
              allowed: inMemory,
            });
            checked++;
            if (inMemory) allowed++;
          }
        }
      }
    }
    // The world is rich enough to exercise both answers.
    expect(allowed).toBeGreaterThan(20);
    expect(checked - allowed).toBeGreaterThan(100);
  }, 120_000);
});
