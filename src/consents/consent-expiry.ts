import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { InboxService, occasionEventIdSql } from '../inbox/inbox.service.js';
import { TellingHourlyJob } from '../scheduling/hourly-job.js';

/** How long before its end a consent is told to be expiring. */
export const EXPIRING_WITHIN_DAYS = 14;

interface ExpiringConsent {
  id: string;
  event_id: string;
  family_id: string;
  valid_until: Date;
  ends_on: string;
}

/** A consent's end (valid_until) is the occasion: extended, it is told again before its new end. */
const EXPIRY_EVENT_ID = occasionEventIdSql(InboxItemKind.CONSENT_EXPIRING, 'c.id', 'extract(epoch FROM c.valid_until)::text');

/**
 * Consents ending within 14 days, in the inbox of the family's supporter (docs/inbox.md): once per consent
 * and end date, on any number of replicas (the event id is derived from both).
 */
@Injectable()
export class ConsentExpiry {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly inbox: InboxService,
  ) {}

  /** Tells every consent in force that ends within 14 days and was not told yet; how many. */
  tellExpiring(): Promise<number> {
    const sql = `SELECT c.id, ${EXPIRY_EVENT_ID} AS event_id, c.family_id, c.valid_until, to_char(c.valid_until AT TIME ZONE $3, 'YYYY-MM-DD') AS ends_on
                   FROM consent c
                   WHERE c.valid_until > now() AND c.valid_until <= now() + make_interval(days => $4) AND c.id > $1
                     AND NOT EXISTS (SELECT 1 FROM consent_revocation r WHERE r.consent_id = c.id AND r.member_ids IS NULL)
                     AND NOT EXISTS (SELECT 1 FROM inbox_item ii WHERE ii.event_id = ${EXPIRY_EVENT_ID})
                   ORDER BY c.id LIMIT $2`;
    const params = [this.config.legalTimeZone, EXPIRING_WITHIN_DAYS];
    return this.inbox.deliverEach<ExpiringConsent>('reminders', { sql, params }, (consent) => ({
      event: {
        id: consent.event_id,
        kind: InboxItemKind.CONSENT_EXPIRING,
        familyId: consent.family_id,
        about: { type: 'Consent', id: consent.id },
        params: { on: consent.ends_on },
        occurredAt: new Date(),
      },
      audience: [{ supportersOf: consent.family_id }],
    }));
  }
}

/** Consents expiring, every hour (REMINDER_JOB=false turns it off; `npm run jobs -- --run reminders` runs it now). */
@Injectable()
export class ConsentExpiryJob extends TellingHourlyJob {
  constructor(@Inject(APP_CONFIG) config: AppConfig, expiry: ConsentExpiry) {
    super(config.reminderJob, 'Consents expiring: told', () => expiry.tellExpiring());
  }
}
