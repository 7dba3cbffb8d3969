import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import nodemailer, { type Transporter } from 'nodemailer';
import { PgBoss } from 'pg-boss';
import { Counter, Gauge } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { readWithoutAudit } from '../audit/personal-reader.js';
import { describeError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { languageOf } from '../i18n/language.js';
import { message } from '../i18n/messages.js';
import { Metrics } from '../metrics/metrics.js';

const QUEUE = 'inbox-email';

/** A queued e-mail: whom it is for (ids only: the job holds no address and no personal data) and which kind. */
export interface EmailJob {
  userId: string | null;
  memberId: string | null;
  digest: boolean;
}

/** An inbox's owner, as e-mail settings name it. */
export type EmailRecipient = { userId: string; memberId?: null } | { userId?: null; memberId: string };

/**
 * Notification e-mails (docs/inbox.md, "E-mail"): queued in a pg-boss queue inside the transaction that
 * creates the items (or the digest's), sent through SMTP (nodemailer) by every process of the service,
 * retried with a growing delay while the mail server refuses. An e-mail says only that there is something
 * new, in its recipient's language, with a link to the service. Without SMTP_URL, nothing is queued and
 * no queue is started.
 */
@Injectable()
export class InboxEmail implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(InboxEmail.name);
  private readonly boss: PgBoss | null;
  private readonly transport: Transporter | null;
  private readonly sends: Counter<'outcome'> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'email' | 'databaseUrl'>,
    @InjectDataSource() private readonly db: DataSource,
    /** The service's figures (none in the jobs command, which only queues). */
    @Inject(Metrics) metrics: Metrics | null,
  ) {
    const { smtpUrl, timeoutSeconds } = config.email;
    // A job whose process died while sending (SIGKILL, a lost node) is active until its lease expires and the
    // supervisor of any process hands it out again: the lease is one SMTP conversation's timeout, not
    // pg-boss's 15 minutes, and the supervisor looks as often.
    this.boss = smtpUrl
      ? new PgBoss({
          connectionString: config.databaseUrl,
          application_name: 'gezin1plan-email',
          max: 2,
          schedule: false,
          supervise: true,
          superviseIntervalSeconds: Math.min(60, timeoutSeconds),
          monitorIntervalSeconds: Math.min(60, timeoutSeconds),
        })
      : null;
    const timeoutMs = timeoutSeconds * 1000;
    this.transport = smtpUrl
      ? nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs })
      : null;
    if (metrics && this.boss) this.sends = this.measure(metrics, this.boss);
  }

  /**
   * The queue's figures (shared by all replicas, counted when scraped, through pg-boss's own pool so that
   * no request's statements are counted) and this process's attempts at the mail server.
   */
  private measure(metrics: Metrics, boss: PgBoss): Counter<'outcome'> {
    const registers = [metrics.registry];
    // One count of the queue for the gauges of one scrape (they are collected together).
    let counting: Promise<{ waiting: number; active: number; failed: number; oldest: number }> | null = null;
    const count = async () => {
      const { rows } = await boss.getDb().executeSql(
        `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS waiting, count(*) FILTER (WHERE state = 'active')::int AS active,
                count(*) FILTER (WHERE state = 'failed')::int AS failed,
                coalesce(extract(epoch FROM now() - min(created_on) FILTER (WHERE state IN ('created', 'retry'))), 0)::float8 AS oldest
           FROM pgboss.job WHERE name = $1`,
        [QUEUE],
      );
      return rows[0] as { waiting: number; active: number; failed: number; oldest: number };
    };
    const queue = () => (counting ??= count().finally(() => (counting = null)));
    new Gauge({
      name: 'gezin1plan_email_jobs',
      help: 'Notification e-mails in the queue (shared by all replicas): waiting (queued, also for the end of their grouping window or a retry), active (being sent), failed (given up after the last retry, while pg-boss keeps them)',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        try {
          const counts = await queue();
          for (const state of ['waiting', 'active', 'failed'] as const) this.set({ state }, counts[state]);
        } catch {
          // The database is unreachable: no figure (readiness and the error counters tell why).
          this.reset();
        }
      },
    });
    new Gauge({
      name: 'gezin1plan_email_oldest_waiting_seconds',
      help: 'How long the oldest notification e-mail not sent yet has been in the queue (0 when none waits)',
      registers,
      async collect() {
        try {
          this.set((await queue()).oldest);
        } catch {
          this.reset();
        }
      },
    });
    return new Counter({
      name: 'gezin1plan_email_sends_total',
      help: "This process's attempts to hand a notification e-mail to the mail server: sent, or failed (retried until the last retry)",
      labelNames: ['outcome'] as const,
      registers,
    });
  }

  get enabled(): boolean {
    return this.boss !== null;
  }

  async onModuleInit(): Promise<void> {
    await this.start();
    await this.boss?.work<EmailJob>(QUEUE, { batchSize: 1, pollingIntervalSeconds: this.config.email.pollIntervalSeconds }, async ([job]) => {
      await this.send(job!.data);
    });
  }

  /** Starts the queue for queuing only (the jobs CLI): no worker. */
  async start(): Promise<void> {
    if (!this.boss) return;
    this.boss.on('error', (error) => this.logger.error(describeError(error)));
    await this.boss.start();
    // Created once; processes (or the jobs command) starting beside a running service find it there.
    if (!(await this.boss.getQueue(QUEUE))) await this.boss.createQueue(QUEUE);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 5000 });
    this.transport?.close();
  }

  /**
   * Queues, in the caller's transaction, an e-mail for each of `recipients` who chose `channel` (IMMEDIATE
   * for new items, DAILY_DIGEST for the digest): it exists only if the transaction commits. New items are
   * told once per recipient and window of `groupSeconds` (aligned on the clock, which it reads now, not at the
   * transaction's start: a long transaction's item joins the window it is queued in, not one already told):
   * the first item of a window queues its e-mail for the window's end, and the items after it in that window
   * join it (pg-boss's throttle: one job per queue, key and throttle slot; replicas racing queue one).
   */
  async enqueue(em: EntityManager, recipients: EmailRecipient[], digest = false): Promise<void> {
    const runner = em.queryRunner;
    if (!this.boss || recipients.length === 0) return;
    if (!runner?.isTransactionActive) throw new Error('E-mails are queued inside the transaction of their items');
    const chosen: { user_id: string | null; member_id: string | null; now: number }[] = await em.query(
      `SELECT user_id, member_id, extract(epoch FROM clock_timestamp())::float8 AS now FROM notification_channel
        WHERE channel = $3 AND (user_id = ANY($1::uuid[]) OR member_id = ANY($2::uuid[]))`,
      [recipients.flatMap((r) => r.userId ?? []), recipients.flatMap((r) => r.memberId ?? []), digest ? 'DAILY_DIGEST' : 'IMMEDIATE'],
    );
    if (chosen.length === 0) return;
    const { retryLimit, retryDelaySeconds, timeoutSeconds, groupSeconds } = this.config.email;
    // The key: the recipient's id (as the job names it) and the window. pg-boss's throttle slot is of the
    // transaction's start: the window's, but for a transaction begun in an earlier one (whose item then has
    // an e-mail of its own at the window's end: two at once, never none).
    const grouped = (recipient: string, now: number) => {
      const window = Math.floor(now / groupSeconds) * groupSeconds;
      return digest ? {} : { singletonKey: `${recipient}/${window}`, singletonSeconds: groupSeconds, startAfter: new Date((window + groupSeconds) * 1000) };
    };
    await this.boss.insert(
      QUEUE,
      chosen.map((c) => ({
        data: { userId: c.user_id, memberId: c.member_id, digest } satisfies EmailJob,
        ...grouped(c.user_id ?? c.member_id!, c.now),
        retryLimit,
        retryDelay: retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: timeoutSeconds + 5,
      })),
      { db: { executeSql: async (text, values) => ({ rows: (await runner.query(text, values, true)).records }) } },
    );
  }

  /**
   * Sends one queued e-mail to the address its recipient has now, in its language now; nothing when it
   * has turned e-mail off since. Throws when the mail server refuses: the queue retries it.
   */
  private async send(job: EmailJob): Promise<void> {
    const [to]: { email: string; language: string | null }[] = await readWithoutAudit(
      // The recipient's own address and language, to tell it that there is something new (no data of its family).
      "the system's own job, for no caller",
      this.db.query(
        `SELECT nc.email, coalesce(u.preferred_language, fm.preferred_language) AS language
           FROM notification_channel nc
           LEFT JOIN app_user u ON u.id = nc.user_id
           LEFT JOIN family_member fm ON fm.id = nc.member_id
          WHERE (nc.user_id = $1 OR nc.member_id = $2) AND nc.channel <> 'OFF'`,
        [job.userId, job.memberId],
      ),
    );
    if (!to) return;
    const language = languageOf(to.language);
    const link = `${this.config.email.publicUrl}/inbox`;
    try {
      await this.transport!.sendMail({
        from: this.config.email.from,
        to: to.email,
        subject: message(language, job.digest ? 'email.digest.subject' : 'email.immediate.subject'),
        text: message(language, job.digest ? 'email.digest.body' : 'email.immediate.body', { link }),
        headers: { 'Content-Language': language },
      });
    } catch (failure) {
      this.sends?.inc({ outcome: 'failed' });
      throw failure;
    }
    this.sends?.inc({ outcome: 'sent' });
  }
}
