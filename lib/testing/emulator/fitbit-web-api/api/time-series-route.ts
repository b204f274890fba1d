import { daysBetween, datesFrom } from '../../core/calendar.js';
import { jsonResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorUser, UserRegistry } from '../../core/users.js';
import { generateDailyValue } from '../../data/daily-values.js';
import { fitbitError } from '../fitbit-errors.js';
import { CATEGORY_SCOPES } from '../fitbit-scopes.js';
import { apiRoute, forbiddenFor, type ApiGuard } from './api-route.js';
import { resolveSpan, type DateSpan } from './time-series-range.js';
import { answerKey, categoryOf, needsAltimeter, RETIRED_TIME_SERIES_PATHS, SERVED_TIME_SERIES_PATHS } from './time-series-paths.js';

export interface DailyEntry {
  dateTime: string;
  value: string;
}

const later = (a: string, b: string) => (daysBetween(a, b) > 0 ? b : a);
const earlier = (a: string, b: string) => (daysBetween(a, b) < 0 ? b : a);

/** The entries Fitbit would return: one per day of the span that lies between memberSince and the user's today. */
export function dailyEntries(user: EmulatorUser, today: string, path: string, span: DateSpan): DailyEntry[] {
  const start = later(span.start, user.memberSince);
  const end = earlier(span.end, today);
  if (daysBetween(start, end) < 0) return [];
  return datesFrom(start, end).map((dateTime) => ({ dateTime, value: generateDailyValue(user.id, path, dateTime) ?? '' }));
}

/** GET /1/user/{id|-}/{path}/date/{base|start}/{period|end}.json */
export function timeSeriesRoute(guard: ApiGuard, users: UserRegistry): Route {
  return apiRoute(guard, 'GET', /^\/1\/user\/([^/]+)\/(.+)\/date\/([^/]+)\/([^/]+)\.json$/, (_request, match, caller) => {
    const [, pathUserId, path, first, second] = match as unknown as [string, string, string, string, string];
    const forbidden = forbiddenFor(caller, pathUserId, null);
    if (forbidden) return forbidden;
    const retired = RETIRED_TIME_SERIES_PATHS.includes(path);
    if (!retired && !SERVED_TIME_SERIES_PATHS.includes(path)) {
      return fitbitError(404, 'not_found', 'The API you are requesting could not be found.');
    }
    const category = categoryOf(path);
    const missingScope = forbiddenFor(caller, pathUserId, CATEGORY_SCOPES[category]!);
    if (missingScope) return missingScope;
    if (retired) return fitbitError(400, 'validation', `The resource ${path} is no longer supported.`, { fieldName: 'resource-path' });
    const { user } = caller;
    if (needsAltimeter(path) && !user.hasAltimeter) {
      return fitbitError(400, 'validation', `The user has no device with an altimeter: ${path} is not available.`, { fieldName: 'resource-path' });
    }
    const today = users.todayOf(user);
    const span = resolveSpan({ category, today, memberSince: user.memberSince, first, second });
    if (!span.ok) return fitbitError(400, 'validation', span.message, { fieldName: span.fieldName });
    return jsonResponse(200, { [answerKey(path)]: dailyEntries(user, today, path, span.span) });
  });
}
