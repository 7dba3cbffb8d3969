import { belgianPublicHolidays, WorkingCalendar } from '../src/referrals/working-days.js';

/** Brussels is UTC+1 in winter (CET) and UTC+2 in summer (CEST): local midnight is 23:00Z or 22:00Z the day before. */
const deadline = (calendar: WorkingCalendar, fromIso: string, days: number) =>
  calendar.addWorkingDays(new Date(fromIso), days).toISOString();

describe('belgianPublicHolidays', () => {
  it.each([
    // Easter Sunday 2024-03-31
    [2024, ['2024-01-01', '2024-04-01', '2024-05-01', '2024-05-09', '2024-05-20', '2024-07-21', '2024-08-15', '2024-11-01', '2024-11-11', '2024-12-25']],
    // Easter Sunday 2025-04-20
    [2025, ['2025-01-01', '2025-04-21', '2025-05-01', '2025-05-29', '2025-06-09', '2025-07-21', '2025-08-15', '2025-11-01', '2025-11-11', '2025-12-25']],
    // Easter Sunday 2026-04-05
    [2026, ['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-07-21', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25']],
  ])('lists the ten holidays of %i', (year, expected) => {
    expect(belgianPublicHolidays(year)).toEqual(expected);
  });

  it('keeps calendar order when Ascension falls in April (Easter Sunday 2285-03-22)', () => {
    expect(belgianPublicHolidays(2285).slice(1, 4)).toEqual(['2285-03-23', '2285-04-30', '2285-05-01']);
  });

  it('rejects years outside the Gregorian four-digit range', () => {
    expect(() => belgianPublicHolidays(1500)).toThrow(RangeError);
    expect(() => belgianPublicHolidays(2025.5)).toThrow(RangeError);
  });
});

describe('WorkingCalendar', () => {
  const calendar = new WorkingCalendar();

  describe('isWorkingDay', () => {
    it.each([
      ['2025-04-18', true], // Good Friday is no public holiday in Belgium
      ['2025-04-19', false], // Saturday
      ['2025-04-20', false], // Sunday
      ['2025-04-21', false], // Easter Monday
      ['2025-04-22', true],
      ['2025-12-25', false], // Christmas
      ['2025-12-26', true],
    ])('%s → %s', (isoDate, expected) => {
      expect(calendar.isWorkingDay(isoDate)).toBe(expected);
    });

    it('rejects a malformed date', () => {
      expect(() => calendar.isWorkingDay('2025-02-30')).toThrow('2025-02-30');
    });
  });

  describe('addWorkingDays', () => {
    it('ends at local midnight after the n-th working day, not counting the start day', () => {
      // Monday 2025-06-02 10:00 CEST + 2 → end of Wednesday = Thursday 00:00 CEST
      expect(deadline(calendar, '2025-06-02T08:00:00Z', 2)).toBe('2025-06-04T22:00:00.000Z');
      // Monday 2025-06-02 23:59 CEST + 1 → end of Tuesday, however late on Monday
      expect(deadline(calendar, '2025-06-02T21:59:00Z', 1)).toBe('2025-06-03T22:00:00.000Z');
    });

    it('skips weekends', () => {
      // Friday 2025-06-13 15:00 CEST + 2 → end of Tuesday = Wednesday 00:00 CEST
      expect(deadline(calendar, '2025-06-13T13:00:00Z', 2)).toBe('2025-06-17T22:00:00.000Z');
      // Friday 2025-01-10 15:00 CET + 5 → end of Friday 17 = Saturday 00:00 CET
      expect(deadline(calendar, '2025-01-10T14:00:00Z', 5)).toBe('2025-01-17T23:00:00.000Z');
    });

    it('starts counting on Monday when sent in the weekend', () => {
      // Saturday 2025-06-14 10:00 CEST + 1 → end of Monday = Tuesday 00:00 CEST
      expect(deadline(calendar, '2025-06-14T08:00:00Z', 1)).toBe('2025-06-16T22:00:00.000Z');
      // Sunday 2025-06-15 23:30 CEST, still the weekend locally, + 1 → same deadline
      expect(deadline(calendar, '2025-06-15T21:30:00Z', 1)).toBe('2025-06-16T22:00:00.000Z');
    });

    it('skips a public holiday inside the span', () => {
      // Thursday 2025-04-17 10:00 CEST + 2 → Friday, (weekend, Easter Monday), Tuesday → Wednesday 00:00 CEST
      expect(deadline(calendar, '2025-04-17T08:00:00Z', 2)).toBe('2025-04-22T22:00:00.000Z');
      // Wednesday 2025-12-31 10:00 CET + 1 → New Year 2026 is skipped → end of Friday 2026-01-02
      expect(deadline(calendar, '2025-12-31T09:00:00Z', 1)).toBe('2026-01-02T23:00:00.000Z');
    });

    it('skips extra holidays given to the constructor', () => {
      const flemish = new WorkingCalendar(['2025-07-11']); // Day of the Flemish Community, a Friday
      expect(flemish.isWorkingDay('2025-07-11')).toBe(false);
      expect(calendar.isWorkingDay('2025-07-11')).toBe(true);
      // Thursday 2025-07-10 10:00 CEST + 1
      expect(deadline(calendar, '2025-07-10T08:00:00Z', 1)).toBe('2025-07-11T22:00:00.000Z');
      expect(deadline(flemish, '2025-07-10T08:00:00Z', 1)).toBe('2025-07-14T22:00:00.000Z');
    });

    it('rejects an invalid extra holiday, naming it', () => {
      expect(() => new WorkingCalendar(['2025-07-11', '2025-02-30'])).toThrow('"2025-02-30"');
      expect(() => new WorkingCalendar(['11/07/2025'])).toThrow('"11/07/2025"');
    });

    describe('across DST changes (Europe/Brussels)', () => {
      it('spring forward on the last Sunday of March (2025-03-30)', () => {
        // Thursday 2025-03-27 10:00 CET + 1 → end of Friday, still CET
        expect(deadline(calendar, '2025-03-27T09:00:00Z', 1)).toBe('2025-03-28T23:00:00.000Z');
        // Friday 2025-03-28 15:00 CET + 1 → end of Monday, now CEST
        expect(deadline(calendar, '2025-03-28T14:00:00Z', 1)).toBe('2025-03-31T22:00:00.000Z');
        // Monday 2025-03-31 00:30 CEST is still Sunday in UTC: the local day counts
        expect(deadline(calendar, '2025-03-30T22:30:00Z', 1)).toBe('2025-04-01T22:00:00.000Z');
      });

      it('fall back on the last Sunday of October (2025-10-26)', () => {
        // Thursday 2025-10-23 10:00 CEST + 1 → end of Friday, still CEST
        expect(deadline(calendar, '2025-10-23T08:00:00Z', 1)).toBe('2025-10-24T22:00:00.000Z');
        // Friday 2025-10-24 15:00 CEST + 1 → end of Monday, now CET
        expect(deadline(calendar, '2025-10-24T13:00:00Z', 1)).toBe('2025-10-27T23:00:00.000Z');
        // Monday 2025-10-27 00:30 CET is still Sunday in UTC: the local day counts
        expect(deadline(calendar, '2025-10-26T23:30:00Z', 1)).toBe('2025-10-28T23:00:00.000Z');
      });
    });

    it('uses the time zone given to the constructor', () => {
      const utc = new WorkingCalendar([], 'UTC');
      // Monday 2025-06-02 10:00Z + 2 → end of Wednesday in UTC
      expect(deadline(utc, '2025-06-02T10:00:00Z', 2)).toBe('2025-06-05T00:00:00.000Z');
    });

    it('rejects a non-positive or fractional number of days', () => {
      const from = new Date('2025-06-02T08:00:00Z');
      expect(() => calendar.addWorkingDays(from, 0)).toThrow(RangeError);
      expect(() => calendar.addWorkingDays(from, -1)).toThrow(RangeError);
      expect(() => calendar.addWorkingDays(from, 1.5)).toThrow(RangeError);
    });
  });
});
