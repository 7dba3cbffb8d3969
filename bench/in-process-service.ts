import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';

/**
 * The service in this process on the benchmark's database, listening on a free port, with no webhook
 * worker and no hourly jobs (their runs would fall inside the measurement); `beforeListen` runs on the
 * created app first.
 */
export async function startInProcessService(
  databaseUrl: string,
  secret: string,
  beforeListen: (app: INestApplication) => void = () => undefined,
): Promise<{ app: INestApplication; endpoint: string }> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', AUTH_DEV_SECRET: secret, WEBHOOK_WORKER: 'false', RETENTION_JOB: 'false', TRANSITION_JOB: 'false', OVERDUE_JOB: 'false', DATA_DIR: join('.data', 'bench-service') });
  const app = await createApp({ ...config, databaseUrl });
  beforeListen(app);
  await app.listen(0);
  return { app, endpoint: `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1') };
}

/**
 * Has PostgreSQL explain (auto_explain, with actual rows and times, trigger and function statements
 * included) every statement of the service that runs `minMs` or longer, and hands each plan to `onPlan`.
 * Set on each pooled connection as it is first handed out — those opened at start included — and queued
 * before the statement it is handed out for.
 */
export function explainStatements(app: INestApplication, minMs: number, onPlan: (plan: string) => void): void {
  const explained = new WeakSet<pg.PoolClient>();
  (app.get(DataSource).driver as unknown as { master: pg.Pool }).master.on('acquire', (client) => {
    if (explained.has(client)) return;
    explained.add(client);
    void client.query(`LOAD 'auto_explain'; SET auto_explain.log_min_duration = ${minMs}; SET auto_explain.log_analyze = on;
      SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice`);
    client.on('notice', (notice) => onPlan(notice.message ?? ''));
  });
}
