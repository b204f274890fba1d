import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { FITBIT_QUEUE } from '../fitbit.constants.js';

const TTL_MS = 6 * 3_600_000;

/**
 * The first day of a user's history, shared in Redis by every worker: one connect queues a history
 * job per type, and finding the start costs the provider several calls (Google probes backwards).
 */
@Injectable()
export class HistoryStartCache {
  constructor(@InjectQueue(FITBIT_QUEUE) private readonly queue: Queue) {}

  async get(providerUserId: string, compute: () => Promise<string>): Promise<string> {
    const key = this.queue.toKey(`fitbit:history-start:${providerUserId}`);
    const cached = await this.queue.client.get(key);
    if (cached) return cached;
    const start = await compute();
    await this.queue.client.set(key, start, 'PX', TTL_MS);
    return start;
  }
}
