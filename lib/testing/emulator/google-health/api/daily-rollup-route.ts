import { addDays, daysBetween, isRealDate } from '../../core/calendar.js';
import { jsonResponse, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { UserRegistry } from '../../core/users.js';
import { civilDateOf, isoDateOf } from '../data/civil-time.js';
import type { GoogleValues } from '../data/google-values.js';
import { dataTypeNamed, WEARABLES_FAMILY } from '../data-types.js';
import { invalidArgument } from '../google-errors.js';
import { scopeRefusal, userApiRoute, userPath, type GoogleApiGuard } from './api-route.js';

const BODY_FIELDS = new Set(['range', 'windowSizeDays', 'dataSourceFamily']);
const RANGE_FIELDS = new Set(['start', 'end']);
const DATE_FIELDS = ['year', 'month', 'day'] as const;

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{"date":{"year":2026,"month":3,"day":1}}`: JSON integers only (a string such as "03" is rejected), a real date. */
function parseCivilDate(value: unknown, at: string): Parsed<string> {
  if (!isObject(value) || !isObject(value.date)) return { ok: false, message: `Invalid value at '${at}': expected {"date": {"year", "month", "day"}}.` };
  const date = value.date;
  for (const field of DATE_FIELDS) {
    const part = date[field];
    if (!Number.isInteger(part)) return { ok: false, message: `Invalid value at '${at}.date.${field}' (TYPE_INT32), ${JSON.stringify(part ?? null)}` };
  }
  const iso = isoDateOf({ year: date.year as number, month: date.month as number, day: date.day as number });
  if (!isRealDate(iso)) return { ok: false, message: `Invalid date at '${at}.date': ${JSON.stringify(date)}.` };
  return { ok: true, value: iso };
}

interface RollupQuery {
  start: string;
  /** Exclusive. */
  end: string;
  family: string | null;
}

function parseBody(body: string): Parsed<RollupQuery> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body || 'null');
  } catch {
    return { ok: false, message: 'Invalid JSON payload received.' };
  }
  if (!isObject(parsed)) return { ok: false, message: 'Invalid JSON payload received: expected an object.' };
  const unknownField = Object.keys(parsed).find((key) => !BODY_FIELDS.has(key));
  if (unknownField !== undefined) return { ok: false, message: `Invalid JSON payload received. Unknown name "${unknownField}": Cannot find field.` };
  if (!isObject(parsed.range)) return { ok: false, message: 'range is required.' };
  const unknownRangeField = Object.keys(parsed.range).find((key) => !RANGE_FIELDS.has(key));
  if (unknownRangeField !== undefined) return { ok: false, message: `Invalid JSON payload received. Unknown name "${unknownRangeField}" at 'range': Cannot find field.` };
  const start = parseCivilDate(parsed.range.start, 'range.start');
  if (!start.ok) return start;
  const end = parseCivilDate(parsed.range.end, 'range.end');
  if (!end.ok) return end;
  if (parsed.windowSizeDays !== undefined && parsed.windowSizeDays !== 1) {
    return { ok: false, message: `windowSizeDays must be 1, got ${JSON.stringify(parsed.windowSizeDays)}.` };
  }
  const family = parsed.dataSourceFamily;
  if (family !== undefined && family !== WEARABLES_FAMILY) {
    return { ok: false, message: `Invalid dataSourceFamily ${JSON.stringify(family)}: only "${WEARABLES_FAMILY}" is supported.` };
  }
  return { ok: true, value: { start: start.value, end: end.value, family: family ?? null } };
}

/** POST users/me/dataTypes/{type}/dataPoints:dailyRollUp: one bucket per local day with data, oldest first, end exclusive. */
export function dailyRollUpRoute(guard: GoogleApiGuard, users: UserRegistry, values: GoogleValues): Route {
  return userApiRoute(guard, 'POST', userPath('dataTypes\\/([^/]+)\\/dataPoints(?::|%3[Aa])dailyRollUp'), (request, match, caller): EmulatorResponse => {
    const type = dataTypeNamed(match[2]!);
    if (!type) return invalidArgument(`Unknown data type: ${match[2]}.`);
    const refusal = scopeRefusal(caller, type.scope);
    if (refusal) return refusal;
    if (!type.rollup) return invalidArgument(`Data type ${type.name} does not support dailyRollUp.`);
    const parsed = parseBody(request.body);
    if (!parsed.ok) return invalidArgument(parsed.message);
    const { start, end, family } = parsed.value;
    const days = daysBetween(start, end);
    if (days <= 0) return invalidArgument('range.end must be after range.start.');
    if (days > type.rollup.capDays) {
      return invalidArgument(`The range for ${type.name} must not exceed ${type.rollup.capDays} days; got ${days}.`);
    }
    const { user } = caller;
    const today = users.todayOf(user);
    const rollupDataPoints: Record<string, unknown>[] = [];
    for (let date = start; date < end; date = addDays(date, 1)) {
      if (date < user.memberSince || date > today) continue;
      const value = values.rollup(user, type, date, family);
      if (value === null) continue;
      rollupDataPoints.push({
        civilStartTime: { date: civilDateOf(date) },
        civilEndTime: { date: civilDateOf(addDays(date, 1)) },
        [type.field]: value,
      });
    }
    return jsonResponse(200, { rollupDataPoints });
  });
}
