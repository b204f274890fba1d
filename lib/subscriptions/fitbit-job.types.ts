import type { TimeSeriesCategoryName } from '../data/time-series-data-types.js';

export const SUBSCRIBE_JOB = 'subscribe';
export const UNSUBSCRIBE_JOB = 'unsubscribe';
export const TIME_SERIES_JOB = 'get_time_series_data';
/** Repeating: queues fetches of recent days for the types the provider sends no notifications for. */
export const POLL_JOB = 'poll_time_series';
/** One per notification batch: a worker turns it into the batch's get_time_series_data jobs. */
export const NOTIFICATIONS_JOB = 'notifications';

/** How long after connecting or disconnecting the subscribe or unsubscribe job runs. */
export const SUBSCRIPTION_CHANGE_DELAY_MS = 5_000;

export interface SubscribeJobData {
  providerUserId: string;
  subscriberId: string | null;
}

/**
 * A withdrawal to work off: the id of its pending-revocation row, never the tokens (Bull keeps
 * failed jobs in Redis). The row holds the sealed tokens and what to do (unsubscribe, revoke).
 */
export interface UnsubscribeJobData {
  revocationId: number;
}

export interface TimeSeriesJobData {
  providerUserId: string;
  category: TimeSeriesCategoryName;
  resource: string;
  /** A local date, or null for the whole history. */
  date: string | null;
  /** When the change that asked for this fetch was noticed (epoch ms); set on re-queued jobs. */
  queuedAt?: number;
  /** Retries made so far after rate limits and transient errors (since the last progress). */
  attempt?: number;
  /** A history import that stopped part-way goes on from this local date. */
  resumeFrom?: string;
}

/**
 * The changed days of one notification batch. Kept small (it is written to Redis on the endpoint's
 * hot path): the types are the subscribed types of `category`, in configured order, narrowed to
 * `resources` when the provider named them.
 */
export interface NotificationsJobData {
  /** `deleted`: the provider says the day's values are gone (a Google Health DELETE): remove, don't fetch. */
  updates: { providerUserId: string; category: TimeSeriesCategoryName; resources: string[] | null; date: string; deleted?: true }[];
  /** When the batch arrived (epoch ms); every fetch job it turns into carries it. */
  queuedAt?: number;
}
