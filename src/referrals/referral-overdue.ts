import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { InboxService, occasionEventIdSql } from '../inbox/inbox.service.js';
import { HourlyJob } from '../scheduling/hourly-job.js';
import { MembershipRole } from '../users/membership-role.js';
import { overdueSql, ReferralDeadlines } from './referral-deadlines.js';

interface OverdueStage {
  id: string;
  event_id: string;
  family_id: string;
  network_id: string;
  from_agency_id: string;
  to_agency_id: string;
  created_by_user_id: string;
  status: string;
  version: number;
  due_at: Date;
}

/** A logged referral's step due: it has no receiving agency. */
type LoggedStep = Omit<OverdueStage, 'to_agency_id' | 'network_id'>;

/** A referral's stage (its version) is the occasion: each stage past its deadline is told, and escalated, once. */
const stageEventId = (kind: InboxItemKind) => occasionEventIdSql(kind, 'r.id', 'r.version');

/**
 * Overdue referrals in the inboxes (docs/inbox.md): each stage past its deadline tells the receiving
 * agency's caseworkers and admins and the caseworker who made the referral, once; a stage still past it
 * some working days on (ESCALATION_WORKING_DAYS) is escalated to the network's coordinators, once. Safe with
 * several replicas: the event id is derived from the referral and its version, and the inbox keeps one
 * item per event and recipient; a stage told before is not selected again.
 */
@Injectable()
export class ReferralOverdue {
  constructor(
    private readonly inbox: InboxService,
    private readonly deadlines: ReferralDeadlines,
  ) {}

  /** Tells every overdue stage not told yet; how many stages this run told. */
  tellOverdue(): Promise<number> {
    return this.inbox.deliverEach<OverdueStage>('overdue-referrals', this.stagesPastDeadline(InboxItemKind.REFERRAL_OVERDUE), (stage) => ({
      event: {
        id: stage.event_id,
        kind: InboxItemKind.REFERRAL_OVERDUE,
        familyId: stage.family_id,
        about: { type: 'Referral', id: stage.id },
        params: { to: stage.status, version: stage.version },
        occurredAt: stage.due_at,
      },
      audience: [
        { staffOf: stage.to_agency_id, roles: [MembershipRole.CASEWORKER, MembershipRole.AGENCY_ADMIN] },
        { user: stage.created_by_user_id, agency: stage.from_agency_id },
      ],
    }));
  }

  /**
   * Logged referrals (to an organisation outside the platform) whose next step is due: the referrer records
   * their steps by hand, so she is reminded, once per step (the referral's version), acting for the referring
   * agency. Only the referrer: no agency on the platform receives them, and coordinators see them in the insight.
   */
  remindLoggedSteps(): Promise<number> {
    const kind = InboxItemKind.LOGGED_REFERRAL_STEP_DUE;
    return this.inbox.deliverEach<LoggedStep>(
      'logged-referral-reminders',
      {
        sql: `SELECT r.id, ${stageEventId(kind)} AS event_id, r.family_id, r.from_agency_id, r.created_by_user_id, r.status, r.version, r.due_at
                FROM referral r
               WHERE r.to_agency_id IS NULL AND r.due_at IS NOT NULL AND r.due_at < now() AND r.id > $1
                 AND NOT EXISTS (SELECT 1 FROM inbox_item ii WHERE ii.event_id = ${stageEventId(kind)})
               ORDER BY r.id LIMIT $2`,
        params: [],
      },
      (stage) => ({
        event: {
          id: stage.event_id,
          kind,
          familyId: stage.family_id,
          about: { type: 'Referral', id: stage.id },
          params: { to: stage.status, version: stage.version },
          occurredAt: stage.due_at,
        },
        audience: [{ user: stage.created_by_user_id, agency: stage.from_agency_id }],
      }),
    );
  }

  /**
   * Escalates every stage still past its deadline ESCALATION_WORKING_DAYS working days on, not escalated
   * yet, to the coordinators of the network; how many stages this run escalated. The item is about the
   * receiving agency (coordinators read no referral): which agency to ask about it, no personal data.
   */
  async escalate(): Promise<number> {
    const now = new Date();
    const { workingDays } = this.deadlines.escalatesAt(now);
    // N working days after the deadline are at least N calendar days after it: SQL keeps those, the calendar decides.
    return this.inbox.deliverEach<OverdueStage>('overdue-referrals', this.stagesPastDeadline(InboxItemKind.REFERRAL_ESCALATED, workingDays), (stage) => {
      const { at } = this.deadlines.escalatesAt(stage.due_at);
      if (at > now) return null;
      return {
        event: {
          id: stage.event_id,
          kind: InboxItemKind.REFERRAL_ESCALATED,
          familyId: stage.family_id,
          about: { type: 'Agency', id: stage.to_agency_id },
          params: { to: stage.status, version: stage.version, workingDays },
          occurredAt: at,
        },
        audience: [{ coordinatorsOf: stage.network_id }],
      };
    });
  }

  /**
   * The stages past their deadline (by at least `days` days) not told as `kind` yet, of referrals to an agency: logged
   * referrals, whose due steps stay past due until the referrer records the next, are left out by the index's range
   * (referral_platform_due_idx), not read and dropped by the join.
   */
  private stagesPastDeadline(kind: InboxItemKind, days = 0) {
    return {
      sql: `SELECT r.id, ${stageEventId(kind)} AS event_id, r.family_id, ta.network_id, r.from_agency_id, r.to_agency_id,
                   r.created_by_user_id, r.status, r.version, r.due_at
              FROM referral r JOIN agency ta ON ta.id = r.to_agency_id
              WHERE r.to_agency_id IS NOT NULL AND ${overdueSql('r')} AND r.due_at < now() - make_interval(days => $3) AND r.id > $1
                AND NOT EXISTS (SELECT 1 FROM inbox_item ii WHERE ii.event_id = ${stageEventId(kind)})
              ORDER BY r.id LIMIT $2`,
      params: [days],
    };
  }
}

/**
 * The overdue referrals, their escalation and the logged referrals' reminders, every hour (OVERDUE_JOB=false turns it off;
 * `npm run jobs -- --run overdue` runs it now).
 */
@Injectable()
export class ReferralOverdueJob extends HourlyJob {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly overdue: ReferralOverdue,
  ) {
    super(config.overdueJob);
  }

  protected async runOnce(): Promise<string | null> {
    const told = await this.overdue.tellOverdue();
    const escalated = await this.overdue.escalate();
    const reminded = await this.overdue.remindLoggedSteps();
    return told + escalated + reminded > 0
      ? `Overdue referrals: told ${told} stages, escalated ${escalated}; reminded ${reminded} logged referral steps`
      : null;
  }
}
