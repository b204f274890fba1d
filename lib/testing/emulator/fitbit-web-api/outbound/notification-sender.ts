import type { DeliveryResult, NotificationDelivery } from '../../emulator-mode.js';
import { fitbitSignature } from './notification-signature.js';

/** fitbit mode: one entry of a notification batch, as Fitbit posts it to the subscriber. */
export interface FitbitNotification {
  collectionType: string;
  /** The user's local date; may be absent for userRevokedAccess. */
  date?: string;
  ownerId: string;
  ownerType: 'user';
  subscriptionId: string;
}

/** POSTs a batch of notifications to a subscriber the way Fitbit does: raw JSON or multipart `updates`, signed. */
export async function sendFitbitNotifications(
  clientSecret: string,
  url: string,
  notifications: readonly FitbitNotification[],
  delivery: NotificationDelivery = {},
): Promise<DeliveryResult> {
  const json = JSON.stringify(notifications);
  const headers: Record<string, string> = {};
  const signature = delivery.signature ?? 'valid';
  if (signature !== 'none') {
    headers['x-fitbit-signature'] = fitbitSignature(signature === 'valid' ? clientSecret : `${clientSecret}-wrong`, json);
  }
  let body: string | FormData = json;
  if (delivery.format === 'multipart') {
    body = new FormData();
    body.append('updates', new Blob([json], { type: 'application/json' }), 'updates.json');
  } else {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(delivery.timeoutMs ?? 10_000) });
  return { status: response.status, body: await response.text() };
}
