import { addDays, daysBetween, isRealDate, subtractMonths } from '../../core/calendar.js';

export const TIME_SERIES_PERIODS = ['1d', '7d', '30d', '1w', '1m', '3m', '6m', '1y', 'max'] as const;
export type TimeSeriesPeriod = (typeof TIME_SERIES_PERIODS)[number];

export const MAX_RANGE_DAYS = 1095;

const PERIOD_DAYS: Partial<Record<TimeSeriesPeriod, number>> = { '1d': 1, '7d': 7, '30d': 30, '1w': 7 };
const PERIOD_MONTHS: Partial<Record<TimeSeriesPeriod, number>> = { '1m': 1, '3m': 3, '6m': 6, '1y': 12 };
const CATEGORIES_WITH_MAX = new Set(['body', 'sleep']);

export interface DateSpan {
  start: string;
  end: string;
}

export type SpanCheck = { ok: true; span: DateSpan } | { ok: false; fieldName: string; message: string };

export interface SpanQuery {
  category: string;
  /** The user's local today. */
  today: string;
  memberSince: string;
  /** The first date segment: a base date for periods, a start date for ranges; `today` allowed. */
  first: string;
  /** A period or an end date. */
  second: string;
}

function isPeriod(value: string): value is TimeSeriesPeriod {
  return (TIME_SERIES_PERIODS as readonly string[]).includes(value);
}

/** The first day of a period that ends on `base`, counted the way Fitbit counts. */
export function periodStart(period: Exclude<TimeSeriesPeriod, 'max'>, base: string): string {
  const days = PERIOD_DAYS[period];
  if (days !== undefined) return addDays(base, 1 - days);
  return addDays(subtractMonths(base, PERIOD_MONTHS[period]!), 1);
}

/** Resolves `/date/{first}/{second}.json` into an inclusive span, or the validation error Fitbit gives. */
export function resolveSpan(query: SpanQuery): SpanCheck {
  const invalid = (fieldName: string, message: string): SpanCheck => ({ ok: false, fieldName, message });
  const dateOf = (value: string) => (value === 'today' ? query.today : value);

  const first = dateOf(query.first);
  if (!isRealDate(first)) return invalid('date', `Invalid date: ${query.first}`);

  if (isPeriod(query.second)) {
    if (query.second !== 'max') return { ok: true, span: { start: periodStart(query.second, first), end: first } };
    if (!CATEGORIES_WITH_MAX.has(query.category)) return invalid('period', `Period max is not supported for ${query.category} time series.`);
    return { ok: true, span: { start: query.memberSince, end: first } };
  }

  const end = dateOf(query.second);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(end)) return invalid('period', `Invalid period: ${query.second}`);
  if (!isRealDate(end)) return invalid('end-date', `Invalid end date: ${query.second}`);
  if (daysBetween(first, end) < 0) return invalid('end-date', 'The end date must not be before the start date.');
  if (daysBetween(first, end) + 1 > MAX_RANGE_DAYS) {
    return invalid('end-date', `The date range must not exceed ${MAX_RANGE_DAYS} days.`);
  }
  return { ok: true, span: { start: first, end } };
}
