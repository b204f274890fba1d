import { Injectable } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { FitbitConfig } from '../config/fitbit-config.js';
import { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import { InjectFitbitRepository } from '../data/fitbit-repository.js';
import { SubscriptionParts, type QueueHealth } from '../subscription-parts.js';
import { databaseAddress, pingDatabase, probeHttp } from './dependency-probes.js';

/** `up`, or why not. Degraded parts still serve: stored data, sign-in, the queue filling. */
export interface FitbitDependencyState {
  status: 'up' | 'down' | 'degraded';
  address: string;
  /** Why it is not up. */
  message?: string;
}

/** The queue's depth, and whether it is keeping up. */
export interface FitbitQueueState {
  status: 'up' | 'down' | 'degraded';
  /** Jobs ready to run, waiting for their time (retries, spaced history jobs), running, and failed for good. */
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
  message?: string;
}

/** What `FitbitHealth.check()` found. Redis and the queue are there only with `subscribe`. */
export interface FitbitHealthReport {
  /** False when the database or Redis is down: the module cannot do its work. */
  healthy: boolean;
  database: FitbitDependencyState;
  redis?: FitbitDependencyState;
  queue?: FitbitQueueState;
  /** The provider's API: unreachable is `degraded`, since pages and stored data still work. */
  provider: FitbitDependencyState;
}

/** Options of `FitbitHealth.check()` and `FitbitHealthIndicator.isHealthy()`. */
export interface FitbitHealthCheckOptions {
  /** Bound of each probe. Default: the `startupTimeoutMs` option. */
  timeoutMs?: number;
  /** Waiting + delayed jobs beyond which the queue counts as degraded (falling behind). Default: no limit. */
  maxQueueDepth?: number;
}

/**
 * Probes what the module depends on, each within a bound: the database, Redis and the queue's depth
 * (with `subscribe`) and whether the provider answers at all. Used by `FitbitHealthIndicator`
 * (`nestjs-fitbit/terminus`) and by anything else that wants the same answer.
 */
@Injectable()
export class FitbitHealth {
  constructor(
    private readonly config: FitbitConfig,
    @InjectFitbitRepository(UserFitbit) private readonly links: Repository<UserFitbit>,
    private readonly parts: SubscriptionParts,
  ) {}

  /** Probes every part at once, each bounded by `timeoutMs`. */
  async check(options: FitbitHealthCheckOptions = {}): Promise<FitbitHealthReport> {
    const timeoutMs = options.timeoutMs ?? this.config.startupTimeoutMs;
    const dataSource = this.links.manager.connection;
    const queue = this.parts.queue;
    const [database, redis, jobs, provider] = await Promise.all([
      state(databaseAddress(dataSource), pingDatabase(dataSource, timeoutMs), 'down'),
      queue ? state(queue.address, queue.ping(timeoutMs), 'down') : undefined,
      queue ? this.queueState(queue, timeoutMs, options.maxQueueDepth) : undefined,
      this.probeProvider('api', timeoutMs),
    ]);
    const report: FitbitHealthReport = { healthy: database.status === 'up' && redis?.status !== 'down', database, provider };
    if (redis) report.redis = redis;
    if (jobs) report.queue = jobs;
    return report;
  }

  /**
   * Whether the provider's API host (or its token endpoint) answers HTTP at all. The API is probed
   * at its host's root, which no API method lives at: any answer means reachable, and no call of
   * the API's is made.
   */
  probeProvider(endpoint: 'api' | 'token', timeoutMs: number = this.config.startupTimeoutMs): Promise<FitbitDependencyState> {
    const url = endpoint === 'api' ? `${new URL(this.config.endpoints.apiUrl).origin}/` : this.config.endpoints.tokenUrl;
    return state(url, probeHttp(url, timeoutMs), 'degraded');
  }

  private async queueState(queue: QueueHealth, timeoutMs: number, maxDepth: number | undefined): Promise<FitbitQueueState> {
    try {
      const counts = await queue.jobCounts(timeoutMs);
      const depth = counts.waiting + counts.delayed;
      const behind = maxDepth !== undefined && depth > maxDepth;
      return {
        status: behind ? 'degraded' : 'up',
        waiting: counts.waiting,
        delayed: counts.delayed,
        active: counts.active,
        failed: counts.failed,
        ...(behind ? { message: `${depth} jobs waiting, more than ${maxDepth}` } : {}),
      };
    } catch (error) {
      return { status: 'down', waiting: 0, delayed: 0, active: 0, failed: 0, message: `job counts unavailable: ${(error as Error).message}` };
    }
  }
}

async function state(address: string, probe: Promise<void>, whenFailing: 'down' | 'degraded'): Promise<FitbitDependencyState> {
  try {
    await probe;
    return { status: 'up', address };
  } catch (error) {
    return { status: whenFailing, address, message: (error as Error).message };
  }
}
