import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FitbitModule } from '../lib/index.js';
import { connectDatabase, databaseOptions } from './config/database.js';
import type { SampleSettings } from './config/environment.js';
import { SAMPLE_SETTINGS } from './config/settings.token.js';
import { PagesModule } from './pages/pages.module.js';
import { UsersModule } from './users/users.module.js';

/**
 * - `web`: pages, sign-in and the Fitbit routes; with subscriptions (REDIS_URL) also the job processors.
 * - `worker`: only the job processors (`npm run worker`).
 * - `cli`: the refresh-tokens command; it needs no queue, so it never connects to Redis.
 */
export type SampleRole = 'web' | 'worker' | 'cli';

@Module({})
export class SampleAppModule {
  static forRole(settings: SampleSettings, role: SampleRole): DynamicModule {
    const subscribe = role !== 'cli' && settings.subscribe;
    return {
      module: SampleAppModule,
      global: true,
      imports: [
        // A sample should say at once that the database is unreachable, not after TypeORM's retries.
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...databaseOptions(settings.database, settings.startupTimeoutMs), toRetry: () => false }),
          dataSourceFactory: (options) => connectDatabase(options!, settings.database, settings.startupTimeoutMs),
        }),
        FitbitModule.forRoot({
          ...settings.fitbit,
          isGlobal: true,
          routePrefix: settings.routePrefix,
          subscribe,
          worker: subscribe,
          commands: role === 'cli',
        }),
        ...(role === 'web' ? [UsersModule, PagesModule] : []),
      ],
      providers: [{ provide: SAMPLE_SETTINGS, useValue: settings }],
      exports: [SAMPLE_SETTINGS],
    };
  }
}
