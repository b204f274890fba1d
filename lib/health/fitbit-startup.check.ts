import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { FitbitConfig } from '../config/fitbit-config.js';
import { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import { InjectFitbitRepository } from '../data/fitbit-repository.js';
import { DependencyUnreachableError, pingDatabase } from './dependency-probes.js';
import { FitbitStartupError } from './fitbit-startup.error.js';

/**
 * Start-up fails within `startupTimeoutMs` when the registration's database does not answer, with
 * one message naming it and its address. (Redis, with `subscribe`, is checked by the subscription
 * part: RedisStartupCheck.)
 */
@Injectable()
export class FitbitStartupCheck implements OnModuleInit {
  constructor(
    private readonly config: FitbitConfig,
    @InjectFitbitRepository(UserFitbit) private readonly links: Repository<UserFitbit>,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await pingDatabase(this.links.manager.connection, this.config.startupTimeoutMs);
    } catch (error) {
      throw error instanceof DependencyUnreachableError ? new FitbitStartupError(error, null) : error;
    }
  }
}
