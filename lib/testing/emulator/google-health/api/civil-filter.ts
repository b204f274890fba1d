import { isRealDate } from '../../core/calendar.js';

/** A civil-time window: `from` inclusive, `to` exclusive, both `YYYY-MM-DDTHH:MM:SS`; either may be open. */
export interface CivilWindow {
  from: string | null;
  to: string | null;
}

export type FilterCheck = { ok: true; window: CivilWindow } | { ok: false; message: string };

const CLAUSE = /^([A-Za-z_][A-Za-z0-9_.]*)\s*(>=|<)\s*"([^"]*)"$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?$/;

function civilValue(value: string): string | null {
  const match = DATE_TIME.exec(value);
  if (!match || !isRealDate(match[1]!)) return null;
  if (match[2] === undefined) return `${match[1]}T00:00:00`;
  if (Number(match[2]) > 23 || Number(match[3]) > 59 || Number(match[4]) > 59) return null;
  return value;
}

/**
 * The AIP-160 subset the emulator understands: `F >= "YYYY-MM-DD"`, `F < "YYYY-MM-DD"`, or both joined by AND,
 * where F is the type's time field (e.g. `sleep.interval.civil_end_time`); values may also be `YYYY-MM-DDTHH:MM:SS`.
 * Anything else is an INVALID_ARGUMENT.
 */
export function parseCivilFilter(filter: string | undefined, field: string): FilterCheck {
  const window: CivilWindow = { from: null, to: null };
  if (filter === undefined || filter.trim() === '') return { ok: true, window };
  const clauses = filter.trim().split(/\s+AND\s+/);
  if (clauses.length > 2) return { ok: false, message: `Invalid filter: at most two comparisons joined by AND are supported: ${filter}` };
  for (const clause of clauses) {
    const match = CLAUSE.exec(clause.trim());
    if (!match) return { ok: false, message: `Invalid filter: could not parse "${clause}".` };
    const [, name, operator, raw] = match as unknown as [string, string, '>=' | '<', string];
    if (name !== field) return { ok: false, message: `Invalid filter: unsupported field "${name}"; filter on ${field}.` };
    const value = civilValue(raw);
    if (value === null) return { ok: false, message: `Invalid filter: "${raw}" is not a civil date or date-time.` };
    const bound = operator === '>=' ? 'from' : 'to';
    if (window[bound] !== null) return { ok: false, message: `Invalid filter: ${field} ${operator} appears twice.` };
    window[bound] = value;
  }
  return { ok: true, window };
}

export const inWindow = (window: CivilWindow, civil: string): boolean =>
  (window.from === null || civil >= window.from) && (window.to === null || civil < window.to);
