import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { FitbitConfig } from '../config/fitbit-config.js';
import type { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import type { TimeSeriesTypeKey } from '../data/time-series-data-types.js';
import { FITBIT_QUEUE } from '../fitbit.constants.js';
import {
  SUBSCRIBE_JOB,
  TIME_SERIES_JOB,
  UNSUBSCRIBE_JOB,
  type SubscribeJobData,
  type TimeSeriesJobData,
  type UnsubscribeJobData,
} from './fitbit-job.types.js';

export const SUBSCRIPTION_CHANGE_DELAY_MS = 5_000;
const QUEUE_TIMEOUT_MS = 2_000;

export class QueueUnavailableError extends Error {}
/** The module's jobs fail once and for all; retries are new jobs (see the processor). */
export const FAIL_ONCE: JobOptions = { attempts: 1, removeOnComplete: true, removeOnFail: 1000 };

type NamedJob = { name: string; data: unknown; opts: JobOptions };

/** Puts the module's jobs on the queue; each batch goes to Redis in one round trip. */
@Injectable()
export class FitbitJobsProducer {
  constructor(
    @InjectQueue(FITBIT_QUEUE) private readonly queue: Queue,
    private readonly config: FitbitConfig,
  ) {}

  /** After connecting: subscribe in 5 s, then one history job per subscribed type, spaced out. */
  async queueConnect(providerUserId: string, types: TimeSeriesTypeKey[] = this.config.subscribedTypes): Promise<void> {
    const subscribe: SubscribeJobData = { providerUserId, subscriberId: this.config.subscriberId };
    await this.addAll([
      { name: SUBSCRIBE_JOB, data: subscribe, opts: { ...FAIL_ONCE, delay: SUBSCRIPTION_CHANGE_DELAY_MS } },
      ...this.timeSeriesJobs(providerUserId, types, null, this.config.historicalInitDelayMs),
    ]);
  }

  async queueDisconnect(link: UserFitbit, revoke: boolean): Promise<void> {
    await this.addAll([this.unsubscribeJob(link, revoke, SUBSCRIPTION_CHANGE_DELAY_MS)]);
  }

  private unsubscribeJob(link: UserFitbit, revoke: boolean, delay: number): NamedJob {
    const data: UnsubscribeJobData = {
      providerUserId: link.providerUserId,
      accessToken: link.accessToken,
      refreshToken: link.refreshToken,
      expiresAt: link.expiresAt,
      revoke,
    };
    return { name: UNSUBSCRIBE_JOB, data, opts: { ...FAIL_ONCE, delay } };
  }

  /**
   * Jobs for changed days: per type of the category, in configured order, `i × betweenDelay` apart;
   * plus, in the same round trip, an `unsubscribe` (no revoke: the grant is gone already) for every
   * link a `userRevokedAccess`/`deleteUser` notification removes.
   */
  async queueUpdates(
    updates: { providerUserId: string; types: TimeSeriesTypeKey[]; date: string }[],
    removedLinks: readonly UserFitbit[] = [],
  ): Promise<void> {
    await this.addAll([
      ...updates.flatMap((update) => this.timeSeriesJobs(update.providerUserId, update.types, update.date, 0)),
      ...removedLinks.map((link) => this.unsubscribeJob(link, false, 0)),
    ]);
  }

  private timeSeriesJobs(providerUserId: string, types: TimeSeriesTypeKey[], date: string | null, firstDelayMs: number): NamedJob[] {
    return types.map((type, index) => {
      const data: TimeSeriesJobData = { providerUserId, category: type.category, resource: type.resource, date };
      return { name: TIME_SERIES_JOB, data, opts: { ...FAIL_ONCE, delay: firstDelayMs + index * this.config.betweenDelayMs } };
    });
  }

  /**
   * One MULTI round trip, so a batch is queued whole or not at all. With Redis known to be down it
   * fails at once; a client still connecting gets QUEUE_TIMEOUT_MS, never more (ioredis would
   * otherwise hold the commands in its offline queue for as long as Redis stays away). Every
   * failure comes out as QueueUnavailableError, so callers have one thing to handle.
   */
  private async addAll(jobs: NamedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const status = this.queue.client.status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') throw new QueueUnavailableError(`Redis is ${status}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError(`no answer from Redis within ${QUEUE_TIMEOUT_MS} ms`)), QUEUE_TIMEOUT_MS);
    });
    const queuedAt = Date.now();
    try {
      await Promise.race([this.queue.addBulk(jobs.map((job) => ({ ...job, data: { ...(job.data as object), queuedAt } }))), timeout]);
    } catch (error) {
      if (error instanceof QueueUnavailableError) throw error;
      throw new QueueUnavailableError(`queueing failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
