import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { InboxService, occasionEventIdSql } from '../inbox/inbox.service.js';
import { TellingHourlyJob } from '../scheduling/hourly-job.js';

/** How long after its expiry an invitation is still worth telling (older ones, at the first run, are not). */
const TOLD_WITHIN_DAYS = 7;

interface ExpiredInvitation {
  id: string;
  event_id: string;
  family_id: string;
  created_by_user_id: string;
  expires_at: Date;
}

/** An invitation expires once: its id is the occasion. */
const EXPIRED_EVENT_ID = occasionEventIdSql(InboxItemKind.PORTAL_INVITATION_EXPIRED, 'pi.id', `'expired'`);

/**
 * Portal invitations that expired unredeemed, in the inbox of the caseworker who made them (docs/inbox.md):
 * the member cannot log in yet, so the one who handed her the code is told, to hand her a new one. Not
 * told: an invitation redeemed, withdrawn (a newer one replaced it), or for a member who has a login.
 */
@Injectable()
export class PortalInvitationExpiry {
  constructor(private readonly inbox: InboxService) {}

  /** Tells every invitation that expired unredeemed in the last 7 days and was not told yet; how many. */
  tellExpired(): Promise<number> {
    const sql = `SELECT pi.id, ${EXPIRED_EVENT_ID} AS event_id, pi.family_id, pi.created_by_user_id, pi.expires_at
                   FROM portal_invitation pi JOIN family_member fm ON fm.id = pi.member_id
                   WHERE pi.redeemed_at IS NULL AND pi.withdrawn_at IS NULL AND fm.portal_subject IS NULL
                     AND pi.expires_at <= now() AND pi.expires_at > now() - make_interval(days => $3) AND pi.id > $1
                     AND NOT EXISTS (SELECT 1 FROM inbox_item ii WHERE ii.event_id = ${EXPIRED_EVENT_ID})
                   ORDER BY pi.id LIMIT $2`;
    return this.inbox.deliverEach<ExpiredInvitation>('reminders', { sql, params: [TOLD_WITHIN_DAYS] }, (invitation) => ({
      event: {
        id: invitation.event_id,
        kind: InboxItemKind.PORTAL_INVITATION_EXPIRED,
        familyId: invitation.family_id,
        about: { type: 'Family', id: invitation.family_id },
        params: {},
        occurredAt: invitation.expires_at,
      },
      audience: [{ teamUser: invitation.created_by_user_id, family: invitation.family_id }],
    }));
  }
}

/** Portal invitations expired, every hour (REMINDER_JOB=false turns it off; `npm run jobs -- --run reminders` runs it now). */
@Injectable()
export class PortalInvitationExpiryJob extends TellingHourlyJob {
  constructor(@Inject(APP_CONFIG) config: AppConfig, expiry: PortalInvitationExpiry) {
    super(config.reminderJob, 'Portal invitations expired: told', () => expiry.tellExpired());
  }
}
