/**
 * Redis did not take a batch of jobs in time (down, reconnecting, or too slow). Nothing of the
 * batch was queued; the notification endpoint answers 503 so the provider sends it again.
 */
export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
}
