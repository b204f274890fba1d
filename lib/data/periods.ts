import { addDays, subtractMonths } from './calendar.js';

/** The `period` values of the data endpoint (Fitbit's). */
export const PERIODS = ['1d', '7d', '30d', '1w', '1m', '3m', '6m', '1y', 'max'] as const;
/** One of PERIODS. */
export type Period = (typeof PERIODS)[number];

export function isPeriod(value: unknown): value is Period {
  return typeof value === 'string' && (PERIODS as readonly string[]).includes(value);
}

const DAYS: Partial<Record<Period, number>> = { '1d': 1, '7d': 7, '30d': 30, '1w': 7 };
const MONTHS: Partial<Record<Period, number>> = { '1m': 1, '3m': 3, '6m': 6, '1y': 12 };

/**
 * The first day of a period that ends on `baseDate`, counted the way Fitbit counts it.
 * `max` has no fixed start: the caller supplies the first day of the user's history.
 */
export function periodStart(period: Exclude<Period, 'max'>, baseDate: string): string {
  const days = DAYS[period];
  if (days !== undefined) return addDays(baseDate, 1 - days);
  return addDays(subtractMonths(baseDate, MONTHS[period]!), 1);
}
