/**
 * Fitbit calls for a recorded-style stream of notifications with realistic duplicates: the same
 * user, collection and date several times within the delay window (a tracker syncs every few
 * minutes and Fitbit notifies on every sync), beside what django-fitbit's algorithm would make (one
 * fetch per type per notification), with identical final rows.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node --import @swc-node/register/esm-register bench/fitbit-calls.bench.ts
 *
 * Needs Redis (BENCH_REDIS_URL). Time is compressed: `betweenDelay` is 0.5 s instead of 5 s and the
 * stream lasts a few seconds, so the delay window of one notification's jobs (24 activity types ×
 * 0.5 s) spans several syncs, as the 5 s default spans several syncs of a busy day.
 * Target: ≤ 0.5 of django-fitbit's count.
 */
import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bull';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { UserLinkStore } from '../lib/auth/user-link.store.js';
import { FITBIT_ENTITIES } from '../lib/data/fitbit-entities.js';
import { FITBIT_MIGRATIONS } from '../lib/data/migrations/index.js';
import { TIME_SERIES_RESOURCES } from '../lib/data/time-series-data-types.js';
import { FITBIT_QUEUE } from '../lib/fitbit.constants.js';
import { FitbitModule } from '../lib/fitbit.module.js';
import { FitbitEmulator } from '../lib/testing/index.js';
import { redisQueueOptions, runIfMain, table, waitFor, type BenchFigure } from './support/subscriptions-bench.js';

const CLIENT = { clientId: 'bench-client', clientSecret: 'bench-secret' };
/** The legacy Fitbit Web API, which the emulator speaks here (the module's default is now google-health). */
const PROVIDER = 'fitbit' as const;
const TARGET_RATIO = 0.5;
const USERS = 6;
const WAVES = 16;
const WAVE_MS = 250;
const BETWEEN_DELAY_SECONDS = 0.5;

/** Every type Fitbit still serves, per category: what both algorithms are configured to fetch. */
const SUBSCRIPTIONS = Object.fromEntries(
  Object.entries(TIME_SERIES_RESOURCES).map(([category, resources]) => [category, resources.filter((resource) => !resource.endsWith('activeScore'))]),
);

export interface FitbitCallsBenchOptions {
  print?: boolean;
  seed?: number;
}

interface Notification {
  collectionType: string;
  date: string;
  ownerId: string;
  ownerType: 'user';
  subscriptionId: string;
}

/** A small deterministic PRNG, so every run replays the same stream. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The recorded-style stream: in each wave, each user syncs with some chance; a sync notifies
 * activities for today (and now and then yesterday, late data), sometimes sleep, body or foods.
 * Fitbit batches what is due into POSTs of up to 10.
 */
export function notificationStream(users: { id: string; subscriptionId: string; today: string; yesterday: string }[], seed: number): Notification[][] {
  const random = mulberry32(seed);
  const waves: Notification[][] = [];
  for (let wave = 0; wave < WAVES; wave++) {
    const due: Notification[] = [];
    for (const user of users) {
      if (random() > 0.6) continue;
      const notify = (collectionType: string, date: string) => due.push({ collectionType, date, ownerId: user.id, ownerType: 'user', subscriptionId: user.subscriptionId });
      notify('activities', user.today);
      if (random() < 0.15) notify('activities', user.yesterday);
      if (random() < 0.3) notify('sleep', user.today);
      if (random() < 0.2) notify('body', user.today);
      if (random() < 0.3) notify('foods', user.today);
    }
    waves.push(due);
  }
  return waves;
}

