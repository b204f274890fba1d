import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import type { LinkJobs } from '../auth/link-jobs.js';
import { FitbitConfig } from '../config/fitbit-config.js';
import { timeSeriesPath, type TimeSeriesCategoryName, type TimeSeriesTypeKey } from '../data/time-series-data-types.js';
import { FITBIT_PROVIDER, FITBIT_QUEUE } from '../fitbit.constants.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';
import {
  NOTIFICATIONS_JOB,
  SUBSCRIBE_JOB,
  SUBSCRIPTION_CHANGE_DELAY_MS,
  TIME_SERIES_JOB,
  UNSUBSCRIBE_JOB,
  type NotificationsJobData,
  type SubscribeJobData,
  type TimeSeriesJobData,
  type UnsubscribeJobData,
} from './fitbit-job.types.js';
import { QueueUnavailableError } from './queue-unavailable.error.js';
import { ImportProgress } from './import-progress.js';

const QUEUE_TIMEOUT_MS = 2_000;

/** The module's jobs fail once and for all; retries are new jobs (see the processor). */
export const FAIL_ONCE: JobOptions = { attempts: 1, removeOnComplete: true, removeOnFail: 1000 };

/** Expanding a batch only talks to Redis: worth a few tries, as the notifications exist nowhere else. */
const EXPAND_OPTIONS: JobOptions = { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: 1000 };

interface NotificationGroup {
  updates: NotificationsJobData['updates'];
  /** Pending-revocation rows of links that notifications removed. */
  withdrawals: number[];
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

type NamedJob = { name: string; data: unknown; opts: JobOptions };

/** Puts the module's jobs on the queue; each batch goes to Redis in one round trip. */
@Injectable()
export class FitbitJobsProducer implements LinkJobs {
  /** Notification batches waiting for this turn's shared write. */
  private group: NotificationGroup | null = null;

  constructor(
    @InjectQueue(FITBIT_QUEUE) private readonly queue: Queue,
    private readonly config: FitbitConfig,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    private readonly progress: ImportProgress,
  ) {}

  /**
   * After connecting: subscribe in 5 s, then one history job per subscribed type, spaced out. The
   * import's plan (the types the provider can serve) is written first, so that no worker finishes
   * a type before it is planned; if the jobs cannot be queued, the plan goes again.
   */
  async queueConnect(providerUserId: string, types: TimeSeriesTypeKey[] = this.config.subscribedTypes): Promise<void> {
    const subscribe: SubscribeJobData = { providerUserId, subscriberId: this.config.subscriberId };
    const planned = types.filter((type) => this.provider.supportsType(type)).map(timeSeriesPath);
    try {
      await this.addAll(
        [
          { name: SUBSCRIBE_JOB, data: subscribe, opts: { ...FAIL_ONCE, delay: SUBSCRIPTION_CHANGE_DELAY_MS } },
          ...this.timeSeriesJobs(providerUserId, types, null, this.config.historicalInitDelayMs),
        ],
        Date.now(),
        () => this.progress.plan(providerUserId, planned),
      );
    } catch (error) {
      if (this.queue.client.status === 'ready') await this.progress.plan(providerUserId, []).catch(() => undefined);
      throw error;
    }
  }

  /** An attempt at a pending withdrawal (unsubscribe, then revoke) in `delayMs`. */
  async queueWithdrawal(revocationId: number, delayMs: number): Promise<void> {
    await this.addAll([this.unsubscribeJob(revocationId, delayMs)]);
  }

  private unsubscribeJob(revocationId: number, delay: number): NamedJob {
    const data: UnsubscribeJobData = { revocationId };
    return { name: UNSUBSCRIBE_JOB, data, opts: { ...FAIL_ONCE, delay } };
  }

  /** Jobs for changed days: per type of the category, in configured order, `i × betweenDelay` apart. */
  async queueUpdates(updates: { providerUserId: string; types: TimeSeriesTypeKey[]; date: string }[]): Promise<void> {
    await this.addAll(updates.flatMap((update) => this.timeSeriesJobs(update.providerUserId, update.types, update.date, 0)));
  }

  private timeSeriesJobs(providerUserId: string, types: TimeSeriesTypeKey[], date: string | null, firstDelayMs: number): NamedJob[] {
    return types.map((type, index) => {
      const data: TimeSeriesJobData = { providerUserId, category: type.category, resource: type.resource, date };
      return { name: TIME_SERIES_JOB, data, opts: { ...FAIL_ONCE, delay: firstDelayMs + index * this.config.betweenDelayMs } };
    });
  }

