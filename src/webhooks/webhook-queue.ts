import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PgBoss, type JobInsert } from 'pg-boss';
import { Gauge } from 'prom-client';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { describeError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { WebhookSender } from './webhook-sender.js';

const QUEUE = 'webhook-delivery';
const DEADLOCK = '40P01';
/** Deliveries in flight at once per process: one slow receiver must not hold up the others. */
const CONCURRENCY = 4;

export interface DeliveryJob {
  deliveryId: string;
}

/**
 * The webhook deliveries as jobs of a pg-boss queue in the service's own database (schema `pgboss`,
 * managed by pg-boss itself). Jobs are inserted in the transaction that records the event, so a
 * delivery exists exactly when its event was committed; every process with WEBHOOK_WORKER=true
 * works the queue, and a job is worked by one process at a time (SKIP LOCKED).
 */
@Injectable()
export class WebhookQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookQueue.name);
  private readonly boss: PgBoss;
  private readonly retry: Pick<JobInsert, 'retryLimit' | 'retryDelay' | 'retryBackoff' | 'expireInSeconds'>;
  private readonly stopping = new AbortController();
  private workers: Promise<void>[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig & { databaseUrl: string },
    private readonly sender: WebhookSender,
    @InjectDataSource() private readonly db: DataSource,
    metrics: Metrics,
  ) {
    const { worker, retryLimit, retryDelaySeconds, timeoutSeconds } = config.webhooks;
    const leaseCheckSeconds = Math.max(1, Math.min(60, timeoutSeconds));
    this.boss = new PgBoss({
      connectionString: config.databaseUrl,
      application_name: 'gezin1plan-queue',
      // Its own small pool: polling stays out of the request pool (and out of per-request SQL counts).
      max: 3,
      supervise: worker,
      schedule: false,
      // A job whose worker died mid-POST is retried once its lease expires: the supervisor's pass expires
      // it, and also counts the queue for the gauge below.
      superviseIntervalSeconds: leaseCheckSeconds,
      monitorIntervalSeconds: leaseCheckSeconds,
    });
    this.retry = { retryLimit, retryDelay: retryDelaySeconds, retryBackoff: true, expireInSeconds: timeoutSeconds + 5 };
    const boss = this.boss;
    new Gauge({
      name: 'gezin1plan_webhook_jobs',
      help: 'Webhook delivery jobs in the queue (shared by all replicas), as pg-boss last counted them: waiting and active (being posted)',
      labelNames: ['state'] as const,
      registers: [metrics.registry],
      async collect() {
        try {
          const queue = await boss.getQueue(QUEUE);
          this.set({ state: 'waiting' }, queue?.queuedCount ?? 0);
          this.set({ state: 'active' }, queue?.activeCount ?? 0);
        } catch {
          // The database is unreachable: no figure (readiness and the error counters tell why).
          this.reset();
        }
      },
    });
  }

  async onModuleInit(): Promise<void> {
    this.boss.on('error', (error) => this.logger.error(describeError(error)));
    await this.boss.start();
    await this.createQueue();
    if (!this.config.webhooks.worker) return;
    await this.requeueOrphans();
    this.workers = Array.from({ length: CONCURRENCY }, () => this.work());
  }

  /**
   * One delivery at a time until shutdown. Our own loop rather than pg-boss's `work()`, so that the
   * database going away mid-delivery is one logged failure and never an unhandled rejection that ends
   * the process (as it was with pg-boss 10's `work()`). Every failure is logged and the loop goes on; a
   * job left active is retried when its lease expires (the sender skips delivered ones).
   */
  private async work(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        const [job] = await this.boss.fetch<DeliveryJob>(QUEUE, { batchSize: 1, includeMetadata: true });
        if (job) {
          await this.sender.deliver(job).then(
            () => this.boss.complete(QUEUE, job.id),
            (error: unknown) => this.boss.fail(QUEUE, job.id, { message: describeError(error) }),
          );
          continue;
        }
      } catch (error) {
        this.logger.error(describeError(error));
      }
      await sleep(this.config.webhooks.pollIntervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /**
   * Creating the queue is idempotent, but replicas starting at once on a new database can deadlock
   * in it (it creates and attaches a partition): the loser retries and finds the queue there.
   */
  private async createQueue(attemptsLeft = 5): Promise<void> {
    try {
      await this.boss.createQueue(QUEUE);
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK || attemptsLeft <= 1) throw error;
      await this.createQueue(attemptsLeft - 1);
    }
  }

  /**
   * Queues again each pending delivery without a live job: a queue schema dropped when pg-boss 10's could
   * not be migrated (migration PgBossFromVersion10Dropped), or a job that expired on its last attempt
   * with its worker. Under an advisory lock, so replicas starting at once do not queue one twice; a
   * delivery queued twice anyway is still posted at least once, and the sender skips delivered ones.
   */
  private async requeueOrphans(): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('webhook-requeue'))`);
      const orphans: { id: string }[] = await em.query(
        `SELECT d.id FROM webhook_delivery d
          WHERE d.state = 'PENDING'
            AND NOT EXISTS (SELECT 1 FROM pgboss.job j
                             WHERE j.name = $1 AND j.data->>'deliveryId' = d.id::text AND j.state < 'completed')`,
        [QUEUE],
      );
      if (orphans.length === 0) return;
      this.logger.warn(`${orphans.length} pending webhook deliveries had no queued job: queued again`);
      await this.enqueue(em, orphans.map((o) => o.id));
    });
  }

  /**
   * Takes no new job from here on; the deliveries in flight go on. main.ts calls it as soon as the signal
   * comes: Nest drains the HTTP requests while it destroys the modules (Apollo's drain plugin), before any
   * shutdown hook, and loops still polling meanwhile posted events committed after the signal, each for up
   * to the webhook timeout, where those belong to the next start (test/faults-shutdown.e2e-spec.ts).
   */
  stopTakingJobs(): void {
    this.stopping.abort();
  }

  /** Waits for deliveries in flight (each bounded by the webhook timeout), then closes the queue's connections. */
  async onApplicationShutdown(): Promise<void> {
    this.stopTakingJobs();
    await Promise.all(this.workers);
    await this.sender.close();
    await this.boss.stop({ graceful: false });
  }

  /** Queues the deliveries inside the caller's transaction: they exist only if it commits. */
  async enqueue(em: EntityManager, deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    const runner = em.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('Webhook deliveries are queued inside the transaction of their event');
    await this.boss.insert(
      QUEUE,
      deliveryIds.map((deliveryId) => ({ data: { deliveryId }, ...this.retry })),
      { db: { executeSql: async (text, values) => ({ rows: (await runner.query(text, values, true)).records }) } },
    );
  }
}
