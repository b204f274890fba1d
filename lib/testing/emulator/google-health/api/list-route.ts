import { addDays } from '../../core/calendar.js';
import { jsonResponse, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorUser, UserRegistry } from '../../core/users.js';
import type { GoogleValues } from '../data/google-values.js';
import { dataTypeNamed, type GoogleDataType } from '../data-types.js';
import { invalidArgument } from '../google-errors.js';
import { scopeRefusal, userApiRoute, userPath, type GoogleApiGuard } from './api-route.js';
import { inWindow, parseCivilFilter, type CivilWindow } from './civil-filter.js';

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE: Record<string, number> = { sleep: 25 };
const MAX_OTHER_PAGE_SIZE = 1000;

/** The field a list filter names, per type. */
const FILTER_FIELDS: Record<string, string> = {
  sleep: 'sleep.interval.civil_end_time',
  'basal-energy-burned': 'basalEnergyBurned.interval.civil_start_time',
  height: 'height.sample_time.civil_time',
};

interface ListedPoint {
  /** Builds the point only when it lands on the page. */
  build(): Record<string, unknown>;
}

interface PageState {
  type: string;
  filter: string;
  offset: number;
}

const encodePageToken = (state: PageState): string => Buffer.from(JSON.stringify(state)).toString('base64url');

function decodePageToken(token: string): PageState | null {
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PageState>;
    if (typeof state.type !== 'string' || typeof state.filter !== 'string' || !Number.isInteger(state.offset) || state.offset! < 0) return null;
    return state as PageState;
  } catch {
    return null;
  }
}

const pointName = (user: EmulatorUser, type: string, id: string) => `users/${user.healthUserId}/dataTypes/${type}/dataPoints/${id}`;

/** Every point of the type within the window, newest first (built lazily: long histories stay cheap). */
function pointsOf(values: GoogleValues, user: EmulatorUser, today: string, type: GoogleDataType, window: CivilWindow): ListedPoint[] {
  if (type.name === 'height') {
    const height = values.height(user);
    return inWindow(window, height.sampleTime.civilTime) ? [{ build: () => ({ name: pointName(user, 'height', 'h0'), height }) }] : [];
  }
  // Both daily types are keyed by a time on (sleep: ending on) the date itself, so the window bounds the dates;
  // only on a boundary date does the time of day matter.
  const fromDate = window.from?.slice(0, 10) ?? null;
  const toDate = window.to?.slice(0, 10) ?? null;
  const first = fromDate !== null && fromDate > user.memberSince ? fromDate : user.memberSince;
  const last = toDate !== null && toDate < today ? toDate : today;
  const points: ListedPoint[] = [];
  for (let date = last; date >= first; date = addDays(date, -1)) {
    const id = date.replaceAll('-', '');
    const onBoundary = date === fromDate || date === toDate;
    if (type.name === 'sleep') {
      if (!values.hasSleep(user, date, today)) continue;
      if (onBoundary && !inWindow(window, values.sleep(user, date)!.interval.civilEndTime)) continue;
      points.push({ build: () => ({ name: pointName(user, 'sleep', id), sleep: values.sleep(user, date) }) });
    } else {
      if (onBoundary && !inWindow(window, `${date}T00:00:00`)) continue;
      points.push({ build: () => ({ name: pointName(user, type.name, id), basalEnergyBurned: values.basalEnergy(user, date) }) });
    }
  }
  return points;
}

/** GET users/me/dataTypes/{type}/dataPoints?filter=&pageSize=&pageToken=: newest first, paged. */
export function listRoute(guard: GoogleApiGuard, users: UserRegistry, values: GoogleValues): Route {
  return userApiRoute(guard, 'GET', userPath('dataTypes\\/([^/]+)\\/dataPoints'), (request, match, caller): EmulatorResponse => {
    const type = dataTypeNamed(match[2]!);
    if (!type) return invalidArgument(`Unknown data type: ${match[2]}.`);
    const refusal = scopeRefusal(caller, type.scope);
    if (refusal) return refusal;
    if (!type.listable) return invalidArgument(`The emulator does not list data points of ${type.name}: use dataPoints:dailyRollUp.`);

    const filterText = request.query.filter ?? '';
    const filter = parseCivilFilter(filterText, FILTER_FIELDS[type.name]!);
    if (!filter.ok) return invalidArgument(filter.message);

    const rawSize = request.query.pageSize;
    if (rawSize !== undefined && !/^\d+$/.test(rawSize)) return invalidArgument(`Invalid pageSize: ${rawSize}.`);
    const requested = rawSize === undefined ? 0 : Number(rawSize);
    const pageSize = Math.min(requested === 0 ? DEFAULT_PAGE_SIZE : requested, MAX_PAGE_SIZE[type.name] ?? MAX_OTHER_PAGE_SIZE);

    let offset = 0;
    if (request.query.pageToken) {
      const state = decodePageToken(request.query.pageToken);
      if (!state || state.type !== type.name || state.filter !== filterText) {
        return invalidArgument('Invalid pageToken: it does not belong to this request.');
      }
      offset = state.offset;
    }

    const all = pointsOf(values, caller.user, users.todayOf(caller.user), type, filter.window);
    const page = all.slice(offset, offset + pageSize);
    const next = offset + pageSize < all.length ? encodePageToken({ type: type.name, filter: filterText, offset: offset + pageSize }) : undefined;
    return jsonResponse(200, { dataPoints: page.map((entry) => entry.build()), ...(next === undefined ? {} : { nextPageToken: next }) });
  });
}
