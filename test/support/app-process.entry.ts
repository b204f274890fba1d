/**
 * A separate app (or worker) process for multi-process tests. Reads its setup from the
 * FITBIT_TEST_PROCESS environment variable (JSON) and prints `READY <url>` once listening.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { type LogLevel, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { FITBIT_ENTITIES } from '../../lib/data/fitbit-entities.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitModuleOptions } from '../../lib/config/fitbit-module-options.interface.js';
import { testSignIn } from './test-sign-in.js';

interface ProcessSetup {
  database: DataSourceOptions;
  fitbit: FitbitModuleOptions;
  subscribe?: boolean;
  worker?: boolean;
  http?: boolean;
  /** Default: errors and warnings. */
  logLevels?: LogLevel[];
}

const setup = JSON.parse(process.env.FITBIT_TEST_PROCESS ?? '{}') as ProcessSetup;

@Module({
  imports: [
    TypeOrmModule.forRoot({ ...setup.database, entities: FITBIT_ENTITIES, synchronize: false, migrationsRun: false } as DataSourceOptions),
    FitbitModule.forRoot({ ...setup.fitbit, subscribe: setup.subscribe ?? false, worker: setup.worker ?? true }),
  ],
})
class ProcessAppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(testSignIn).forRoutes('*path');
  }
}

const app = await NestFactory.create(ProcessAppModule, { rawBody: true, logger: setup.logLevels ?? ['error', 'warn'] });
app.enableShutdownHooks();
if (setup.http === false) {
  await app.init();
  console.log('READY worker');
} else {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  console.log(`READY http://127.0.0.1:${port}`);
}
