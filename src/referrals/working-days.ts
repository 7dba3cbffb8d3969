import { DEFAULT_LEGAL_TIME_ZONE } from '../common/calendar.js';

/**
 * Belgian working days, for the overdue signals of referrals between agencies. Calendar days are handled
 * as the UTC midnight (in ms) of that civil date, so day arithmetic is plain addition, free of DST.
 */

const DAY_MS = 86_400_000;

const isoOf = (dayMs: number): string => new Date(dayMs).toISOString().slice(0, 10);

/** The civil date of a 'YYYY-MM-DD' string, or NaN when it is not a real date (Date.parse accepts 2025-02-30). */
function parseIsoDate(isoDate: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) return NaN;
  const dayMs = Date.parse(`${isoDate}T00:00:00Z`);
  return !Number.isNaN(dayMs) && isoOf(dayMs) === isoDate ? dayMs : NaN;
}

/** Easter Sunday by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm. */
function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const monthDay = h + l - 7 * m + 114;
  return Date.UTC(year, Math.floor(monthDay / 31) - 1, (monthDay % 31) + 1);
}

/**
 * The ten Belgian legal public holidays of `year` as ISO dates 'YYYY-MM-DD', in calendar order (Ascension
 * falls on 30 April when Easter is on 22 March; when Easter is on 23 March, as in 2008, 1 May is listed twice).
 */
export function belgianPublicHolidays(year: number): string[] {
  // Gregorian Easter rule, and four-digit years for the ISO dates.
  if (!Number.isInteger(year) || year < 1583 || year > 9999) throw new RangeError(`Unsupported year: ${year}`);
  const fixed = (month: number, day: number) => isoOf(Date.UTC(year, month - 1, day));
  const easter = easterSunday(year);
  const afterEaster = (days: number) => isoOf(easter + days * DAY_MS);
  return [
    fixed(1, 1), // New Year
    afterEaster(1), // Easter Monday
    fixed(5, 1), // Labour Day
    afterEaster(39), // Ascension
    afterEaster(50), // Whit Monday
    fixed(7, 21), // National Day
    fixed(8, 15), // Assumption
    fixed(11, 1), // All Saints
    fixed(11, 11), // Armistice
    fixed(12, 25), // Christmas
  ].sort();
}

export class WorkingCalendar {
  private readonly extraHolidays: ReadonlySet<string>;
  private readonly publicHolidays = new Map<number, ReadonlySet<string>>();
  private readonly wallClockFormat: Intl.DateTimeFormat;

  /** extraHolidays: ISO dates 'YYYY-MM-DD' (e.g. regional or sector days off), added to the Belgian public holidays. */
  constructor(extraHolidays: readonly string[] = [], timeZone = DEFAULT_LEGAL_TIME_ZONE) {
    for (const day of extraHolidays) {
      if (Number.isNaN(parseIsoDate(day))) throw new Error(`Invalid extra holiday "${day}": expected a date 'YYYY-MM-DD'`);
    }
    this.extraHolidays = new Set(extraHolidays);
    // h23: some ICU versions print midnight as hour 24 with hour12: false.
    this.wallClockFormat = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** True when the local calendar day 'YYYY-MM-DD' is Mon–Fri and not a holiday. */
  isWorkingDay(isoDate: string): boolean {
    const dayMs = parseIsoDate(isoDate);
    if (Number.isNaN(dayMs)) throw new Error(`Invalid date "${isoDate}": expected 'YYYY-MM-DD'`);
    return this.isWorkingDayAt(dayMs);
  }

  /**
   * The deadline `days` working days after `from`: the end (24:00, i.e. 00:00 of the next day, local time in
   * the calendar's time zone) of the `days`-th working day after the local calendar day of `from`. The day of
   * `from` itself never counts, so Monday 10:00 + 2 ends Wednesday and Saturday + 1 ends Monday.
   */
  addWorkingDays(from: Date, days: number): Date {
    if (Number.isNaN(from.getTime())) throw new RangeError('from is an invalid Date');
    if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer, got ${days}`);
    let day = Math.floor(this.wallClock(from.getTime()) / DAY_MS) * DAY_MS;
    for (let counted = 0; counted < days; ) {
      day += DAY_MS;
      if (this.isWorkingDayAt(day)) counted++;
    }
    return new Date(this.localMidnight(day + DAY_MS));
  }

  private isWorkingDayAt(dayMs: number): boolean {
    const date = new Date(dayMs);
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) return false;
    const isoDate = isoOf(dayMs);
    return !this.extraHolidays.has(isoDate) && !this.publicHolidaysOf(date.getUTCFullYear()).has(isoDate);
  }

  private publicHolidaysOf(year: number): ReadonlySet<string> {
    let holidays = this.publicHolidays.get(year);
    if (!holidays) {
      holidays = new Set(belgianPublicHolidays(year));
      this.publicHolidays.set(year, holidays);
    }
    return holidays;
  }

  /** The local date and time at `instant`, written as if it were UTC: the difference with `instant` is the offset. */
  private wallClock(instant: number): number {
    const parts = Object.fromEntries(this.wallClockFormat.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
    return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  }

  /**
   * The instant of 00:00 local time on `dayMs`. The offset is read again at the first estimate, because a DST
   * change between that day's UTC midnight and its local midnight makes the offset at UTC midnight wrong.
   */
  private localMidnight(dayMs: number): number {
    const estimate = dayMs - (this.wallClock(dayMs) - dayMs);
    return dayMs - (this.wallClock(estimate) - estimate);
  }
}
