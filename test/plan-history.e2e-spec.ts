import { AddGoalDocument, AddNoteDocument, type LifeDomain, PlanHistoryDocument } from './graphql/generated.js';
import { TestApi } from './support/test-app.js';
import { World } from './support/world.js';

describe('plan history and the access rule', () => {
  let api: TestApi;
  let world: World;
  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
  });
  afterAll(() => api.stop());

  it('shows entries about a goal or note only to whoever may read that goal or note', async () => {
    const agency = await world.agency(await world.network());
    const worker = await world.staff(agency);
    const volunteer = await world.staff(agency, 'VOLUNTEER');
    // The family consents everything to the agency; volunteers still never see health data.
    const { planId, memberIds } = await world.familyWithPlan(worker, { assign: { admin: agency.admin, userIds: [volunteer.userId] } });
    const goal = (lifeDomain: LifeDomain) =>
      api.ok(worker.subject, AddGoalDocument, { input: { planId, lifeDomain, description: `Doel ${lifeDomain}`, owner: 'FAMILY' } });
    const housing = (await goal('HOUSING')).addGoal.id;
    const health = (await goal('HEALTH')).addGoal.id;
    const healthNote = (await api.ok(worker.subject, AddNoteDocument, { input: { planId, category: 'HEALTH', body: 'Slaapt slecht', memberIds } }))
      .addNote.id;

    const entries = async (subject: string) =>
      (await api.ok(subject, PlanHistoryDocument, { id: planId })).plan.history.edges.map((e: { node: { change: string; entityId: string } }) => e.node);
    const workerSees = (await entries(worker.subject)).map((n: { entityId: string }) => n.entityId);
    expect(workerSees).toEqual(expect.arrayContaining([housing, health, healthNote]));
    const volunteerSees = (await entries(volunteer.subject)).map((n: { entityId: string }) => n.entityId);
    expect(volunteerSees).toContain(housing);
    expect(volunteerSees).not.toContain(health);
    expect(volunteerSees).not.toContain(healthNote);
    expect(volunteerSees).toContain(planId);
  });
});
