import { Inject, Injectable } from '@nestjs/common';
import { calendarDate } from '../common/calendar.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { type InboxAudience, InboxService, occasionEventIdSql } from '../inbox/inbox.service.js';
import { TellingHourlyJob } from '../scheduling/hourly-job.js';

interface DueAction {
  id: string;
  event_id: string;
  family_id: string;
  assignee_user_id: string | null;
  assignee_member_id: string | null;
  due_on: string;
}

/** An action's due date is the occasion: moved, it is told again. */
const DUE_ON = `to_char(a.due_date, 'YYYY-MM-DD')`;

/**
 * Open actions due today or tomorrow (ACTION_DUE), and past their due date (ACTION_OVERDUE), in the inboxes
 * of their owner (the user or the family member they are assigned to) and the family's supporter
 * (docs/inbox.md): once per action, kind and due date, on any number of replicas. Days count by the
 * families' calendar (LEGAL_TIME_ZONE). Actions of a closed plan are not told.
 */
@Injectable()
export class ActionReminders {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly inbox: InboxService,
  ) {}

  /** Tells every open action due today or tomorrow, then every one overdue, not told yet; how many. */
  async tellDue(): Promise<number> {
    const today = calendarDate(this.config.legalTimeZone);
    const tomorrow = new Date(`${today}T00:00:00Z`);
    tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
    const due = await this.tell(InboxItemKind.ACTION_DUE, 'a.due_date BETWEEN $3::date AND $4::date', [today, tomorrow.toISOString().slice(0, 10)]);
    return due + (await this.tell(InboxItemKind.ACTION_OVERDUE, 'a.due_date < $3::date', [today]));
  }

  private tell(kind: InboxItemKind.ACTION_DUE | InboxItemKind.ACTION_OVERDUE, when: string, dates: string[]): Promise<number> {
    const eventId = occasionEventIdSql(kind, 'a.id', DUE_ON);
    const sql = `SELECT a.id, ${eventId} AS event_id, p.family_id, a.assignee_user_id, a.assignee_member_id, ${DUE_ON} AS due_on
                   FROM action a JOIN goal g ON g.id = a.goal_id JOIN plan p ON p.id = g.plan_id
                   WHERE a.status = 'OPEN' AND ${when} AND p.status <> 'CLOSED' AND a.id > $1
                     AND NOT EXISTS (SELECT 1 FROM inbox_item ii WHERE ii.event_id = ${eventId})
                   ORDER BY a.id LIMIT $2`;
    return this.inbox.deliverEach<DueAction>('reminders', { sql, params: dates }, (action) => {
      const audience: InboxAudience[] = [{ supportersOf: action.family_id }];
      if (action.assignee_user_id) audience.push({ teamUser: action.assignee_user_id, family: action.family_id });
      if (action.assignee_member_id) audience.push({ member: action.assignee_member_id });
      return {
        event: { id: action.event_id, kind, familyId: action.family_id, about: { type: 'Action', id: action.id }, params: { on: action.due_on }, occurredAt: new Date() },
        audience,
      };
    });
  }
}

/** Actions due and overdue, every hour (REMINDER_JOB=false turns it off; `npm run jobs -- --run reminders` runs it now). */
@Injectable()
export class ActionRemindersJob extends TellingHourlyJob {
  constructor(@Inject(APP_CONFIG) config: AppConfig, reminders: ActionReminders) {
    super(config.reminderJob, 'Actions due or overdue: told', () => reminders.tellDue());
  }
}
