import type { TimeSeriesTypeKey } from '../data/time-series-data-types.js';

/**
 * What the OAuth routes ask of the subscription jobs when they exist: after connecting, subscribe
 * and import the history; on disconnecting, work off the recorded withdrawal (unsubscribe, then
 * revoke). Provided (under LINK_JOBS) only with `subscribe`, so the routes need nothing from the
 * queue otherwise.
 */
export interface LinkJobs {
  queueConnect(providerUserId: string, types: TimeSeriesTypeKey[]): Promise<void>;
  queueWithdrawal(revocationId: number, delayMs: number): Promise<void>;
}

export const LINK_JOBS = Symbol('LINK_JOBS');
