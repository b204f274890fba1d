/**
 * get_data in database mode against a bare route of the same app, under the same load.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node --import @swc-node/register/esm-register bench/get-data.bench.ts
 *
 * Needs Redis (subscribe mode runs a Bull queue; BENCH_REDIS_URL, default redis://127.0.0.1:6379).
 * Serves one year of steps for one user, imported from the Fitbit emulator through the importer
 * into an in-memory SQLite database, and prints both throughputs, p50/p99 latencies and the ratio
 * of the throughputs against the target (get_data at least half the bare route's throughput).
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { getQueueToken } from '@nestjs/bull';
import { Controller, Get, Module, type INestApplication, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { UserLinkStore } from '../lib/auth/user-link.store.js';
import { FITBIT_ENTITIES } from '../lib/data/fitbit-entities.js';
import { FITBIT_MIGRATIONS } from '../lib/data/migrations/index.js';
import { FITBIT_QUEUE } from '../lib/fitbit.constants.js';
import { FitbitModule } from '../lib/fitbit.module.js';
import { TimeSeriesImporter } from '../lib/subscriptions/time-series-importer.service.js';
import { FitbitEmulator } from '../lib/testing/index.js';
import { formatLoadTable, loadRoute, type BenchFigure, type LoadResult } from './support/get-data-load.js';

export interface GetDataBenchOptions {
  connections?: number;
  durationSeconds?: number;
  workers?: number;
  /** Turns each route gets, alternating (default 5); `durationSeconds` is split between them. */
  rounds?: number;
  /** Print the table and the verdict (default true). */
  print?: boolean;
}

const TARGET_RATIO = 0.5;
const USER_HEADER = 'x-bench-user';
const CLIENT = { clientId: 'bench-client', clientSecret: 'bench-secret' };

/** The constant the bare route answers. */
const BARE_ANSWER = { meta: { total_count: 0, status_code: 100 }, objects: [] };

@Controller('bench')
class BareController {
  @Get('bare')
  bare(): typeof BARE_ANSWER {
    return BARE_ANSWER;
  }
}

/** The host's sign-in, reduced to a header: it runs for both routes alike. */
function benchSignIn(req: Request, _res: Response, next: NextFunction): void {
  const id = req.headers[USER_HEADER];
  if (typeof id === 'string' && id !== '') (req as Request & { user?: unknown }).user = { id, isActive: true };
  next();
}

