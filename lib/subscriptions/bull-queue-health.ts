import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { FITBIT_QUEUE } from '../fitbit.constants.js';
import { withinTimeout } from '../health/dependency-probes.js';
import { SubscriptionParts, type QueueHealth } from '../subscription-parts.js';
import { pingRedis, redisAddress } from './redis-probes.js';

/** The queue's Redis for FitbitHealth: lent to this registration's core services on creation. */
@Injectable()
export class BullQueueHealth implements QueueHealth {
  constructor(
    @InjectQueue(FITBIT_QUEUE) private readonly queue: Queue,
    parts: SubscriptionParts,
  ) {
    parts.queue = this;
  }

  get address(): string {
    return redisAddress(this.queue.client);
  }

  ping(timeoutMs: number): Promise<void> {
    return pingRedis(this.queue.client, timeoutMs, true);
  }

  async jobCounts(timeoutMs: number): Promise<{ waiting: number; delayed: number; active: number; failed: number }> {
    // Only asked of a client that is ready: ioredis would hold the command until Redis came back.
    if (this.queue.client.status !== 'ready') throw new Error(`Redis is ${this.queue.client.status}`);
    const counts = await withinTimeout(this.queue.getJobCounts(), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
    return { waiting: counts.waiting, delayed: counts.delayed, active: counts.active, failed: counts.failed };
  }
}
