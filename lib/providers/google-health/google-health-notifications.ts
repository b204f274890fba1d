import { addDays, daysBetween, isCalendarDate } from '../../data/calendar.js';
import { NotificationFormatError, type ProviderNotification } from '../fitbit-provider.interface.js';
import { seedPathsOf } from './google-health-data-types.js';

/** A notice never makes us fetch more days than this, whatever interval it names. */
const MAX_DAYS_PER_NOTIFICATION = 31;

interface GoogleNotificationBody {
  data?: {
    healthUserId?: unknown;
    dataType?: unknown;
    operation?: unknown;
    intervals?: { civilIso8601TimeInterval?: { startTime?: unknown; endTime?: unknown } }[];
  };
}

/** The local days a civil interval touches; its end is exclusive. */
function daysOf(startTime: unknown, endTime: unknown): string[] {
  if (typeof startTime !== 'string' || typeof endTime !== 'string') throw new NotificationFormatError('interval without civil times');
  const start = startTime.slice(0, 10);
  const endDay = endTime.slice(0, 10);
  if (!isCalendarDate(start) || !isCalendarDate(endDay)) throw new NotificationFormatError('interval with a bad date');
  const endsAtMidnight = /^\d{4}-\d{2}-\d{2}(T00:00(:00(\.0+)?)?)?$/.test(endTime);
  const last = endsAtMidnight && daysBetween(start, endDay) > 0 ? addDays(endDay, -1) : endDay;
  const count = daysBetween(start, last) + 1;
  if (count < 1) throw new NotificationFormatError('interval ends before it starts');
  return Array.from({ length: Math.min(count, MAX_DAYS_PER_NOTIFICATION) }, (_, index) => addDays(last, -index)).reverse();
}

/** Parses one Google Health webhook notification into the seed types and days it affects. */
export function parseGoogleHealthNotification(body: Buffer): ProviderNotification[] {
  let parsed: GoogleNotificationBody;
  try {
    parsed = JSON.parse(body.toString('utf8')) as GoogleNotificationBody;
  } catch {
    throw new NotificationFormatError('the body is not JSON');
  }
  const data = parsed?.data;
  if (typeof data !== 'object' || data === null) throw new NotificationFormatError('no data object');
  const { healthUserId, dataType, operation, intervals } = data;
  if (typeof healthUserId !== 'string' || healthUserId === '' || typeof dataType !== 'string') {
    throw new NotificationFormatError('healthUserId or dataType missing');
  }
  if (operation !== 'UPSERT' && operation !== 'DELETE') throw new NotificationFormatError('unknown operation');
  if (!Array.isArray(intervals) || intervals.length === 0) throw new NotificationFormatError('no intervals');
  const dates = [...new Set(intervals.flatMap((interval) => daysOf(interval?.civilIso8601TimeInterval?.startTime, interval?.civilIso8601TimeInterval?.endTime)))].sort();
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
    dates,
    deleted: operation === 'DELETE',
  }));
}
