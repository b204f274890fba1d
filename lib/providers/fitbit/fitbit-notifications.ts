import { isCalendarDate } from '../../data/calendar.js';
import { isTimeSeriesCategory } from '../../data/time-series-data-types.js';
import { NotificationFormatError, type ProviderNotification } from '../fitbit-provider.interface.js';
import { notificationJson } from '../notification-json.js';

const REVOKING_COLLECTIONS = new Set(['userRevokedAccess', 'deleteUser']);

/** Parses Fitbit's notification batch: a JSON array of `{collectionType, date, ownerId, ownerType, subscriptionId}`. */
export function parseFitbitNotifications(body: Buffer): ProviderNotification[] {
  const batch = notificationJson(body);
  if (!Array.isArray(batch)) throw new NotificationFormatError('the body is not a JSON array');
  return batch.flatMap((item: unknown, index): ProviderNotification[] => {
    if (typeof item !== 'object' || item === null) throw new NotificationFormatError(`notification ${index} is not an object`);
    const { collectionType, date, ownerId } = item as Record<string, unknown>;
    if (typeof collectionType !== 'string' || typeof ownerId !== 'string' || ownerId === '') {
      throw new NotificationFormatError(`notification ${index} lacks collectionType or ownerId`);
    }
    if (REVOKING_COLLECTIONS.has(collectionType)) return [{ kind: 'access-revoked', providerUserId: ownerId }];
    if (!isCalendarDate(date)) throw new NotificationFormatError(`notification ${index} has no valid date`);
    if (!isTimeSeriesCategory(collectionType)) return [];
    return [{ kind: 'data', providerUserId: ownerId, category: collectionType, resources: null, dates: [date], deleted: false }];
  });
}
