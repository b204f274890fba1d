import { NotificationFormatError } from './fitbit-provider.interface.js';

/** A notification body as JSON; `NotificationFormatError` when it is not JSON at all. */
export function notificationJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new NotificationFormatError('the body is not JSON');
  }
}
