import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { Gauge } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { describeError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { WebhookSender } from './webhook-sender.js';

const QUEUE = 'webhook-delivery';
const DEADLOCK = '40P01';
/** Deliveries in flight at once per process: one slow receiver must not hold up the others. */
const CONCURRENCY = 4;
const POLL_INTERVAL_MS = 1000;

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
  private readonly retry: Pick<PgBoss.JobInsert, 'retryLimit' | 'retryDelay' | 'retryBackoff' | 'expireInSeconds'>;
  private readonly stopping = new AbortController();
  private workers: Promise<void>[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig & { databaseUrl: string },
    private readonly sender: WebhookSender,
    metrics: Metrics,
  ) {
    const { worker, retryLimit, retryDelaySeconds, timeoutSeconds } = config.webhooks;
    this.boss = new PgBoss({
      connectionString: config.databaseUrl,
      application_name: 'gezin1plan-queue',
      // Its own small pool: polling stays out of the request pool (and out of per-request SQL counts).
      max: 3,
      supervise: worker,
      schedule: false,
      // A job whose worker died mid-POST is retried once its lease expires.
      maintenanceIntervalSeconds: Math.max(1, Math.min(60, timeoutSeconds)),
    });
    this.retry = { retryLimit, retryDelay: retryDelaySeconds, retryBackoff: true, expireInSeconds: timeoutSeconds + 5 };
    const boss = this.boss;
    new Gauge({
      name: 'gezin1plan_webhook_jobs',
      help: 'Webhook delivery jobs in the queue (shared by all replicas): waiting (new or retry due) and active (being posted)',
      labelNames: ['state'] as const,
      registers: [metrics.registry],
      async collect() {
        try {
          const waiting = await boss.getQueueSize(QUEUE, { before: 'active' });
          this.set({ state: 'waiting' }, waiting);
          this.set({ state: 'active' }, (await boss.getQueueSize(QUEUE, { before: 'completed' })) - waiting);
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
    this.workers = Array.from({ length: CONCURRENCY }, () => this.work());
  }

  /**
   * One delivery at a time until shutdown. Our own loop rather than pg-boss's `work()`: pg-boss 10
   * (the last for Node 20) does not await completing a job, so the database going away right after a
   * delivery was an unhandled rejection that ended the process. Here every failure is logged and the
   * loop goes on; a job left active is retried when its lease expires (the sender skips delivered ones).
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
      await sleep(POLL_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
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

  /** Waits for deliveries in flight (each bounded by the webhook timeout), then closes the queue's connections. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.workers);
    await this.sender.close();
    await this.boss.stop({ graceful: false, wait: true });
  }

  /** Queues the deliveries inside the caller's transaction: they exist only if it commits. */
  async enqueue(em: EntityManager, deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    const runner = em.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('Webhook deliveries are queued inside the transaction of their event');
    await this.boss.insert(
      deliveryIds.map((deliveryId) => ({ name: QUEUE, data: { deliveryId }, ...this.retry })),
      { db: { executeSql: async (text, values) => ({ rows: (await runner.query(text, values, true)).records }) } },
    );
  }
}
