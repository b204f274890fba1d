import { InjectQueue, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Inject, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { AuthorizedCalls } from '../auth/authorized-calls.js';
import { TokenCipher } from '../auth/token-cipher.js';
import { TokenRefresher } from '../auth/token-refresher.js';
import { UserLinkStore } from '../auth/user-link.store.js';
import { isMissingAltimeter } from '../data/provider-error-status.js';
import { isKnownTimeSeriesType, timeSeriesPath } from '../data/time-series-data-types.js';
import { FITBIT_PROVIDER, FITBIT_QUEUE } from '../fitbit.constants.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';
import { ProviderRateLimitError, ProviderUnauthorizedError } from '../providers/provider-errors.js';
import {
  SUBSCRIBE_JOB,
  TIME_SERIES_JOB,
  UNSUBSCRIBE_JOB,
  type SubscribeJobData,
  type TimeSeriesJobData,
  type UnsubscribeJobData,
} from './fitbit-job.types.js';
import { RedisJobLock } from './redis-job-lock.js';
import { retryDelayMs, isTransient, MAX_RETRIES } from './retry-policy.js';
import { TimeSeriesImporter } from './time-series-importer.service.js';

const LOCK_TTL_MS = 5 * 60_000;
const LOCK_BUSY_DELAY_MS = 30_000;
const FETCH_MARK_TTL_MS = 24 * 3_600_000;

export type TimeSeriesOutcome = 'stored' | 'no-device' | 'coalesced' | 'locked' | 'retry-scheduled';

/** The Celery tasks of django-fitbit as Bull processors. Failures are final unless said otherwise. */
@Processor(FITBIT_QUEUE)
export class FitbitJobsProcessor {
  private readonly logger = new Logger('FitbitJobs');
  private readonly lock: RedisJobLock;

  constructor(
    @InjectQueue(FITBIT_QUEUE) private readonly queue: Queue,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    private readonly links: UserLinkStore,
    private readonly calls: AuthorizedCalls,
    private readonly refresher: TokenRefresher,
    private readonly cipher: TokenCipher,
    private readonly importer: TimeSeriesImporter,
  ) {
    this.lock = new RedisJobLock(queue.client, queue.toKey('fitbit'));
  }

  @Process(SUBSCRIBE_JOB)
  async subscribe(job: Job<SubscribeJobData>): Promise<number> {
    const links = await this.links.findByProviderUser(this.provider.name, job.data.providerUserId);
    for (const link of links) {
      await this.calls.run(link, (token) => this.provider.subscribe(token, link.userId, job.data.subscriberId));
    }
    return links.length;
  }

  /** Works from the tokens in the job: the link is usually gone already, and a refresh must not bring it back. */
  @Process(UNSUBSCRIBE_JOB)
  async unsubscribe(job: Job<UnsubscribeJobData>): Promise<number> {
    const { providerUserId, revoke } = job.data;
    let accessToken = this.cipher.decrypt(job.data.accessToken);
    let refreshToken = this.cipher.decrypt(job.data.refreshToken);
    const refresh = async () => {
      const tokens = await this.refresher.refreshDetached(refreshToken);
      accessToken = tokens.accessToken;
      refreshToken = tokens.refreshToken || refreshToken;
    };
    if (job.data.expiresAt <= Date.now()) await refresh();
    let removed: number;
    try {
      removed = await this.provider.unsubscribe(accessToken, providerUserId);
    } catch (error) {
      if (!(error instanceof ProviderUnauthorizedError && error.tokenExpired)) throw error;
      await refresh();
      removed = await this.provider.unsubscribe(accessToken, providerUserId);
    }
    if (revoke) await this.provider.revokeToken(refreshToken);
    return removed;
  }

  @Process({ name: TIME_SERIES_JOB, concurrency: 4 })
  async timeSeries(job: Job<TimeSeriesJobData>): Promise<TimeSeriesOutcome> {
    const { providerUserId, category, resource, date } = job.data;
    if (!isKnownTimeSeriesType(category, resource)) throw new Error(`Unknown data type ${category}/${resource}`);
    const type = { category, resource };
    const lockName = `${providerUserId}:${timeSeriesPath(type)}:${date ?? 'ALL'}`;
    const queuedAt = job.data.queuedAt ?? job.timestamp;

    const lastFetch = await this.lock.lastFetchStarted(lockName);
    if (lastFetch !== null && lastFetch >= queuedAt) return 'coalesced';
    if (!(await this.lock.acquire(lockName, String(job.id), LOCK_TTL_MS))) {
      await this.requeue(job, LOCK_BUSY_DELAY_MS, queuedAt, job.data.attempt ?? 0);
      return 'locked';
    }
    try {
      await this.lock.markFetchStarted(lockName, Date.now(), FETCH_MARK_TTL_MS);
      if (!this.provider.supportsType(type)) return 'no-device';
      await this.importer.import(providerUserId, type, date);
      return 'stored';
    } catch (error) {
      if (isMissingAltimeter(error, resource)) return 'no-device';
      const attempt = job.data.attempt ?? 0;
      if ((error instanceof ProviderRateLimitError || isTransient(error)) && attempt < MAX_RETRIES) {
        await this.requeue(job, retryDelayMs(error, attempt), 0, attempt + 1);
        return 'retry-scheduled';
      }
      throw error;
    } finally {
      await this.lock.release(lockName, String(job.id));
    }
  }

  @OnQueueFailed()
  logFailure(job: Job, error: Error): void {
    this.logger.warn(`Job ${job.name} ${JSON.stringify(job.data)} failed: ${error.message}`);
  }

  private async requeue(job: Job<TimeSeriesJobData>, delay: number, queuedAt: number, attempt: number): Promise<void> {
    const data: TimeSeriesJobData = { ...job.data, queuedAt, attempt };
    await this.queue.add(TIME_SERIES_JOB, data, { ...job.opts, jobId: undefined, delay, attempts: 1 });
  }
}
