import type { AddressInfo } from 'node:net';
import { type INestApplication, type LoggerService, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import type { DynamicModule, Type } from '@nestjs/common';
import type { TestDataSource } from './databases.js';
import { testSignIn } from './test-sign-in.js';

export { TEST_USER_HEADER } from './test-sign-in.js';

export interface FitbitTestApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * Boots a real HTTP app around the given Fitbit module registration, on the test's database,
 * listening on a free loopback port.
 */
export async function startFitbitTestApp(options: {
  dataSource: TestDataSource;
  fitbit: DynamicModule;
  controllers?: Type[];
  providers?: Type[];
  /** More modules beside the Fitbit one (e.g. TerminusModule). */
  imports?: (DynamicModule | Type)[];
  /** Default: errors only, to the console. */
  logger?: LoggerService;
  /** Express-style middleware run after the test sign-in on every route, e.g. a `req.flash` stand-in. */
  middleware?: ((req: Request, res: Response, next: NextFunction) => void)[];
}): Promise<FitbitTestApp> {
  const { dataSource } = options;

  @Module({
    imports: [
      TypeOrmModule.forRootAsync({
        useFactory: () => ({ ...dataSource.typeOrmOptions, migrationsRun: false }),
        dataSourceFactory: async () => dataSource,
      }),
      options.fitbit,
      ...(options.imports ?? []),
    ],
    controllers: options.controllers ?? [],
    providers: options.providers ?? [],
  })
  class TestAppModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(testSignIn, ...(options.middleware ?? [])).forRoutes('*path');
    }
  }

  const app = await NestFactory.create(TestAppModule, { rawBody: true, logger: options.logger ?? ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}
