import { InjectQueue } from '@nestjs/bull';
import { Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { FitbitConfig } from '../config/fitbit-config.js';
import { FITBIT_QUEUE } from '../fitbit.constants.js';
import { DependencyUnreachableError, pingDatabase, pingRedis } from './dependency-probes.js';
import { FitbitStartupError } from './fitbit-startup.error.js';

/**
 * Start-up fails within `startupTimeoutMs` when the database or (with `subscribe`) Redis does not
 * answer, with one message naming it and its address. Without this a dead Redis is a silent hang:
 * ioredis queues every command and reconnects for ever. It runs at module init, before the
 * bootstrap hooks that would be the first to wait on Redis.
 */
@Injectable()
export class FitbitStartupCheck implements OnModuleInit {
  constructor(
    private readonly config: FitbitConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @InjectQueue(FITBIT_QUEUE) private readonly queue?: Queue,
  ) {}

  async onModuleInit(): Promise<void> {
    const timeoutMs = this.config.startupTimeoutMs;
    await Promise.all([
      pingDatabase(this.dataSource, timeoutMs).catch(failWith(null)),
      this.queue ? pingRedis(this.queue.client, timeoutMs).catch(failWith('queue')) : undefined,
    ]);
  }
}

function failWith(option: string | null) {
  return (error: unknown): never => {
    throw error instanceof DependencyUnreachableError ? new FitbitStartupError(error, option) : error;
  };
}
