import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, type INestApplication, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FitbitAuthController } from '../../lib/auth/fitbit-auth.controller.js';
import { FitbitDataController } from '../../lib/data/fitbit-data.controller.js';
import {
  FITBIT_ENTITIES,
  FITBIT_MIGRATIONS,
  FitbitConfig,
  FitbitModule,
  InjectFitbitConfig,
  InjectFitbitProvider,
  UserFitbit,
  type FitbitModuleOptions,
  type FitbitOptionsFactory,
  type FitbitProvider,
} from '../../lib/index.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { browserFor, emulatorOptions, startEmulator } from '../support/fitbit-fixture.js';
import { testSignIn } from '../support/test-sign-in.js';

const database = TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', entities: FITBIT_ENTITIES });
const base = { clientId: 'client', clientSecret: 'secret' };

let emulator: FitbitEmulator;
let directory: string;
beforeAll(async () => {
  emulator = await startEmulator({ provider: 'google-health' });
  directory = await mkdtemp(join(tmpdir(), 'fitbit-conventions-'));
});
afterAll(async () => {
  await emulator.stop();
  await rm(directory, { recursive: true, force: true });
});

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Boots `module` as an HTTP app with the tests' sign-in (`x-test-user`), on a free port. */
async function listen(module: new () => object): Promise<string> {
  app = await NestFactory.create(module, { rawBody: true, logger: ['error'] });
  app.use(testSignIn);
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

describe('forRootAsync with an options factory class', () => {
  // #region readme:options-factory
  @Injectable()
  class FitbitSettings implements FitbitOptionsFactory {
    createFitbitOptions(): FitbitModuleOptions {
      return { clientId: 'client', clientSecret: 'secret', loginRedirect: '/dashboard' };
    }
  }
  // #endregion

  it('creates the class with useClass and calls createFitbitOptions', async () => {
    const moduleRef = await Test.createTestingModule({
      // #region readme:use-class
      imports: [database, FitbitModule.forRootAsync({ useClass: FitbitSettings, routePrefix: 'health' })],
      // #endregion
    }).compile();
    expect(moduleRef.get(FitbitConfig)).toMatchObject({ loginRedirect: '/dashboard', routePrefix: 'health' });
    await moduleRef.close();
  });

  it('uses the instance an imported module provides with useExisting', async () => {
    @Module({ providers: [FitbitSettings], exports: [FitbitSettings] })
    class SettingsModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [database, FitbitModule.forRootAsync({ imports: [SettingsModule], useExisting: FitbitSettings })],
    }).compile();
    expect(moduleRef.get(FitbitConfig).loginRedirect).toBe('/dashboard');
    await moduleRef.close();
  });
});

describe('InjectFitbitProvider() and InjectFitbitConfig()', () => {
  it('inject the active provider and the resolved configuration into host services', async () => {
    // #region readme:inject
    @Injectable()
    class HealthReport {
      constructor(
        @InjectFitbitProvider() readonly provider: FitbitProvider,
        @InjectFitbitConfig() readonly config: FitbitConfig,
      ) {}
    }
    // #endregion
    const moduleRef = await Test.createTestingModule({
      imports: [database, FitbitModule.forRoot({ ...base, provider: 'fitbit' })],
      providers: [HealthReport],
    }).compile();
    const report = moduleRef.get(HealthReport);
    expect(report.provider.name).toBe('fitbit');
    expect(report.config.clientId).toBe('client');
    await moduleRef.close();
  });
});

describe('the dataSource setting', () => {
  it('keeps the links on a named connection, the app having no default one', async () => {
    const healthDatabase = join(directory, 'health.sqlite');
    const fitbitOptions = emulatorOptions(emulator);
    // #region readme:named-connection
    @Module({
      imports: [
        TypeOrmModule.forRoot({
          name: 'health',
          type: 'better-sqlite3',
          database: healthDatabase,
          autoLoadEntities: true,
          migrations: FITBIT_MIGRATIONS,
          migrationsRun: true,
        }),
        FitbitModule.forRoot({ ...fitbitOptions, dataSource: 'health' }),
      ],
    })
    class HealthAppModule {}
    // #endregion
    const url = await listen(HealthAppModule);
    const fitbitUser = emulator.addUser();
    emulator.setConsentUser(fitbitUser.id);
    const { url: landed } = await browserFor(7).follow(`${url}/fitbit/login/`, { stopAt: (next) => next === `${url}/` });
    expect(landed).toBe(`${url}/`);
    const links = await app!.get<DataSource>(getDataSourceToken('health')).getRepository(UserFitbit).findBy({ userId: '7' });
    expect(links.map((link) => link.providerUserId)).toEqual([fitbitUser.healthUserId]);
  });
});

describe('routePrefix', () => {
  it('mounts each registration under its own prefix without rewriting the shared controller classes', async () => {
    const declared = [FitbitAuthController, FitbitDataController].map((controller) => Reflect.getMetadata(PATH_METADATA, controller));
    @Module({
      imports: [
        TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', autoLoadEntities: true, migrations: FITBIT_MIGRATIONS, migrationsRun: true }),
        FitbitModule.forRoot({ ...emulatorOptions(emulator), routePrefix: 'fitbit' }),
        FitbitModule.forRoot({ ...emulatorOptions(emulator), routePrefix: 'health/fitbit' }),
      ],
    })
    class TwoRegistrationsModule implements NestModule {
      configure(consumer: MiddlewareConsumer): void {
        consumer.apply(testSignIn).forRoutes('*path');
      }
    }
    const url = await listen(TwoRegistrationsModule);
    for (const prefix of ['fitbit', 'health/fitbit']) {
      expect((await browserFor(1).get(`${url}/${prefix}/error/`)).status).toBe(200);
      const login = await browserFor(1).get(`${url}/${prefix}/login/`);
      expect(new URL(login.headers.get('location')!).searchParams.get('redirect_uri')).toBe(`${url}/${prefix}/complete/`);
      const data = await browserFor(1).get(`${url}/${prefix}/get_data/activities/steps/?period=7d`);
      expect(((await data.json()) as { meta: { status_code: number } }).meta.status_code).toBe(102);
    }
    expect([FitbitAuthController, FitbitDataController].map((controller) => Reflect.getMetadata(PATH_METADATA, controller))).toEqual(declared);
  });
});
