import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  AccessLogActionsDocument,
  AddActionDocument,
  type AddGoalInput,
  AddGoalMembersDocument,
  type LifeDomain,
  MyPlanGoalsDocument,
  PlanGoalMembersDocument,
  PlanGoalVersionsDocument,
  UpdateGoalMembersDocument,
} from './graphql/generated.js';
import { TestApi } from './support/test-app.js';
import { type Agency, ALL_CATEGORIES, child, parent, World } from './support/world.js';

/**
 * Goals concern members (issue 16, finding 8). A goal may name the family members it is about:
 *  - a HEALTH or SAFETY goal is then read under the member × category rule of notes: in the portal by a
 *    member who speaks for every member it names, by an agency holding every named member's consent for
 *    its category; naming nobody, it is the team's only (no portal; every member's consent);
 *  - a PLAN goal naming nobody is family data, as the plan is (every member in the portal; any member's
 *    PLAN consent); naming members, the portal shows it to a member who speaks for one of them, and an
 *    agency needs every named member's PLAN consent;
 *  - actions and progress notes follow their goal; the read audit names the goal's members.
 */

describe('goals concern members', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let agency: Agency;
  let partner: Agency;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    const network = await world.network();
    agency = await world.agency(network);
    partner = await world.agency(network, 'MENTAL_HEALTH');
  });
  afterAll(() => api.stop());

  /**
   * Sara (adult), Lien (15, decides for herself) and Mo (6); Sara and Lien have portal logins. The
   * worker's agency holds every consent; `partner`'s caseworker is assigned and holds Sara's consents,
   * Lien's without HEALTH and none of Mo's; the worker's volunteer is assigned (its agency's consents).
   */
  async function scene() {
    const worker = await world.staff(agency);
    const fifteen = new Date();
    fifteen.setFullYear(fifteen.getFullYear() - 15);
    const family = await world.familyWithPlan(worker, {
      members: [parent('Sara', 'Maes'), child('Lien', 'Maes', fifteen.toISOString().slice(0, 10)), child('Mo', 'Maes', '2020-01-01')],
      participants: [{ agencyId: partner.id, contribution: 'Gesprekken' }],
      consentForParticipants: false,
    });
    const [sara, lien, mo] = family.memberIds as [string, string, string];
    const [saraM, lienM] = family.members;
    await world.consentAll(worker, { id: family.familyId, members: [saraM!], memberIds: [sara] }, partner.id);
    const withoutHealth = ALL_CATEGORIES.filter((c) => c !== 'HEALTH');
    await world.consentAll(worker, { id: family.familyId, members: [lienM!], memberIds: [lien] }, partner.id, withoutHealth);
    const partnerWorker = await world.staff(partner);
    await world.assign(partner.admin, family.familyId, partnerWorker.userId);
    const volunteer = await world.staff(agency, 'VOLUNTEER');
    await world.assign(agency.admin, family.familyId, volunteer.userId);
    const saraLogin = await world.portalLogin(worker, sara);
    const lienLogin = await world.portalLogin(worker, lien);
    return { worker, partnerWorker, volunteer, ...family, sara, lien, mo, saraLogin, lienLogin };
  }

  type Scene = Awaited<ReturnType<typeof scene>>;

  async function goal(s: Scene, lifeDomain: LifeDomain, memberIds?: string[]): Promise<string> {
    const { addGoal } = await api.ok(s.worker.subject, AddGoalMembersDocument, {
      input: { planId: s.planId, lifeDomain, description: `${lifeDomain} voor ${memberIds?.length ?? 'niemand'}`, owner: 'FAMILY', memberIds },
    });
    return addGoal.id;
  }

  const goalsSeenBy = async (subject: string, planId: string): Promise<string[]> =>
    (await api.ok(subject, PlanGoalMembersDocument, { id: planId })).plan.goals.map((g: { id: string }) => g.id).sort();
  const portalGoals = async (login: string): Promise<string[]> =>
    (await api.ok(login, MyPlanGoalsDocument)).myFamily.family.plan!.goals.map((g) => g.id).sort();

  it('shows a mother’s health goal in her portal, not in her 15-year-old’s', async () => {
    const s = await scene();
    const treatment = await goal(s, 'HEALTH', [s.sara]);
    const { addGoal } = await api.ok(s.worker.subject, AddGoalMembersDocument, {
      input: { planId: s.planId, lifeDomain: 'SAFETY', description: 'Veilig thuis', owner: 'FAMILY', memberIds: [s.lien] },
    });
    expect(addGoal.members).toEqual([{ id: s.lien }]);
    await api.ok(s.worker.subject, AddActionDocument, { input: { goalId: treatment, title: 'Afspraak bij de psychiater', assigneeMemberId: s.sara } });

    expect(await portalGoals(s.saraLogin)).toEqual([treatment]);
    expect(await portalGoals(s.lienLogin)).toEqual([addGoal.id]);
    // Nor by asking for the plan directly.
    expect(await goalsSeenBy(s.lienLogin, s.planId)).toEqual([addGoal.id]);
  });

  it('lets an agency read a health goal only with the health consent of every member it names', async () => {
    const s = await scene();
    const aboutSara = await goal(s, 'HEALTH', [s.sara]);
    const aboutLien = await goal(s, 'HEALTH', [s.lien]);
    const aboutBoth = await goal(s, 'HEALTH', [s.sara, s.lien]);
    expect(await goalsSeenBy(s.partnerWorker.subject, s.planId)).toEqual([aboutSara]);
    expect(await goalsSeenBy(s.worker.subject, s.planId)).toEqual([aboutSara, aboutLien, aboutBoth].sort());
    // Neither the 15-year-old nor her mother speaks for both.
    expect(await portalGoals(s.saraLogin)).toEqual([aboutSara]);
    expect(await portalGoals(s.lienLogin)).toEqual([aboutLien]);
  });

  it('never shows a volunteer a health or safety goal, whoever it names', async () => {
    const s = await scene();
    const plan = await goal(s, 'PARENTING', [s.sara]);
    await goal(s, 'HEALTH', [s.sara]);
    await goal(s, 'SAFETY', [s.mo]);
    await goal(s, 'HEALTH');
    expect(await goalsSeenBy(s.volunteer.subject, s.planId)).toEqual([plan]);
  });

  it('keeps a PLAN goal naming nobody family data, and one naming members for those it concerns', async () => {
    const s = await scene();
    const family = await goal(s, 'HOUSING');
    const lienOnly = await goal(s, 'EDUCATION', [s.lien]);
    const together = await goal(s, 'LEISURE', [s.sara, s.lien]);
    const moOnly = await goal(s, 'CHILDCARE', [s.mo]);
    // Sara speaks for Mo, not for Lien; a goal for both of them is each one's.
    expect(await portalGoals(s.saraLogin)).toEqual([family, together, moOnly].sort());
    expect(await portalGoals(s.lienLogin)).toEqual([family, lienOnly, together].sort());
    // The partner holds the PLAN consent of Sara and Lien, not of Mo: family data needs one member's.
    expect(await goalsSeenBy(s.partnerWorker.subject, s.planId)).toEqual([family, lienOnly, together].sort());
  });

  it('keeps a health goal written before goals named members for the team, until a member is named', async () => {
    const s = await scene();
    const migrated = randomUUID();
    // As the code before this change wrote it: no members.
    await db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'test-fixture', true)`);
      await em.query(
        `INSERT INTO goal (id, plan_id, life_domain, description, owner_kind, status, version, created_by_user_id)
         VALUES ($1, $2, 'HEALTH', 'Behandeling voor depressie', 'FAMILY', 'ACTIVE', 1, $3)`,
        [migrated, s.planId, s.worker.userId],
      );
    });
    const family = await goal(s, 'HOUSING');
    expect(await goalsSeenBy(s.worker.subject, s.planId)).toEqual([migrated, family].sort());
    expect(await portalGoals(s.saraLogin)).toEqual([family]);
    expect(await portalGoals(s.lienLogin)).toEqual([family]);
    // Team only also means every member's consent: the partner lacks Lien's and Mo's HEALTH consent.
    expect(await goalsSeenBy(s.partnerWorker.subject, s.planId)).toEqual([family]);

    const { updateGoal } = await api.ok(s.worker.subject, UpdateGoalMembersDocument, { input: { goalId: migrated, memberIds: [s.sara] } });
    expect(updateGoal).toEqual({ id: migrated, version: 2, members: [{ id: s.sara }] });
    expect(await portalGoals(s.saraLogin)).toEqual([migrated, family].sort());
    expect(await portalGoals(s.lienLogin)).toEqual([family]);
    expect(await goalsSeenBy(s.partnerWorker.subject, s.planId)).toEqual([migrated, family].sort());
  });

  it('records the members a goal concerns when it is read, so the access log shows it to them', async () => {
    const s = await scene();
    const treatment = await goal(s, 'HEALTH', [s.sara]);
    await api.ok(s.worker.subject, AddActionDocument, { input: { goalId: treatment, title: 'Afspraak', assigneeUserId: s.worker.userId } });
    await api.ok(s.worker.subject, UpdateGoalMembersDocument, { input: { goalId: treatment, progressNote: 'Gaat beter' } });
    const { plan } = await api.ok(s.worker.subject, PlanGoalMembersDocument, { id: s.planId });
    expect(plan.goals).toEqual([{ id: treatment, members: [{ id: s.sara }], actions: [expect.any(Object)], progressNotes: [expect.any(Object)] }]);

    const reads = await db.query(
      `SELECT entity_type, member_ids FROM audit_event WHERE family_id = $1 AND action = 'READ' AND actor_user_id = $2
         AND entity_type IN ('Goal', 'Action', 'GoalProgressNote') ORDER BY entity_type`,
      [s.familyId, s.worker.userId],
    );
    expect(reads).toEqual(
      ['Action', 'Goal', 'GoalProgressNote'].map((entity_type) => ({ entity_type, member_ids: [s.sara] })),
    );
    const goalReads = async (login: string) =>
      (await api.ok(login, AccessLogActionsDocument, { f: s.familyId })).accessLog.edges
        .map((e: { node: { action: string; entityType: string } }) => e.node)
        .filter((n: { action: string; entityType: string }) => n.action === 'READ' && ['Goal', 'Action', 'GoalProgressNote'].includes(n.entityType))
        .map((n: { entityType: string }) => n.entityType)
        .sort();
    expect(await goalReads(s.saraLogin)).toEqual(['Action', 'Goal', 'GoalProgressNote']);
    expect(await goalReads(s.lienLogin)).toEqual([]);
  });

  it('refuses members of another family or that the caller may not see, writing nothing', async () => {
    const s = await scene();
    const other = await world.familyWithPlan(s.worker);
    const expectRefused = (result: { errors?: { extensions?: Record<string, unknown> }[]; data?: unknown }) => {
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberIds' });
      expect(result.data ?? null).toBeNull();
    };
    const input: AddGoalInput = { planId: s.planId, lifeDomain: 'HEALTH', description: 'x', owner: 'FAMILY' };
    expectRefused(await api.gql(s.worker.subject, AddGoalMembersDocument, { input: { ...input, memberIds: [s.sara, other.memberIds[0]] } }));
    expectRefused(await api.gql(s.worker.subject, AddGoalMembersDocument, { input: { ...input, memberIds: [randomUUID()] } }));
    expect(await goalsSeenBy(s.worker.subject, s.planId)).toEqual([]);

    // The partner's caseworker may write goals but does not see Mo (no IDENTITY consent of his).
    expectRefused(await api.gql(s.partnerWorker.subject, AddGoalMembersDocument, { input: { ...input, lifeDomain: 'HOUSING', memberIds: [s.mo] } }));
    const mine = (await api.ok(s.partnerWorker.subject, AddGoalMembersDocument, { input: { ...input, lifeDomain: 'HOUSING', memberIds: [s.sara] } })).addGoal.id;
    expectRefused(await api.gql(s.partnerWorker.subject, UpdateGoalMembersDocument, { input: { goalId: mine, memberIds: [s.mo], description: 'y' } }));
    const { plan } = await api.ok(s.worker.subject, PlanGoalVersionsDocument, {
      id: s.planId,
    });
    expect(plan.goals).toEqual([{ id: mine, version: 1, description: 'x', members: [{ id: s.sara }] }]);
  });
});
