import { InjectQueue, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Inject } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { AuthorizedCalls } from '../auth/authorized-calls.js';
import { Withdrawals, type WithdrawalOutcome } from '../auth/withdrawals.service.js';
import { UserLinkStore } from '../auth/user-link.store.js';
import { isMissingAltimeter } from '../data/provider-error-status.js';
import { isKnownTimeSeriesType, timeSeriesPath, type TimeSeriesTypeKey } from '../data/time-series-data-types.js';
import { FITBIT_PROVIDER, FITBIT_QUEUE } from '../fitbit.constants.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';
import { ProviderRateLimitError } from '../providers/provider-errors.js';
import { describeError } from '../logging/redaction.js';
import {
  NOTIFICATIONS_JOB,
  POLL_JOB,
  SUBSCRIBE_JOB,
  TIME_SERIES_JOB,
  UNSUBSCRIBE_JOB,
  type NotificationsJobData,
  type SubscribeJobData,
  type TimeSeriesJobData,
  type UnsubscribeJobData,
} from './fitbit-job.types.js';
import { FAIL_ONCE, FitbitJobsProducer } from './fitbit-jobs.producer.js';
import { RedisJobLock } from './redis-job-lock.js';
import { retryDelayMs, isTransient, MAX_RETRIES } from './retry-policy.js';
import { describeImportFailure, ImportProgress } from './import-progress.js';
import type { ImportTypeProgress } from './import-progress.types.js';
import { HistoryImportInterrupted, TimeSeriesImporter } from './time-series-importer.service.js';
import { TimeSeriesPoller } from './time-series-poller.js';
import { RedactingLogger } from '../logging/redacting-logger.js';

const LOCK_TTL_MS = 5 * 60_000;
const FETCH_MARK_TTL_MS = 24 * 3_600_000;

/**
 * stored / no-device (400 on floors or elevation) / unsupported (never asked: a type the provider
 * retired) / coalesced (a fetch that started after this change completed already) / locked (another
 * job is fetching this; the change was handed to it) / retry-scheduled (429 or transient error).
 */
export type TimeSeriesOutcome = 'stored' | 'no-device' | 'unsupported' | 'coalesced' | 'locked' | 'retry-scheduled';

/** The Celery tasks of django-fitbit as Bull processors. Failures are final unless said otherwise. */
@Processor(FITBIT_QUEUE)
export class FitbitJobsProcessor {
  private readonly logger = new RedactingLogger('FitbitJobs');
  private readonly lock: RedisJobLock;
  /** The jitter of the retry back-off; replaceable in tests. */
  random: () => number = Math.random;

  constructor(
    @InjectQueue(FITBIT_QUEUE) private readonly queue: Queue,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    private readonly links: UserLinkStore,
    private readonly calls: AuthorizedCalls,
    private readonly withdrawals: Withdrawals,
    private readonly importer: TimeSeriesImporter,
    private readonly poller: TimeSeriesPoller,
    private readonly producer: FitbitJobsProducer,
    private readonly progress: ImportProgress,
  ) {
    this.lock = new RedisJobLock(queue.client, queue.toKey('fitbit'));
  }

  @Process(SUBSCRIBE_JOB)
  async subscribe(job: Job<SubscribeJobData>): Promise<number> {
    const links = await this.links.findByProviderUser(this.provider.name, job.data.providerUserId);
    for (const link of links) {
      await this.calls.run(link, (accessToken) =>
        this.provider.subscribe({ accessToken, providerUserId: link.providerUserId, subscriptionId: link.userId, subscriberId: job.data.subscriberId }),
      );
    }
    return links.length;
  }

  /**
   * Works off a pending withdrawal (unsubscribe, and revoke when the user disconnected) from its sealed
   * row: the link is gone already, and a refresh must not bring it back. A failure comes back as a new
   * job after the withdrawal back-off, until the provider confirms or says the grant is gone.
   */
  @Process(UNSUBSCRIBE_JOB)
  async unsubscribe(job: Job<UnsubscribeJobData>): Promise<WithdrawalOutcome['kind']> {
    const id = job.data.revocationId;
    const outcome = await this.withdrawals.attempt(id);
    if (outcome.kind === 'retry' || outcome.kind === 'not-due') await this.producer.queueWithdrawal(id, outcome.inMs);
    return outcome.kind;
  }

