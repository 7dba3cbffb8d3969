/**
 * Ages, birthdays and deadlines count by the families' own calendar, not by UTC nor the server's clock:
 * a child turns 18 at midnight in Brussels, which is 22:00 or 23:00 UTC the day before.
 */
export const DEFAULT_LEGAL_TIME_ZONE = 'Europe/Brussels';

/** Whether `timeZone` is an IANA time zone name this runtime knows (PostgreSQL reads the same names). */
export function isTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar date 'YYYY-MM-DD' in `timeZone` at `instant`. */
export function calendarDate(timeZone: string, instant: Date = new Date()): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}
