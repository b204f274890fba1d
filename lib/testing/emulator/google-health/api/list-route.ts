import { addDays } from '../../core/calendar.js';
import { jsonResponse, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorUser } from '../../core/users.js';
import type { GoogleValues, ListedPoint } from '../data/google-values.js';
import { dataTypeNamed, filterFieldsOf, type GoogleDataType } from '../data-types.js';
import { invalidArgument } from '../google-errors.js';
import { scopeRefusal, userApiRoute, userPath, type GoogleApiGuard } from './api-route.js';
import { parsePointFilter, type PointFilter } from './point-filter.js';
import { pageOffsetOf, pageSizeOf, pageTokenFor } from './paging.js';

/** Google's list page: 1440 points unless asked, at most 10000; types with a smaller page say so. */
const DEFAULT_PAGE_SIZE = 1440;
const MAX_PAGE_SIZE = 10_000;

const pointName = (user: EmulatorUser, type: string, id: string) => `users/${user.healthUserId}/dataTypes/${type}/dataPoints/${id}`;

/** The matching points, newest first, built only as far as they are read (long histories stay cheap). */
function* matchingPoints(values: GoogleValues, user: EmulatorUser, type: GoogleDataType, filter: PointFilter): Generator<ListedPoint> {
  const today = values.todayOf(user);
  const first = filter.from !== null && filter.from > user.memberSince ? filter.from : user.memberSince;
  const last = filter.to !== null && filter.to < today ? filter.to : today;
  for (let date = last; date >= first; date = addDays(date, -1)) {
    for (const point of values.points(user, type, date)) if (filter.matches(point)) yield point;
  }
}

/** GET users/me/dataTypes/{type}/dataPoints?filter=&pageSize=&pageToken=: newest first, paged. */
export function listRoute(guard: GoogleApiGuard, values: GoogleValues): Route {
  return userApiRoute(guard, 'GET', userPath('dataTypes\\/([^/]+)\\/dataPoints'), (request, match, caller): EmulatorResponse => {
    const type = dataTypeNamed(match[2]!);
    if (!type) return invalidArgument(`Unknown data type: ${match[2]}.`);
    const refusal = scopeRefusal(caller, type.scope);
    if (refusal) return refusal;
    if (!type.list) return invalidArgument(`Data points of ${type.name} cannot be listed: use dataPoints:dailyRollUp.`);

    const filterText = request.query.filter ?? '';
    const parsed = parsePointFilter(filterText, filterFieldsOf(type));
    if (!parsed.ok) return invalidArgument(parsed.message, 'INVALID_DATA_POINT_FILTER');
    const maxPageSize = type.list.maxPageSize ?? MAX_PAGE_SIZE;
    const pageSize = pageSizeOf(request.query.pageSize, Math.min(DEFAULT_PAGE_SIZE, maxPageSize), maxPageSize);
    if (!pageSize.ok) return invalidArgument(pageSize.message);
    const scope = `${caller.user.id}|${type.name}|${filterText}`;
    const offset = pageOffsetOf(request.query.pageToken, scope);
    if (offset === null) return invalidArgument('Invalid pageToken: it does not belong to this request.');

    const page: Record<string, unknown>[] = [];
    let more = false;
    let index = 0;
    for (const point of matchingPoints(values, caller.user, type, parsed.filter)) {
      if (index++ < offset) continue;
      if (page.length === pageSize.value) {
        more = true;
        break;
      }
      page.push({ name: pointName(caller.user, type.name, point.id), ...(point.dataSource ? { dataSource: point.dataSource } : {}), [type.field]: point.build() });
    }
    const next = more ? pageTokenFor(scope, offset + page.length) : undefined;
    return jsonResponse(200, { dataPoints: page, ...(next === undefined ? {} : { nextPageToken: next }) });
  });
}