  /**
   * get_time_series_data. Coalescing happens here, at processing time: a job whose change is already
   * covered by a completed fetch that started after it was queued does nothing; a job that finds the
   * lock held hands its change to the holder, who queues one follow-up fetch when it releases, unless
   * its own fetch started after that change. No change is dropped and no duplicate fetch is made.
   */
  @Process({ name: TIME_SERIES_JOB, concurrency: 4 })
  async timeSeries(job: Job<TimeSeriesJobData>): Promise<TimeSeriesOutcome> {
    const { providerUserId, category, resource, date } = job.data;
    if (!isKnownTimeSeriesType(category, resource)) throw new Error(`Unknown data type ${category}/${resource}`);
    const type = { category, resource };
    if (!this.provider.supportsType(type)) return 'unsupported';
    const lockName = `${providerUserId}:${timeSeriesPath(type)}:${date ?? 'ALL'}`;
    const owner = String(job.id);
    const queuedAt = job.data.queuedAt ?? job.timestamp;
    const attempt = job.data.attempt ?? 0;

    const claim = await this.lock.acquire(lockName, owner, LOCK_TTL_MS, queuedAt);
    if (claim === 'already-fetched') return 'coalesced';
    if (claim === 'handed-over') return 'locked';

    const history = date === null;
    if (history) await this.markProgress(providerUserId, type, { state: 'running' });
    const startedAt = Date.now();
    let outcome: TimeSeriesOutcome | null = null;
    let failure: unknown = null;
    let retryInMs: number | null = null;
    let retry: { attempt: number; resumeFrom: string | undefined; cause: unknown } | null = null;
    let pending: number | null;
    let written = 0;
    try {
      try {
        written = await this.importer.import(providerUserId, type, date, job.data.resumeFrom);
        outcome = 'stored';
      } catch (error) {
        const interrupted = error instanceof HistoryImportInterrupted ? error : null;
        const cause = interrupted ? interrupted.cause : error;
        // Progress made since the last try earns the retry a fresh budget.
        const tries = interrupted ? 0 : attempt;
        if (isMissingAltimeter(cause, resource)) outcome = 'no-device';
        else if ((cause instanceof ProviderRateLimitError || isTransient(cause)) && tries < MAX_RETRIES) {
          retryInMs = retryDelayMs(cause, tries, this.random);
          retry = { attempt: tries + 1, resumeFrom: interrupted?.resumeFrom ?? job.data.resumeFrom, cause };
          this.logger.warn(`Job ${job.name} ${lockName}: ${(cause as Error).message}; retry ${tries + 1} in ${retryInMs} ms`);
        } else failure = cause;
      }
      if (outcome !== null) await this.lock.markFetched(lockName, startedAt, FETCH_MARK_TTL_MS);
    } finally {
      pending = await this.lock.release(lockName, owner);
    }

    if (retryInMs !== null && retry !== null) {
      await this.requeue({ ...job.data, resumeFrom: retry.resumeFrom }, retryInMs, Math.max(queuedAt, pending ?? 0), retry.attempt);
      if (history) {
        const error = `${describeImportFailure(retry.cause)}; retry ${retry.attempt} in ${Math.ceil(retryInMs / 1000)} s`;
        await this.markProgress(providerUserId, type, { state: 'pending', error });
      }
      return 'retry-scheduled';
    }
    if (pending !== null && !(outcome !== null && startedAt > pending)) await this.requeue({ ...job.data, resumeFrom: undefined }, 0, pending, 0);
    if (history) {
      await this.markProgress(providerUserId, type, outcome === null ? { state: 'failed', error: describeImportFailure(failure) } : { state: 'done', rows: written });
    }
    if (outcome === null) throw failure;
    return outcome;
  }

  /**
   * Records where a history import stands and, when a type finished, logs one line about it (the
   * number of days, never their values). Bookkeeping: a Redis hiccup here must not fail the import.
   */
  private async markProgress(providerUserId: string, type: TimeSeriesTypeKey, progress: Omit<ImportTypeProgress, 'at'>): Promise<void> {
    const path = timeSeriesPath(type);
    try {
      const standing = await this.progress.mark(providerUserId, path, progress);
      if (standing === null || (progress.state !== 'done' && progress.state !== 'failed')) return;
      const users = (await this.links.findByProviderUser(this.provider.name, providerUserId)).map((link) => link.userId);
      const what = progress.state === 'done' ? `${progress.rows} day${progress.rows === 1 ? '' : 's'} stored` : `failed: ${progress.error}`;
      this.logger.log(`History import of user ${users.join(', ') || '(unlinked)'}: ${path} ${what}; ${standing.finished} of ${standing.total} types finished`);
    } catch (error) {
      this.logger.warn(`Import progress of ${path} not recorded: ${(error as Error).message}`);
    }
  }

  /** A notification batch from update/: removes the days a provider deleted, and queues the fetches in one round trip. */
  @Process(NOTIFICATIONS_JOB)
  async expandNotifications(job: Job<NotificationsJobData>): Promise<number> {
    for (const update of job.data.updates.filter((entry) => entry.deleted)) {
      for (const type of this.producer.typesOf(update.category, update.resources)) {
        await this.importer.remove(update.providerUserId, type, [update.date]);
      }
    }
    return this.producer.expandNotifications(job.data);
  }

  @Process(POLL_JOB)
  poll(): Promise<number> {
    return this.poller.poll();
  }

  /** Job data holds ids and dates only, and the logger redacts whatever else might slip in. */
  @OnQueueFailed()
  logFailure(job: Job, error: Error): void {
    this.logger.warn(`Job ${job.name} ${JSON.stringify(job.data)} failed: ${describeError(error)}`);
  }

  /** A new job (fresh timestamp, so `delay` counts from now) carrying the change's `queuedAt`. */
  private async requeue(data: TimeSeriesJobData, delay: number, queuedAt: number, attempt: number): Promise<void> {
    const next: TimeSeriesJobData = { ...data, queuedAt, attempt };
    await this.queue.add(TIME_SERIES_JOB, next, { ...FAIL_ONCE, delay });
  }
}
