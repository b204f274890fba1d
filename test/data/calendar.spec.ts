import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isCalendarDate, subtractMonths, todayIn } from '../../lib/data/calendar.js';

/** Every day from 1900-01-01 to 2100-12-31, written by Date: the reference the arithmetic must match. */
const DAY_MS = 86_400_000;
const FIRST = Date.UTC(1900, 0, 1);
const LAST = Date.UTC(2100, 11, 31);
const referenceDates = Array.from({ length: (LAST - FIRST) / DAY_MS + 1 }, (_, index) => new Date(FIRST + index * DAY_MS).toISOString().slice(0, 10));

describe('calendar arithmetic on YYYY-MM-DD dates', () => {
  it('counts and steps days as Date does, across every day, month end and leap day of two centuries', () => {
    const start = referenceDates[0]!;
    expect(referenceDates.map((date) => daysBetween(start, date))).toEqual(referenceDates.map((_, index) => index));
    expect(referenceDates.map((_, index) => addDays(start, index))).toEqual(referenceDates);
    expect(referenceDates.slice(400).map((date) => addDays(date, -400))).toEqual(referenceDates.slice(0, -400));
  });

  it('subtracts months as Date does, clamping to the end of a shorter month', () => {
    const byDate = (date: string, months: number) => {
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      const lastDay = new Date(Date.UTC(year, month - 1 - months + 1, 0)).getUTCDate();
      return new Date(Date.UTC(year, month - 1 - months, Math.min(day, lastDay))).toISOString().slice(0, 10);
    };
    const dates = referenceDates.filter((date, index) => date >= '1903' && (index % 7 === 0 || /-(2[89]|3[01])$/.test(date)));
    for (const months of [1, 3, 6, 12, 25]) {
      expect(dates.map((date) => subtractMonths(date, months))).toEqual(dates.map((date) => byDate(date, months)));
    }
    expect(subtractMonths('2024-03-31', 1)).toBe('2024-02-29');
    expect(subtractMonths('2023-03-31', 1)).toBe('2023-02-28');
    expect(subtractMonths('2026-01-15', 12)).toBe('2025-01-15');
  });

  it('knows real calendar dates from impossible ones', () => {
    for (const date of ['2024-02-29', '2000-02-29', '1900-01-01', '2026-12-31']) expect(isCalendarDate(date)).toBe(true);
    for (const date of ['2023-02-29', '1900-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-01-00', '1899-12-31', '2026-1-01', ' 2026-01-01', 20260101]) {
      expect(isCalendarDate(date)).toBe(false);
    }
  });

  it("gives today's date in a zone, changing at that zone's midnight", () => {
    const beforeMidnightInTokyo = Date.UTC(2026, 5, 30, 14, 59, 59);
    expect(todayIn('Asia/Tokyo', beforeMidnightInTokyo)).toBe('2026-06-30');
    expect(todayIn('Asia/Tokyo', beforeMidnightInTokyo + 1000)).toBe('2026-07-01');
    expect(todayIn('Asia/Tokyo', beforeMidnightInTokyo)).toBe('2026-06-30');
    expect(todayIn('America/Los_Angeles', beforeMidnightInTokyo + 1000)).toBe('2026-06-30');
    expect(todayIn('Not/AZone', beforeMidnightInTokyo + 1000)).toBe('2026-06-30');
    expect(todayIn(null, Date.UTC(2026, 11, 31, 23, 59, 59))).toBe('2026-12-31');
    expect(todayIn(null, Date.UTC(2027, 0, 1))).toBe('2027-01-01');
  });
});
