import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { calendarDate } from '../common/calendar.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HourlyJob } from '../scheduling/hourly-job.js';
import { type EmailRecipient, InboxEmail } from './inbox-email.js';

/**
 * The daily digest (docs/inbox.md, "E-mail"): one e-mail a day to each recipient who chose DAILY_DIGEST
 * and has unread items that arrived since its last digest (or since it chose the digest). Each recipient's
 * digest is queued in its own transaction with the row that records its day, so replicas (or the jobs
 * command beside them) racing queue it once.
 */
@Injectable()
export class InboxDigest {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'legalTimeZone'>,
    private readonly email: InboxEmail,
  ) {}

  /** Queues today's digests not queued yet; how many. */
  async queueDigests(now = new Date()): Promise<number> {
    if (!this.email.enabled) return 0;
    const day = calendarDate(this.config.legalTimeZone, now);
    const due: { recipient_id: string; user_id: string | null; member_id: string | null }[] = await this.db.query(
      `SELECT coalesce(nc.user_id, nc.member_id) AS recipient_id, nc.user_id, nc.member_id
         FROM notification_channel nc
        WHERE nc.channel = 'DAILY_DIGEST'
          AND NOT EXISTS (SELECT 1 FROM inbox_digest d WHERE d.recipient_id = coalesce(nc.user_id, nc.member_id) AND d.day = $1)
          AND EXISTS (SELECT 1 FROM inbox_item ii
                       WHERE (ii.recipient_user_id = nc.user_id OR ii.recipient_member_id = nc.member_id) AND ii.read_at IS NULL
                         AND ii.occurred_at > coalesce((SELECT max(d.queued_at) FROM inbox_digest d WHERE d.recipient_id = coalesce(nc.user_id, nc.member_id)), nc.updated_at))`,
      [day],
    );
    let queued = 0;
    for (const recipient of due) {
      await this.db.transaction(async (em) => {
        const [first] = await em.query(`INSERT INTO inbox_digest (recipient_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING day`, [recipient.recipient_id, day]);
        if (!first) return;
        await this.email.enqueue(em, [{ userId: recipient.user_id, memberId: recipient.member_id } as EmailRecipient], true);
        queued++;
      });
    }
    return queued;
  }
}

/** The digests, every hour from DIGEST_HOUR on (DIGEST_JOB=false turns it off; `npm run jobs -- --run digest` runs it now). */
@Injectable()
export class InboxDigestJob extends HourlyJob {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly digest: InboxDigest,
  ) {
    super(config.email.digestJob && Boolean(config.email.smtpUrl));
  }

  protected async runOnce(): Promise<string | null> {
    const hour = Number(new Intl.DateTimeFormat('en', { timeZone: this.config.legalTimeZone, hour: 'numeric', hourCycle: 'h23' }).format(new Date()));
    if (hour < this.config.email.digestHour) return null;
    const queued = await this.digest.queueDigests();
    return queued > 0 ? `Daily digests: queued ${queued}` : null;
  }
}
