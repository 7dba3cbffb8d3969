import type { DataSource } from 'typeorm';
import { chainPendingAuditEntries, verifyAuditChain } from '../src/audit/audit-chain.js';
import { type ScratchDatabase, scratchDatabase } from './support/scratch-database.js';
import { freePort } from './support/free-port.js';
import { ServiceProcess, serviceEnv } from './support/service-process.js';
import { TestApi } from './support/test-app.js';
import { type Person, World } from './support/world.js';

/**
 * kill -9 during writes (issue 7, point 3): many addAction mutations are in flight when the service is
 * killed with SIGKILL. After a restart, every mutation that was answered with success is there, with
 * the rows written in the same transaction (its plan history entry and its audit event), nothing
 * half-written is visible (no action without them, no entry about an action that is not there), and the
 * audit hash chain verifies.
 */

const ADD_GOAL = `mutation($input: AddGoalInput!) { addGoal(input: $input) { id } }`;
const ADD_ACTION = `mutation($input: AddActionInput!) { addAction(input: $input) { id title } }`;
const GOALS = 4;
const REQUESTS = 200;
const CONCURRENCY = 12;
/** Successes to wait for before the kill: the rest are in flight or not yet sent. */
const KILL_AFTER = 30;

describe('SIGKILL during writes', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  let db: DataSource;
  let worker: Person;
  let planId: string;
  let goalIds: string[];
  let service: ServiceProcess;

  beforeAll(async () => {
    scratch = await scratchDatabase('faults_kill');
    api = await TestApi.start({ DATABASE_URL: scratch.url });
    db = api.db;
    const world = new World(api);
    worker = await world.staff(await world.agency(await world.network()));
    ({ planId } = await world.familyWithPlan(worker));
    goalIds = [];
    // Several goals: an action locks its goal, so writes to different goals run at the same time.
    for (let i = 0; i < GOALS; i++) {
      const { addGoal } = await api.ok(worker.subject, ADD_GOAL, {
        input: { planId, lifeDomain: 'HOUSING', description: `Doel ${i}`, owner: 'FAMILY' },
      });
      goalIds.push(addGoal.id);
    }
    const port = await freePort();
    service = new ServiceProcess(serviceEnv(scratch.url, port, { WEBHOOK_WORKER: 'false' }), port);
  }, 120_000);

  afterAll(async () => {
    await service?.kill();
    await api?.stop();
    await scratch?.drop();
  });

  it('keeps every acknowledged write, whole, and no partial one', async () => {
    await service.start();
    const acknowledged = new Map<string, string>(); // action id → title
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (next < REQUESTS && !killed) {
        const i = next++;
        const title = `Stap ${i}`;
        const result = await service
          .request(worker.subject, ADD_ACTION, { input: { goalId: goalIds[i % GOALS], title, assigneeUserId: worker.userId, dueDate: '2027-01-15' } })
          .catch(() => null); // cut off by the kill: unknown whether it committed
        if (result?.body.data?.addAction) acknowledged.set(result.body.data.addAction.id, title);
        else if (result && !killed) throw new Error(`addAction failed before the kill: ${JSON.stringify(result.body)}`);
      }
    };
    const senders = Promise.all(Array.from({ length: CONCURRENCY }, sender));
    const deadline = Date.now() + 60_000;
    while (acknowledged.size < KILL_AFTER && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    killed = true;
    await service.kill();
    await senders;
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(next).toBeLessThan(REQUESTS); // the kill came while writes were still being sent

    await service.start();

    // Every acknowledged action is there, as the service shows it after the restart.
    const { plan } = await service.gql(worker.subject, `query($id: ID!) { plan(id: $id) { goals { actions { id title } } } }`, { id: planId });
    const shown = new Map<string, string>(plan.goals.flatMap((g: { actions: { id: string; title: string }[] }) => g.actions.map((a) => [a.id, a.title])));
    for (const [id, title] of acknowledged) expect(shown.get(id)).toBe(title);

    // Whole or not at all: each action with its history entry and its audit event, and no entry or
    // event about an action that is not there.
    const actions: { id: string }[] = await db.query(`SELECT id FROM action WHERE goal_id = ANY($1)`, [goalIds]);
    expect(actions.length).toBe(shown.size);
    expect(actions.length).toBeGreaterThanOrEqual(acknowledged.size);
    const incomplete = await db.query(
      `SELECT a.id FROM action a WHERE a.goal_id = ANY($1) AND (
         NOT EXISTS (SELECT 1 FROM plan_history h WHERE h.entity_id = a.id AND h.change = 'ACTION_ADDED')
         OR NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.entity_id = a.id AND e.entity_type = 'action' AND e.action = 'INSERT'))`,
      [goalIds],
    );
    expect(incomplete).toEqual([]);
    const orphans = await db.query(
      `SELECT h.entity_id FROM plan_history h WHERE h.plan_id = $1 AND h.change = 'ACTION_ADDED' AND NOT EXISTS (SELECT 1 FROM action a WHERE a.id = h.entity_id)
       UNION ALL
       SELECT e.entity_id FROM audit_event e WHERE e.entity_type IN ('action', 'plan_history') AND e.action = 'INSERT'
         AND NOT EXISTS (SELECT 1 FROM action a WHERE a.id = e.entity_id) AND NOT EXISTS (SELECT 1 FROM plan_history h WHERE h.id = e.entity_id)`,
      [planId],
    );
    expect(orphans).toEqual([]);
    await chainPendingAuditEntries(db);
    expect(await verifyAuditChain(db)).toMatchObject({ pending: 0, firstBroken: null });
  }, 180_000);
});
