import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ReferralStatus, ReferralUrgency } from './referral-status.js';
import { WorkingCalendar } from './working-days.js';

/**
 * When a stage of a referral becomes overdue (docs/referrals-and-webhooks.md, "Overdue"): not received within 2 working days, not
 * decided within 5, no handover meeting within 10; URGENT referrals in hours. The deadline is computed
 * when the stage starts and stored, so that "overdue" is a comparison with the clock in SQL.
 */
const WORKING_DAYS: Partial<Record<ReferralStatus, number>> = {
  [ReferralStatus.SENT]: 2,
  [ReferralStatus.RECEIVED]: 5,
  [ReferralStatus.ACCEPTED]: 10,
};
const URGENT_HOURS: Partial<Record<ReferralStatus, number>> = {
  [ReferralStatus.SENT]: 4,
  [ReferralStatus.RECEIVED]: 24,
  [ReferralStatus.ACCEPTED]: 72,
};

/**
 * SQL that is true when the current stage of the referral aliased `alias` is past its deadline: the one
 * definition of "overdue" for the referral lists and the network insight.
 */
export const overdueSql = (alias: string) => `${alias}.due_at < now()`;

@Injectable()
export class ReferralDeadlines {
  private readonly calendar: WorkingCalendar;
  private readonly escalationWorkingDays: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.calendar = new WorkingCalendar(config.extraHolidays, config.legalTimeZone);
    this.escalationWorkingDays = config.escalationWorkingDays;
  }

  /** When a stage past its deadline `dueAt`, still overdue, goes to the network coordinators. */
  escalatesAt(dueAt: Date): { at: Date; workingDays: number } {
    return { at: this.calendar.addWorkingDays(dueAt, this.escalationWorkingDays), workingDays: this.escalationWorkingDays };
  }

  /** The deadline of the stage `status` starting at `start`, or null when the stage has none. */
  dueAt(status: ReferralStatus, urgency: ReferralUrgency, start: Date): Date | null {
    if (urgency === ReferralUrgency.URGENT) {
      const hours = URGENT_HOURS[status];
      return hours === undefined ? null : new Date(start.getTime() + hours * 3_600_000);
    }
    const days = WORKING_DAYS[status];
    return days === undefined ? null : this.calendar.addWorkingDays(start, days);
  }
}
