/**
 * The app every bench runs: FitbitModule in subscribe mode on a database of its own (in-memory
 * SQLite by default) with a Bull queue of its own, beside a bare route, plus the emulated Fitbit
 * side (emulator, linked users, signed notifications) and the bench's database.
 *
 * The benches use the legacy Fitbit Web API, which the emulator speaks in its `fitbit` mode; the
 * module's default provider is now google-health, so `provider: 'fitbit'` is given explicitly.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bull';
import { Controller, Get, HttpCode, Module, Post, type INestApplication, type LogLevel, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import type { DataSourceOptions } from 'typeorm';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { FITBIT_ENTITIES } from '../../lib/data/fitbit-entities.js';
import { FITBIT_MIGRATIONS } from '../../lib/data/migrations/index.js';
import { TIME_SERIES_RESOURCES, timeSeriesPath, type TimeSeriesCategoryName, type TimeSeriesTypeKey } from '../../lib/data/time-series-data-types.js';
import { TimeSeriesTypeRegistry } from '../../lib/data/time-series-type.registry.js';
import { FITBIT_QUEUE } from '../../lib/fitbit.constants.js';
import { FITBIT_OPTIONS_TYPE } from '../../lib/fitbit.module-definition.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { FitbitEmulator, fitbitSignature, type EmulatorUser } from '../../lib/testing/index.js';

export const BENCH_CLIENT = { clientId: 'bench-client', clientSecret: 'bench-secret' };
/** The host's sign-in, reduced to a header: the user id of the request. */
export const BENCH_USER_HEADER = 'x-bench-user';
/** GET answers BARE_ANSWER, POST answers 204: the same app with none of the module's work. */
export const BARE_ROUTE = '/bench/bare';
/** What the bare GET route answers: the shape of an empty get_data answer. */
export const BARE_ANSWER = { meta: { total_count: 0, status_code: 100 }, objects: [] };

export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

@Controller()
class BareController {
  @Get(BARE_ROUTE)
  bareGet(): typeof BARE_ANSWER {
    return BARE_ANSWER;
  }

  @Post(BARE_ROUTE)
  @HttpCode(204)
  barePost(): void {}
}

/** Runs for every route alike, the bare one included. */
function benchSignIn(req: Request, _res: Response, next: NextFunction): void {
  const id = req.headers[BENCH_USER_HEADER];
  if (typeof id === 'string' && id !== '') (req as Request & { user?: unknown }).user = { id, isActive: true };
  next();
}

export interface BenchAppOptions {
  /** Names the bench's Bull queue (its prefix also holds the process id and the time). */
  label: string;
  /** The emulator the module calls; without one its endpoints lead nowhere (127.0.0.1:9). */
  emulator?: FitbitEmulator;
  /** TypeORM connection options (default in-memory SQLite); the module's entities and migrations are added. */
  database?: Record<string, unknown>;
  /** Further FitbitModule.forRoot options: subscriptions, delays, `worker` (default true). */
  fitbit?: Partial<typeof FITBIT_OPTIONS_TYPE>;
  /** Default errors and warnings. */
  logger?: LogLevel[];
}

export interface BenchApp {
  app: INestApplication;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The module's Bull queue. */
  queue: Queue;
  /** Empties the queue and closes the app. */
  close(): Promise<void>;
}

export async function startBenchApp(options: BenchAppOptions): Promise<BenchApp> {
  const redis = new URL(BENCH_REDIS_URL);
  const deadEnd = 'http://127.0.0.1:9';
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        ...(options.database ?? { type: 'better-sqlite3', database: ':memory:' }),
        entities: [...FITBIT_ENTITIES],
        migrations: [...FITBIT_MIGRATIONS],
        migrationsRun: true,
        synchronize: false,
        logging: false,
      } as unknown as DataSourceOptions),
      FitbitModule.forRoot({
        ...BENCH_CLIENT,
        provider: 'fitbit',
        endpoints: options.emulator?.urls ?? { apiUrl: deadEnd, tokenUrl: `${deadEnd}/t`, authorizeUrl: `${deadEnd}/a`, revokeUrl: `${deadEnd}/r` },
        subscriberId: 'bench',
        queue: { redis: { host: redis.hostname, port: Number(redis.port || 6379) }, prefix: `bench-${options.label}-${process.pid}-${Date.now()}` },
        subscribe: true,
        ...options.fitbit,
      }),
    ],
    controllers: [BareController],
  })
  class BenchAppModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(benchSignIn).forRoutes('*path');
    }
  }

  const app = await NestFactory.create(BenchAppModule, { rawBody: true, logger: options.logger ?? ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const queue = app.get<Queue>(getQueueToken(FITBIT_QUEUE), { strict: false });
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    queue,
    close: async () => {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await app.close();
    },
  };
}

/** The emulator in its legacy Fitbit Web API mode, with a rate limit no bench reaches. */
export function startBenchEmulator(): Promise<FitbitEmulator> {
  return FitbitEmulator.start({ mode: 'fitbit', ...BENCH_CLIENT, rateLimitPerHour: 1_000_000 });
}

/** Links app user `userId` to the emulator's `user` with fresh tokens, as the OAuth callback would; returns the tokens. */
export async function linkEmulatorUser(bench: BenchApp, emulator: FitbitEmulator, userId: string, user: EmulatorUser) {
  const tokens = emulator.issueTokens(user.id);
  await bench.app.get(UserLinkStore, { strict: false }).save({
    userId,
    provider: 'fitbit',
    providerUserId: user.id,
    legacyUserId: null,
    timeZone: user.timezone,
    tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: [] },
  });
  return tokens;
}

/** The headers of a notification POST as Fitbit sends it: JSON, signed with the client secret. */
export function signedNotificationHeaders(body: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-fitbit-signature': fitbitSignature(BENCH_CLIENT.clientSecret, body) };
}

/** Every resource Fitbit still serves, per category (activeScore and tracker/activeScore are gone from the API). */
export const SERVED_RESOURCES = Object.fromEntries(
  Object.entries(TIME_SERIES_RESOURCES).map(([category, resources]) => [category, resources.filter((resource) => !resource.endsWith('activeScore'))]),
) as Record<TimeSeriesCategoryName, string[]>;

export const SERVED_TYPES: TimeSeriesTypeKey[] = Object.entries(SERVED_RESOURCES).flatMap(([category, resources]) =>
  resources.map((resource) => ({ category: category as TimeSeriesCategoryName, resource })),
);

/** The database id of every served type, by its path (`activities/steps`). */
export async function servedTypeIds(bench: BenchApp): Promise<Map<string, number>> {
  const registry = bench.app.get(TimeSeriesTypeRegistry, { strict: false });
  return new Map(await Promise.all(SERVED_TYPES.map(async (type) => [timeSeriesPath(type), await registry.idOf(type)] as const)));
}

/**
 * TypeORM options for a database of the bench's own: SQLite in memory, or a fresh PostgreSQL
 * schema (also the search path) that `drop` removes.
 */
export async function benchDatabase(kind: 'sqlite' | 'postgres'): Promise<{ options: Record<string, unknown>; schema: string | null; drop(): Promise<void> }> {
  if (kind === 'sqlite') return { options: { type: 'better-sqlite3', database: ':memory:' }, schema: null, drop: async () => undefined };
  const { default: pg } = await import('pg');
  const schema = `bench_${process.pid}_${Date.now()}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE SCHEMA "${schema}"`);
  return {
    options: { type: 'postgres', url: BENCH_POSTGRES_URL, schema, extra: { options: `-c search_path=${schema}` } },
    schema,
    drop: () => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  };
}

export async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
