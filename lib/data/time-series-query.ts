import { daysBetween, isCalendarDate } from './calendar.js';
import { isPeriod, type Period } from './periods.js';

/** The longest range Fitbit accepts in one call (activity and nutrition series). */
export const MAX_QUERY_RANGE_DAYS = 1095;

export type TimeSeriesQuery =
  | { kind: 'period'; period: Period; baseDate: string | null }
  | { kind: 'range'; start: string; end: string };

const single = (value: unknown): string | undefined | null =>
  value === undefined ? undefined : typeof value === 'string' ? value : null;

/**
 * `period` with an optional `base_date`, or `base_date` with `end_date`. Anything else,
 * including repeated keys and impossible dates, is bad input: null.
 */
export function parseTimeSeriesQuery(query: Record<string, unknown>): TimeSeriesQuery | null {
  const period = single(query.period);
  const baseDate = single(query.base_date);
  const endDate = single(query.end_date);
  if (period === null || baseDate === null || endDate === null) return null;
  if (period !== undefined && period !== '' && (endDate === undefined || endDate === '')) {
    if (!isPeriod(period)) return null;
    if (baseDate !== undefined && baseDate !== '' && !isCalendarDate(baseDate)) return null;
    return { kind: 'period', period, baseDate: baseDate || null };
  }
  if (endDate !== undefined && endDate !== '' && (period === undefined || period === '')) {
    if (!isCalendarDate(baseDate) || !isCalendarDate(endDate)) return null;
    const days = daysBetween(baseDate, endDate);
    if (days < 0 || days >= MAX_QUERY_RANGE_DAYS) return null;
    return { kind: 'range', start: baseDate, end: endDate };
  }
  return null;
}