async function startApp(emulator: FitbitEmulator): Promise<{ app: INestApplication; url: string }> {
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
        endpoints: emulator.urls,
        subscriberId: 'bench',
        subscriptions: SUBSCRIPTIONS,
        queue: redisQueueOptions('calls'),
        betweenDelaySeconds: BETWEEN_DELAY_SECONDS,
        subscribe: true,
        worker: true,
      }),
    ],
  })
  class CallsBenchModule {}
  const app = await NestFactory.create(CallsBenchModule, { rawBody: true, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer() as { address(): AddressInfo }).address().port}` };
}

export async function runFitbitCallsBench(options: FitbitCallsBenchOptions = {}): Promise<BenchFigure[]> {
  const log = (line: string) => (options.print ?? true) && console.log(line);
  const emulator = await FitbitEmulator.start({ mode: 'fitbit', ...CLIENT, rateLimitPerHour: 1_000_000 });
  const { app, url } = await startApp(emulator);
  const queue = app.get<Queue>(getQueueToken(FITBIT_QUEUE), { strict: false });
  try {
    const links = app.get(UserLinkStore, { strict: false });
    const users: { id: string; subscriptionId: string; today: string; yesterday: string }[] = [];
    for (let i = 0; i < USERS; i++) {
      const user = emulator.addUser();
      const tokens = emulator.issueTokens(user.id);
      await links.save({
        userId: `u${i}`,
        provider: 'fitbit',
        providerUserId: user.id,
        legacyUserId: null,
        timeZone: user.timezone,
        tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: [] },
      });
      const today = emulator.todayOf(user.id);
      const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      users.push({ id: user.id, subscriptionId: `u${i}`, today, yesterday });
    }
    const waves = notificationStream(users, options.seed ?? 20260101);
    const notifications = waves.flat();
    const djangoCalls = notifications.reduce((sum, notification) => sum + SUBSCRIPTIONS[notification.collectionType]!.length, 0);
    const distinct = new Set(notifications.map((n) => `${n.ownerId} ${n.collectionType} ${n.date}`));

    emulator.clearRequests();
    const started = Date.now();
    for (const wave of waves) {
      for (let i = 0; i < wave.length; i += 10) {
        const body = JSON.stringify(wave.slice(i, i + 10));
        const signature = createHmac('sha1', `${CLIENT.clientSecret}&`).update(body).digest('base64');
        const response = await fetch(`${url}/fitbit/update/`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-fitbit-signature': signature } });
        if (response.status !== 204) throw new Error(`update/ answered ${response.status}`);
      }
      await new Promise((resolve) => setTimeout(resolve, WAVE_MS));
    }
    await waitFor(
      'the queue to drain',
      async () => {
        const counts = await queue.getJobCounts();
        return counts.waiting + counts.active + counts.delayed === 0;
      },
      60_000,
    );
    const seconds = (Date.now() - started) / 1000;
    const failed = await queue.getFailedCount();
    const calls = emulator.requests.filter((request) => request.path.includes('/date/'));
    if (calls.some((call) => call.status !== 200) || failed > 0) throw new Error(`${failed} failed jobs, ${calls.filter((call) => call.status !== 200).length} failed calls`);

    // Identical final rows: every (user, type, date) notified holds what Fitbit holds, which is what
    // django-fitbit's last fetch of it would have stored.
    const dataSource = app.get<DataSource>(getDataSourceToken(), { strict: false });
    const typePaths = new Map(
      (await dataSource.query('SELECT id, category, resource FROM fitbit_time_series_data_type')).map((row: { id: number; category: number; resource: string }) => [
        Number(row.id),
        `${['foods', 'activities', 'sleep', 'body'][Number(row.category)]}/${row.resource}`,
      ]),
    );
    const stored = (await dataSource.query('SELECT user_id, type_id, date, value FROM fitbit_time_series_data')) as { user_id: string; type_id: number; date: string; value: string | null }[];
    const actual = stored.map((row) => `${row.user_id} ${typePaths.get(Number(row.type_id))} ${row.date} ${row.value}`).sort();
    const expected = [...distinct]
      .flatMap((key) => {
        const [ownerId, category, date] = key.split(' ') as [string, string, string];
        const user = users.find((candidate) => candidate.id === ownerId)!;
        return SUBSCRIPTIONS[category]!.map((resource) => `${user.subscriptionId} ${category}/${resource} ${date} ${emulator.dailyValue(ownerId, `${category}/${resource}`, date) ?? ''}`);
      })
      .sort();
    const identical = JSON.stringify(actual) === JSON.stringify(expected);
    if (!identical) throw new Error(`final rows differ: ${actual.length} stored, ${expected.length} expected`);
    const floor = [...distinct].reduce((sum, key) => sum + SUBSCRIPTIONS[key.split(' ')[1]!]!.length, 0);

    const ratio = calls.length / djangoCalls;
    log(`A stream of ${notifications.length} notifications in ${waves.length} waves ${WAVE_MS} ms apart for ${USERS} users (${distinct.size} distinct user/collection/date), betweenDelay ${BETWEEN_DELAY_SECONDS} s`);
    log(
      table([
        ['', 'Fitbit requests'],
        ['django-fitbit (one per type per notification)', String(djangoCalls)],
        ['this module', String(calls.length)],
        ['floor (one per type per distinct user/collection/date)', String(floor)],
      ]),
    );
    log(`final rows identical: ${identical ? 'yes' : 'NO'} (${actual.length} rows); drained in ${seconds.toFixed(1)} s`);
    log(`ratio module/django: ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}) → ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}`);
    return [
      {
        name: 'Fitbit requests for a notification stream with duplicates (vs django-fitbit)',
        value: calls.length,
        unit: 'requests',
        baseline: djangoCalls,
        ratio,
        target: TARGET_RATIO,
        pass: ratio <= TARGET_RATIO && identical,
      },
    ];
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await app.close();
    await emulator.stop();
  }
}

runIfMain(import.meta.url, () => runFitbitCallsBench());
