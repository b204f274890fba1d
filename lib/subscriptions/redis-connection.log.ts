import { InjectQueue } from '@nestjs/bull';
import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { describeNoAnswer } from '../providers/upstream-fetch.js';
import { FITBIT_QUEUE } from '../fitbit.constants.js';
import { RedactingLogger } from '../logging/redacting-logger.js';
import { redisAddress } from './redis-probes.js';

/**
 * One warning when the queue's Redis goes away and one when it answers again, however many
 * reconnection attempts lie between (ioredis keeps trying, with Bull's back-off up to 20 s).
 * Meanwhile notifications are answered 503 and jobs wait in Redis.
 */
@Injectable()
export class RedisConnectionLog implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new RedactingLogger('FitbitRedis');
  private downSince: number | null = null;
  private readonly listeners: [string, (error?: Error) => void][] = [
    ['error', (error) => this.lost(error)],
    ['close', () => this.lost()],
    ['ready', () => this.back()],
  ];

  constructor(@InjectQueue(FITBIT_QUEUE) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    for (const [event, listener] of this.listeners) this.queue.client.on(event, listener);
  }

  /** Before the queue closes its connections, which is no outage. */
  beforeApplicationShutdown(): void {
    for (const [event, listener] of this.listeners) this.queue.client.off(event, listener);
  }

  private lost(error?: Error): void {
    if (this.downSince !== null) return;
    this.downSince = Date.now();
    const why = error ? ` (${describeNoAnswer(error, 0)})` : '';
    this.logger.warn(`Redis at ${redisAddress(this.queue.client)} is unreachable${why}: notifications are answered 503 and jobs wait; reconnecting`);
  }

  private back(): void {
    if (this.downSince === null) return;
    const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
    this.downSince = null;
    this.logger.warn(`Redis at ${redisAddress(this.queue.client)} answers again after ${seconds} s; queued work goes on`);
  }
}