function redisOptions() {
  const url = new URL(process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  return { redis: { host: url.hostname, port: Number(url.port || 6379) }, prefix: `bench-get-data-${process.pid}-${Date.now()}` };
}

async function startBenchApp(emulator: FitbitEmulator): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        type: 'better-sqlite3',
        database: ':memory:',
        entities: [...FITBIT_ENTITIES],
        migrations: [...FITBIT_MIGRATIONS],
        migrationsRun: true,
        synchronize: false,
        logging: false,
      }),
      FitbitModule.forRoot({
        ...CLIENT,
        // The emulator speaks the legacy API here; the module's default provider is google-health.
        provider: 'fitbit',
        endpoints: emulator.urls,
        subscriberId: 'bench',
        queue: redisOptions(),
        subscribe: true,
        // The worker's importer loads the history, as in a real deployment.
        worker: true,
      }),
    ],
    controllers: [BareController],
  })
  class BenchAppModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(benchSignIn).forRoutes('*path');
    }
  }

  const app = await NestFactory.create(BenchAppModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

/** Runs the bench and returns its figures; prints them unless `print: false`. */
export async function runGetDataBench(options: GetDataBenchOptions = {}): Promise<BenchFigure[]> {
  const connections = options.connections ?? 20;
  const durationSeconds = options.durationSeconds ?? 10;
  const workers = options.workers ?? 2;
  const rounds = options.rounds ?? 5;
  const print = options.print ?? true;
  const log = (line: string) => print && console.log(line);

  const emulator = await FitbitEmulator.start({ mode: 'fitbit', ...CLIENT, rateLimitPerHour: 1_000_000 });
  let app: INestApplication | null = null;
  try {
    const timezone = 'Europe/Berlin';
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(emulator.clock.now());
    const started = await startBenchApp(emulator);
    app = started.app;

    // One year of history: the member joined a year ago.
    const memberSince = new Date(Date.parse(`${today}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10);
    const benchUser = emulator.addUser({ timezone, memberSince });
    const tokens = emulator.issueTokens(benchUser.id);
    await app.get(UserLinkStore, { strict: false }).save({
      userId: '1',
      provider: 'fitbit',
      providerUserId: benchUser.id,
      legacyUserId: null,
      timeZone: benchUser.timezone,
      tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: [] },
    });
    const imported = await app.get(TimeSeriesImporter, { strict: false }).import(benchUser.id, { category: 'activities', resource: 'steps' }, null);

    const dataUrl = `${started.url}/fitbit/get_data/activities/steps?period=1y`;
    const bareUrl = `${started.url}/bench/bare`;
    const headers = { [USER_HEADER]: '1' };
    const check = await fetch(dataUrl, { headers });
    const body = (await check.json()) as { meta: { total_count: number; status_code: number } };
    if (check.status !== 200 || body.meta.status_code !== 100 || body.meta.total_count < 365) {
      throw new Error(`get_data is not serving the imported year: ${check.status} ${JSON.stringify(body.meta)}`);
    }
    log(`get_data in database mode: ${imported} days of steps imported, ${body.meta.total_count} objects per answer`);
    log(
      `load: ${connections} connections, ${durationSeconds} s per route in ${rounds} alternating rounds, ` +
        `${workers} autocannon worker thread(s), loopback\n`,
    );

    // The two routes take turns in short rounds, so a change in the machine's other load during
    // the run weighs on both alike; each gets `durationSeconds` in all.
    const roundSeconds = Math.max(1, Math.floor(durationSeconds / rounds));
    const load = { connections, durationSeconds: roundSeconds, workers, headers };
    // A short warm-up of each route, so neither pays for first-call compilation in its measured rounds.
    await loadRoute('warm-up', bareUrl, { ...load, durationSeconds: 1 });
    await loadRoute('warm-up', dataUrl, { ...load, durationSeconds: 1 });
    const bareRounds: LoadResult[] = [];
    const dataRounds: LoadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      bareRounds.push(await loadRoute('bare (constant)', bareUrl, load));
      dataRounds.push(await loadRoute('get_data 1y (database)', dataUrl, load));
    }
    const bare = combineRounds(bareRounds);
    const data = combineRounds(dataRounds);

    for (const result of [bare, data]) {
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
        throw new Error(`${result.route}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
      }
    }

    const figures = figuresOf(data, bare);
    const throughput = figures[0]!;
    log(formatLoadTable([bare, data]));
    log(
      `\nthroughput ratio get_data/bare: ${throughput.ratio!.toFixed(2)} (target ≥ ${TARGET_RATIO}) → ${throughput.pass ? 'PASS' : 'FAIL'}`,
    );
    return figures;
  } finally {
    if (app) {
      await app
        .get<Queue>(getQueueToken(FITBIT_QUEUE), { strict: false })
        .obliterate({ force: true })
        .catch(() => undefined);
      await app.close();
    }
    await emulator.stop();
  }
}

/**
 * The `npm run bench` entry (bench/run-all.ts): the figures with their targets' direction
 * (get_data's throughput at least TARGET_RATIO of the bare route's).
 */
export async function run(): Promise<(Omit<BenchFigure, 'target'> & { target: { op: '>='; ratio: number } | null })[]> {
  return (await runGetDataBench()).map((figure) => ({ ...figure, target: figure.target === null ? null : { op: '>=' as const, ratio: figure.target } }));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Throughput over all rounds; latencies as the median of the rounds' percentiles. */
function combineRounds(rounds: readonly LoadResult[]): LoadResult {
  const sum = (pick: (result: LoadResult) => number) => rounds.reduce((total, result) => total + pick(result), 0);
  return {
    route: rounds[0]!.route,
    requestsPerSecond: sum((result) => result.requestsPerSecond) / rounds.length,
    p50Ms: median(rounds.map((result) => result.p50Ms)),
    p99Ms: median(rounds.map((result) => result.p99Ms)),
    requests: sum((result) => result.requests),
    non2xx: sum((result) => result.non2xx),
    errors: sum((result) => result.errors),
    timeouts: sum((result) => result.timeouts),
  };
}

function figuresOf(data: LoadResult, bare: LoadResult): BenchFigure[] {
  const ratio = (value: number, baseline: number) => (baseline > 0 ? value / baseline : null);
  const throughputRatio = ratio(data.requestsPerSecond, bare.requestsPerSecond);
  return [
    {
      name: 'get_data throughput (database mode, 1y of steps)',
      value: data.requestsPerSecond,
      unit: 'req/s',
      baseline: bare.requestsPerSecond,
      ratio: throughputRatio,
      target: TARGET_RATIO,
      pass: throughputRatio !== null && throughputRatio >= TARGET_RATIO,
    },
    { name: 'get_data p50 latency', value: data.p50Ms, unit: 'ms', baseline: bare.p50Ms, ratio: ratio(data.p50Ms, bare.p50Ms), target: null, pass: null },
    { name: 'get_data p99 latency', value: data.p99Ms, unit: 'ms', baseline: bare.p99Ms, ratio: ratio(data.p99Ms, bare.p99Ms), target: null, pass: null },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runGetDataBench().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