  /**
   * A notification batch as ONE job (plus an `unsubscribe` per withdrawal a `userRevokedAccess`/`deleteUser`
   * notification recorded): the endpoint's cost does not grow with the number of types per
   * notification. A worker expands it with `expandNotifications`.
   *
   * Group commit: the batches of requests handled in the same turn of the event loop share that job
   * and its one round trip, so under load Redis sees one write per turn rather than one per request.
   * Each caller's promise settles with the shared write: all of them queued, or none.
   */
  queueNotifications(updates: NotificationsJobData['updates'], withdrawals: readonly number[] = []): Promise<void> {
    if (updates.length === 0 && withdrawals.length === 0) return Promise.resolve();
    if (this.group === null) {
      const group: NotificationGroup = { updates: [], withdrawals: [], waiters: [] };
      this.group = group;
      setImmediate(() => void this.commit(group));
    }
    const group = this.group;
    group.updates.push(...updates);
    group.withdrawals.push(...withdrawals);
    return new Promise((resolve, reject) => group.waiters.push({ resolve, reject }));
  }

  private async commit(group: NotificationGroup): Promise<void> {
    if (this.group === group) this.group = null;
    const batch: NamedJob[] =
      group.updates.length === 0 ? [] : [{ name: NOTIFICATIONS_JOB, data: { updates: group.updates } satisfies NotificationsJobData, opts: EXPAND_OPTIONS }];
    try {
      await this.addAll([...batch, ...group.withdrawals.map((id) => this.unsubscribeJob(id, 0))]);
      for (const waiter of group.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of group.waiters) waiter.reject(error);
    }
  }

  /**
   * The jobs of a notification batch: per changed day, one per type in configured order,
   * `i × betweenDelay` apart, all carrying the time the batch arrived. One round trip.
   */
  async expandNotifications(batch: NotificationsJobData): Promise<number> {
    const jobs = batch.updates.filter((update) => !update.deleted).flatMap((update) =>
      this.timeSeriesJobs(update.providerUserId, this.typesOf(update.category, update.resources), update.date, 0),
    );
    await this.addAll(jobs, batch.queuedAt);
    return jobs.length;
  }

  /** The subscribed types of a category, in configured order; only `resources` when given. */
  typesOf(category: TimeSeriesCategoryName, resources: readonly string[] | null): TimeSeriesTypeKey[] {
    const types = this.config.subscribedTypesOf(category);
    return resources === null ? types : types.filter((type) => resources.includes(type.resource));
  }

  /**
   * One round trip (a MULTI for several jobs), so a batch is queued whole or not at all. No command
   * is sent unless the client is ready: ioredis would otherwise keep it in its offline queue and run
   * it whenever Redis came back, after the caller had been told it failed. A client still connecting
   * gets QUEUE_TIMEOUT_MS to become ready; one that is reconnecting (Redis known to be down) fails at
   * once. Every failure comes out as QueueUnavailableError, so callers have one thing to handle.
   */
  private async addAll(jobs: NamedJob[], queuedAt: number = Date.now(), first?: () => Promise<unknown>): Promise<void> {
    if (jobs.length === 0) return;
    const deadline = Date.now() + QUEUE_TIMEOUT_MS;
    await this.whenReady(QUEUE_TIMEOUT_MS);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError(`no answer from Redis within ${QUEUE_TIMEOUT_MS} ms`)), Math.max(0, deadline - Date.now()));
    });
    const stamped = jobs.map((job) => ({ ...job, data: { ...(job.data as object), queuedAt } }));
    try {
      const added = (async () => {
        await first?.();
        // A single job needs no MULTI: one script call is the round trip.
        return stamped.length === 1 ? this.queue.add(stamped[0]!.name, stamped[0]!.data, stamped[0]!.opts) : this.queue.addBulk(stamped);
      })();
      await Promise.race([added, timeout]);
    } catch (error) {
      if (error instanceof QueueUnavailableError) throw error;
      throw new QueueUnavailableError(`queueing failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  private whenReady(timeoutMs: number): Promise<void> {
    const client = this.queue.client;
    if (client.status === 'ready') return Promise.resolve();
    if (client.status !== 'wait' && client.status !== 'connecting' && client.status !== 'connect') {
      return Promise.reject(new QueueUnavailableError(`Redis is ${client.status}`));
    }
    return new Promise((resolve, reject) => {
      const settle = (error: QueueUnavailableError | null) => {
        clearTimeout(timer);
        for (const [event, listener] of listeners) client.off(event, listener);
        if (error) reject(error);
        else resolve();
      };
      const listeners: [string, () => void][] = [
        ['ready', () => settle(null)],
        ...['close', 'end', 'reconnecting', 'error'].map((event): [string, () => void] => [event, () => settle(new QueueUnavailableError(`Redis is ${client.status}`))]),
      ];
      const timer = setTimeout(() => settle(new QueueUnavailableError(`Redis not ready within ${timeoutMs} ms`)), timeoutMs);
      for (const [event, listener] of listeners) client.on(event, listener);
    });
  }
}
