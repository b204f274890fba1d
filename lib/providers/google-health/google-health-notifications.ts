import { addDays, daysBetween, isCalendarDate } from '../../data/calendar.js';
import { MAX_DAYS_PER_NOTIFICATION, NotificationFormatError, type InstantSpan, type ProviderNotification } from '../fitbit-provider.interface.js';
import { notificationJson } from '../notification-json.js';
import { seedPathsOf } from './google-health-data-types.js';

const CIVIL = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

interface IntervalJson {
  startTime?: unknown;
  endTime?: unknown;
}

interface GoogleNoticeData {
  healthUserId?: unknown;
  dataType?: unknown;
  operation?: unknown;
  intervals?: (IntervalJson & { civilIso8601TimeInterval?: IntervalJson; physicalTimeInterval?: IntervalJson })[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The local days a civil interval touches, end exclusive; a start alone is that one day. */
function civilDays(startTime: unknown, endTime: unknown): string[] {
  const start = typeof startTime === 'string' ? CIVIL.exec(startTime) : null;
  if (!start || !isCalendarDate(start[1])) throw new NotificationFormatError('interval with a bad civil start');
  if (endTime === undefined || endTime === null || endTime === '') return [start[1]!];
  const end = typeof endTime === 'string' ? CIVIL.exec(endTime) : null;
  if (!end || !isCalendarDate(end[1])) throw new NotificationFormatError('interval with a bad civil end');
  const endsAtMidnight = Number(end[2] ?? 0) === 0 && Number(end[3] ?? 0) === 0 && Number(end[4] ?? 0) === 0;
  const last = endsAtMidnight && daysBetween(start[1]!, end[1]!) > 0 ? addDays(end[1]!, -1) : end[1]!;
  const count = daysBetween(start[1]!, last) + 1;
  if (count < 1) throw new NotificationFormatError('interval ends before it starts');
  return Array.from({ length: Math.min(count, MAX_DAYS_PER_NOTIFICATION) }, (_, index) => addDays(last, -index)).reverse();
}

/** An instant interval; a start alone is that moment. */
function instantSpan(startTime: unknown, endTime: unknown): InstantSpan {
  const start = typeof startTime === 'string' && INSTANT.test(startTime) ? Date.parse(startTime) : Number.NaN;
  if (Number.isNaN(start)) throw new NotificationFormatError('interval with a bad start instant');
  if (endTime === undefined || endTime === null || endTime === '') return { start, end: null };
  const end = typeof endTime === 'string' && INSTANT.test(endTime) ? Date.parse(endTime) : Number.NaN;
  if (Number.isNaN(end)) throw new NotificationFormatError('interval with a bad end instant');
  if (end < start) throw new NotificationFormatError('interval ends before it starts');
  return { start, end };
}

/**
 * One interval as the days it touches: its civil (local) times when it has them; otherwise its
 * physical instants, whose days the user's zone decides. Times without a zone are civil, times with
 * one instants, whichever wrapper they come in.
 */
function readInterval(interval: unknown, dates: Set<string>, spans: InstantSpan[]): void {
  if (!isObject(interval)) throw new NotificationFormatError('interval is not an object');
  const civil = isObject(interval.civilIso8601TimeInterval) ? interval.civilIso8601TimeInterval : null;
  const physical = isObject(interval.physicalTimeInterval) ? interval.physicalTimeInterval : null;
  const chosen = civil?.startTime !== undefined ? civil : physical?.startTime !== undefined ? physical : interval;
  const { startTime, endTime } = chosen as IntervalJson;
  if (typeof startTime === 'string' && INSTANT.test(startTime)) spans.push(instantSpan(startTime, endTime));
  else for (const date of civilDays(startTime, endTime)) dates.add(date);
}

function readNotice(notice: unknown): ProviderNotification[] {
  const data = (isObject(notice) && isObject(notice.data) ? notice.data : notice) as GoogleNoticeData | null;
  if (!isObject(data)) throw new NotificationFormatError('no data object');
  const { healthUserId, dataType, operation, intervals } = data;
  if (typeof healthUserId !== 'string' || healthUserId === '' || typeof dataType !== 'string') {
    throw new NotificationFormatError('healthUserId or dataType missing');
  }
  if (operation !== 'UPSERT' && operation !== 'DELETE') throw new NotificationFormatError('unknown operation');
  if (!Array.isArray(intervals) || intervals.length === 0) throw new NotificationFormatError('no intervals');
  const dates = new Set<string>();
  const spans: InstantSpan[] = [];
  for (const interval of intervals) readInterval(interval, dates, spans);
  const byCategory = new Map<string, string[]>();
  for (const path of seedPathsOf(dataType)) {
    const [category, ...resource] = path.split('/');
    byCategory.set(category!, [...(byCategory.get(category!) ?? []), resource.join('/')]);
  }
  return [...byCategory].map(([category, resources]) => ({
    kind: 'data' as const,
    providerUserId: healthUserId,
    category,
    resources,
    dates: [...dates].sort(),
    ...(spans.length > 0 ? { spans } : {}),
    deleted: operation === 'DELETE',
  }));
}

/**
 * Parses a Google Health webhook body into the seed types and days it affects: one notice
 * (`{"data": {…}}`) or a JSON array of them, each interval with civil times, physical times only,
 * or only a start. A body with any malformed notice is refused whole.
 */
export function parseGoogleHealthNotifications(body: Buffer): ProviderNotification[] {
  const parsed = notificationJson(body);
  const notices = Array.isArray(parsed) ? parsed : [parsed];
  if (notices.length === 0) throw new NotificationFormatError('an empty list of notices');
  return notices.flatMap(readNotice);
}
