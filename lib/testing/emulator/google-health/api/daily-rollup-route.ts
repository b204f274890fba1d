import { addDays, daysBetween, isRealDate } from '../../core/calendar.js';
import { jsonResponse, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorUser } from '../../core/users.js';
import { civilDateOf, isoDateOf } from '../data/civil-time.js';
import type { GoogleValues } from '../data/google-values.js';
import { DATA_SOURCE_FAMILIES, dataTypeNamed, type DataSourceFamily } from '../data-types.js';
import { invalidArgument } from '../google-errors.js';
import { scopeRefusal, userApiRoute, userPath, type GoogleApiGuard } from './api-route.js';

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

interface CivilDateTimeBody {
  date?: { year?: number; month?: number; day?: number };
  time?: { hours?: number; minutes?: number; seconds?: number; nanos?: number };
}

/** The body as the contract already checked it (field names and JSON types). */
interface DailyRollUpBody {
  range: { start: CivilDateTimeBody; end: CivilDateTimeBody };
  windowSizeDays?: number;
  dataSourceFamily?: string;
  pageSize?: number;
  pageToken?: string;
}

/** A whole local day: all three date fields, a real date, and no time of day past midnight. */
function dayOf(value: CivilDateTimeBody, at: string): Parsed<string> {
  const { year, month, day } = value.date ?? {};
  if (year === undefined || month === undefined || day === undefined) return { ok: false, message: `${at}.date needs year, month and day.` };
  const iso = isoDateOf({ year, month, day });
  if (!isRealDate(iso)) return { ok: false, message: `Invalid date at '${at}.date': ${JSON.stringify(value.date)}.` };
  const time = value.time ?? {};
  if (time.hours || time.minutes || time.seconds || time.nanos) return { ok: false, message: `${at}.time must be midnight: daily roll-ups cover whole days.` };
  return { ok: true, value: iso };
}

/** `users/me/dataSourceFamilies/google-wearables` (or the caller's own id) → `google-wearables`; absent means all sources. */
function familyOf(name: string | undefined, user: EmulatorUser): Parsed<DataSourceFamily> {
  if (name === undefined || name === '') return { ok: true, value: 'all-sources' };
  const match = /^users\/([^/]+)\/dataSourceFamilies\/([^/]+)$/.exec(name);
  const family = match?.[2] as DataSourceFamily | undefined;
  if (!match || (match[1] !== 'me' && match[1] !== user.healthUserId) || !DATA_SOURCE_FAMILIES.includes(family!)) {
    return {
      ok: false,
      message: `Invalid dataSourceFamily ${JSON.stringify(name)}: expected users/me/dataSourceFamilies/{${DATA_SOURCE_FAMILIES.join('|')}}.`,
    };
  }
  return { ok: true, value: family! };
}

/** POST users/me/dataTypes/{type}/dataPoints:dailyRollUp: one bucket per local day with data, oldest first, end exclusive. */
export function dailyRollUpRoute(guard: GoogleApiGuard, values: GoogleValues): Route {
  return userApiRoute(guard, 'POST', userPath('dataTypes\\/([^/]+)\\/dataPoints(?::|%3[Aa])dailyRollUp'), (request, match, caller): EmulatorResponse => {
    const type = dataTypeNamed(match[2]!);
    if (!type) return invalidArgument(`Unknown data type: ${match[2]}.`);
    const refusal = scopeRefusal(caller, type.scope);
    if (refusal) return refusal;
    if (!type.rollup) return invalidArgument(`Data type ${type.name} does not support dailyRollUp.`);
    const body = JSON.parse(request.body) as DailyRollUpBody;
    const start = dayOf(body.range.start, 'range.start');
    if (!start.ok) return invalidArgument(start.message);
    const end = dayOf(body.range.end, 'range.end');
    if (!end.ok) return invalidArgument(end.message);
    if (body.windowSizeDays !== undefined && body.windowSizeDays !== 1) {
      return invalidArgument(`windowSizeDays ${body.windowSizeDays} is not supported by the emulator: use 1.`);
    }
    if (body.pageSize !== undefined && body.pageSize < 0) return invalidArgument(`Invalid pageSize: ${body.pageSize}; it must not be negative.`);
    const family = familyOf(body.dataSourceFamily, caller.user);
    if (!family.ok) return invalidArgument(family.message);
    const days = daysBetween(start.value, end.value);
    if (days <= 0) return invalidArgument('range.end must be after range.start.');
    if (days > type.rollup.capDays) {
      return invalidArgument(`The range for ${type.name} must not exceed ${type.rollup.capDays} days; got ${days}.`);
    }
    const rollupDataPoints: Record<string, unknown>[] = [];
    for (let date = start.value; date < end.value; date = addDays(date, 1)) {
      const value = values.rollup(caller.user, type, date, family.value);
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
