import type { DataSource } from 'typeorm';
import { PgBossFromVersion10Dropped1766630000000 } from '../migrations/1766630000000-PgBossFromVersion10Dropped.js';
import { TestApi } from './support/test-app.js';
import { WebhookStage } from './support/webhook-stage.js';

/**
 * A database made under pg-boss 10 (queue schema version 24) cannot be migrated by pg-boss 12, which
 * starts from version 25. Our migration drops that schema (the queue's jobs are only pointers to
 * `webhook_delivery` rows), pg-boss makes a new one at start, and a worker queues again every pending
 * delivery that has no live job: nothing committed is lost.
 */
describe('upgrading a database whose webhook queue was made by pg-boss 10', () => {
  let stage: WebhookStage;

  beforeAll(async () => {
    stage = await WebhookStage.create('pgboss_upgrade');
  }, 120_000);
  afterAll(async () => {
    await stage?.stop();
  });

  const deliveries = async (db: DataSource, clientId: string): Promise<string[]> =>
    (await db.query(`SELECT state FROM webhook_delivery WHERE client_id = $1 ORDER BY id`, [clientId])).map((d: { state: string }) => d.state);

  it('drops the old queue schema, and a worker delivers the pending deliveries after the upgrade', async () => {
    const { db, scene, hook } = stage;
    const client = await scene.client(hook.url);
    const { id } = await scene.draft();
    await scene.step('sendReferral', id, 1);
    expect(await deliveries(db, client.id)).toEqual(['PENDING']);

    // What pg-boss 10 left: its schema at version 24, its jobs (ours among them) unknown to pg-boss 12.
    await db.query(`DROP SCHEMA pgboss CASCADE`);
    await db.query(`CREATE SCHEMA pgboss`);
    await db.query(`CREATE TABLE pgboss.version (version int PRIMARY KEY, maintained_on timestamptz, cron_on timestamptz)`);
    await db.query(`INSERT INTO pgboss.version (version) VALUES (24)`);
    await expect(TestApi.start({ DATABASE_URL: stage.scratch.url, WEBHOOK_WORKER: 'true' })).rejects.toThrow(/Cannot migrate pg-boss schema from version 24/);

    const runner = db.createQueryRunner();
    try {
      await new PgBossFromVersion10Dropped1766630000000().up(runner);
    } finally {
      await runner.release();
    }
    expect((await db.query(`SELECT to_regnamespace('pgboss') AS schema`))[0].schema).toBeNull();

    const worker = await stage.service();
    try {
      await worker.start();
      await hook.until(async () => (await deliveries(db, client.id)).every((state) => state === 'DELIVERED'), 30_000);
    } finally {
      await worker.kill();
    }
    expect(hook.received.filter((r) => JSON.parse(r.body).data.referralId === id)).toHaveLength(1);
  }, 120_000);

  it('leaves a queue schema of pg-boss 11 or later alone', async () => {
    const { db } = stage;
    const [{ version }] = await db.query(`SELECT version::int AS version FROM pgboss.version`);
    expect(version).toBeGreaterThanOrEqual(25);
    const runner = db.createQueryRunner();
    try {
      await new PgBossFromVersion10Dropped1766630000000().up(runner);
    } finally {
      await runner.release();
    }
    expect((await db.query(`SELECT version::int AS version FROM pgboss.version`))[0].version).toBe(version);
  });
});
