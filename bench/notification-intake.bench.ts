/**
 * Notification intake: `POST update/` with a signed 10-notification batch against a bare 204 route
 * of the same app, under the same loopback load.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node --import @swc-node/register/esm-register bench/notification-intake.bench.ts
 *
 * Needs Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379). The app runs without a worker, so
 * every queued job stays in an isolated queue, which is emptied afterwards. Targets: throughput ≥ 0.6
 * of the bare route; p99 well inside 1 s (Fitbit gives a subscriber about 5 s).
 */
import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bull';
import { Controller, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { FITBIT_ENTITIES } from '../lib/data/fitbit-entities.js';
import { FITBIT_MIGRATIONS } from '../lib/data/migrations/index.js';
import { FITBIT_QUEUE } from '../lib/fitbit.constants.js';
import { FitbitModule } from '../lib/fitbit.module.js';
import { postLoad, redisQueueOptions, runIfMain, table, type BenchFigure, type PostLoadResult } from './support/subscriptions-bench.js';

export interface NotificationIntakeBenchOptions {
  connections?: number;
  durationSeconds?: number;
  workers?: number;
  print?: boolean;
}

const TARGET_RATIO = 0.6;
const P99_LIMIT_MS = 250;
const CLIENT = { clientId: 'bench-client', clientSecret: 'bench-secret' };
/** The legacy Fitbit Web API, which the emulator speaks here (the module's default is now google-health). */
const PROVIDER = 'fitbit' as const;

@Controller('bench')
class BareController {
  @Post('bare')
  @HttpCode(204)
  bare(): void {}
}

/** Ten notifications as Fitbit batches them: several users and collections. */
export function notificationBatch(): string {
  const collections = ['activities', 'sleep', 'body', 'foods', 'activities', 'activities', 'sleep', 'foods', 'body', 'activities'];
  return JSON.stringify(
    collections.map((collectionType, i) => ({
      collectionType,
      date: `2026-01-${String(10 + (i % 5)).padStart(2, '0')}`,
      ownerId: `USER${String(i % 4).padStart(2, '0')}`,
      ownerType: 'user',
      subscriptionId: String(i % 4),
    })),
  );
}

async function startApp(): Promise<{ app: INestApplication; url: string }> {
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
        provider: PROVIDER,
        endpoints: { apiUrl: 'http://127.0.0.1:9', tokenUrl: 'http://127.0.0.1:9/t', authorizeUrl: 'http://127.0.0.1:9/a', revokeUrl: 'http://127.0.0.1:9/r' },
        subscriberId: 'bench',
        queue: redisQueueOptions('intake'),
        subscribe: true,
        worker: false,
      }),
    ],
    controllers: [BareController],
  })
  class IntakeBenchModule {}
  const app = await NestFactory.create(IntakeBenchModule, { rawBody: true, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer() as { address(): AddressInfo }).address().port}` };
}

export async function runNotificationIntakeBench(options: NotificationIntakeBenchOptions = {}): Promise<BenchFigure[]> {
  const connections = options.connections ?? 50;
  const durationSeconds = options.durationSeconds ?? 6;
  const workers = options.workers ?? 2;
  const log = (line: string) => (options.print ?? true) && console.log(line);

  const { app, url } = await startApp();
  const queue = app.get<Queue>(getQueueToken(FITBIT_QUEUE), { strict: false });
  try {
    const body = notificationBatch();
    const signature = createHmac('sha1', `${CLIENT.clientSecret}&`).update(body).digest('base64');
    const headers = { 'content-type': 'application/json', 'x-fitbit-signature': signature };
    const check = await fetch(`${url}/fitbit/update/`, { method: 'POST', body, headers });
    if (check.status !== 204) throw new Error(`update/ answered ${check.status} to a signed batch`);
    const jobsPerBatch = await queue.count();
    log(`POST update/ with a signed batch of 10 notifications (${body.length} bytes, ${jobsPerBatch} jobs queued per batch)`);
    log(`load: ${connections} connections, 2 alternating rounds of ${durationSeconds} s per route, ${workers} autocannon worker thread(s), loopback\n`);

    const load = { connections, durationSeconds, workers, body, headers };
    await postLoad('warm-up', `${url}/bench/bare`, { ...load, durationSeconds: 1 });
    await postLoad('warm-up', `${url}/fitbit/update/`, { ...load, durationSeconds: 1 });
    // Two rounds, alternating, so a passing disturbance of the machine weighs on both routes alike.
    const rounds: PostLoadResult[][] = [];
    for (let round = 0; round < 2; round++) {
      rounds.push([
        await postLoad('bare 204 route', `${url}/bench/bare`, load),
        await postLoad('POST update/ (10 notifications)', `${url}/fitbit/update/`, load),
      ]);
    }
    const bare = combined(rounds.map((round) => round[0]!));
    const update = combined(rounds.map((round) => round[1]!));
    for (const result of rounds.flat()) {
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
        throw new Error(`${result.route}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
      }
    }
    const figures = figuresOf(update, bare);
    log(
      table([
        ['route', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests'],
        ...[bare, update].map((r) => [r.route, r.requestsPerSecond.toFixed(0), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), r.maxMs.toFixed(0), String(r.requests)]),
      ]),
    );
    log(`\nthroughput ratio update/bare: ${figures[0]!.ratio!.toFixed(2)} (target ≥ ${TARGET_RATIO}) → ${figures[0]!.pass ? 'PASS' : 'FAIL'}`);
    log(`p99 of update/: ${update.p99Ms.toFixed(1)} ms (target ≤ ${P99_LIMIT_MS} ms) → ${figures[1]!.pass ? 'PASS' : 'FAIL'}`);
    return figures;
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await app.close();
  }
}

/** Requests per second over both rounds; the worse p50/p99/max of the two. */
function combined(results: PostLoadResult[]): PostLoadResult {
  const requests = results.reduce((sum, result) => sum + result.requests, 0);
  return {
    ...results[0]!,
    requestsPerSecond: results.reduce((sum, result) => sum + result.requestsPerSecond, 0) / results.length,
    p50Ms: Math.max(...results.map((result) => result.p50Ms)),
    p99Ms: Math.max(...results.map((result) => result.p99Ms)),
    maxMs: Math.max(...results.map((result) => result.maxMs)),
    requests,
  };
}

function figuresOf(update: PostLoadResult, bare: PostLoadResult): BenchFigure[] {
  const ratio = update.requestsPerSecond / bare.requestsPerSecond;
  return [
    {
      name: 'notification intake throughput (10-notification signed batch)',
      value: update.requestsPerSecond,
      unit: 'req/s',
      baseline: bare.requestsPerSecond,
      ratio,
      target: TARGET_RATIO,
      pass: ratio >= TARGET_RATIO,
    },
    {
      name: 'notification intake p99 latency',
      value: update.p99Ms,
      unit: 'ms',
      baseline: bare.p99Ms,
      ratio: update.p99Ms / bare.p99Ms,
      target: null,
      pass: update.p99Ms <= P99_LIMIT_MS,
    },
  ];
}

runIfMain(import.meta.url, () => runNotificationIntakeBench());
