import { InjectQueue } from '@nestjs/bull';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { FitbitConfig } from '../config/fitbit-config.js';
import { FITBIT_QUEUE } from '../fitbit.constants.js';
import { DependencyUnreachableError } from '../health/dependency-probes.js';
import { FitbitStartupError } from '../health/fitbit-startup.error.js';
import { pingRedis } from './redis-probes.js';

/**
 * With `subscribe`, start-up fails within `startupTimeoutMs` when the queue's Redis does not
 * answer, naming the `queue` option and the address. Without it a dead Redis is a silent hang:
 * ioredis keeps every command and reconnects for ever. It runs at module init, before the
 * bootstrap hooks (the poller's schedule) that would be the first to wait on Redis.
 */
@Injectable()
export class RedisStartupCheck implements OnModuleInit {
  constructor(
    private readonly config: FitbitConfig,
    @InjectQueue(FITBIT_QUEUE) private readonly queue: Queue,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await pingRedis(this.queue.client, this.config.startupTimeoutMs);
    } catch (error) {
      throw error instanceof DependencyUnreachableError ? new FitbitStartupError(error, 'queue') : error;
    }
  }
}
