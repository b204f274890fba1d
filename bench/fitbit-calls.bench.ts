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
 * Target: at most half of django-fitbit's count, with identical final rows.
 */
import 'reflect-metadata';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { seededSequence } from '../lib/testing/emulator/core/seeded-random.js';
import type { FitbitNotification } from '../lib/testing/index.js';
import { SERVED_RESOURCES, linkEmulatorUser, servedTypeIds, signedNotificationHeaders, startBenchApp, startBenchEmulator, waitFor } from './support/bench-app.js';
import { runIfMain, table, type BenchFigure } from './support/report.js';

const USERS = 6;
const WAVES = 16;
const WAVE_MS = 250;
const BETWEEN_DELAY_SECONDS = 0.5;

/** Every type Fitbit still serves, per category: what both algorithms are configured to fetch. */
const SUBSCRIPTIONS: Record<string, string[]> = SERVED_RESOURCES;

export interface FitbitCallsBenchOptions {
  seed?: number;
}

/**
 * The recorded-style stream: in each wave, each user syncs with some chance; a sync notifies
 * activities for today (and now and then yesterday, late data), sometimes sleep, body or foods.
 * Fitbit batches what is due into POSTs of up to 10.
 */
export function notificationStream(users: { id: string; subscriptionId: string; today: string; yesterday: string }[], seed: number): FitbitNotification[][] {
  const random = seededSequence(seed);
  const waves: FitbitNotification[][] = [];
  for (let wave = 0; wave < WAVES; wave++) {
    const due: FitbitNotification[] = [];
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

export async function run(options: FitbitCallsBenchOptions = {}): Promise<BenchFigure[]> {
  const emulator = await startBenchEmulator();
  try {
    const bench = await startBenchApp({
      label: 'calls',
      emulator,
      fitbit: { subscriptions: SUBSCRIPTIONS, betweenDelaySeconds: BETWEEN_DELAY_SECONDS, worker: true },
      logger: ['error'],
    });
    try {
      const users: { id: string; subscriptionId: string; today: string; yesterday: string }[] = [];
      for (let i = 0; i < USERS; i++) {
        const user = emulator.addUser();
        await linkEmulatorUser(bench, emulator, `u${i}`, user);
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
          const response = await fetch(`${bench.url}/fitbit/update/`, { method: 'POST', body, headers: signedNotificationHeaders(body) });
          if (response.status !== 204) throw new Error(`update/ answered ${response.status}`);
        }
        await new Promise((resolve) => setTimeout(resolve, WAVE_MS));
      }
      await waitFor(
        'the queue to drain',
        async () => {
          const counts = await bench.queue.getJobCounts();
          return counts.waiting + counts.active + counts.delayed === 0;
        },
        60_000,
      );
      const seconds = (Date.now() - started) / 1000;
      const failed = await bench.queue.getFailedCount();
      const calls = emulator.requests.filter((request) => request.path.includes('/date/'));
      if (calls.some((call) => call.status !== 200) || failed > 0) throw new Error(`${failed} failed jobs, ${calls.filter((call) => call.status !== 200).length} failed calls`);

      // Identical final rows: every (user, type, date) notified holds what Fitbit holds, which is what
      // django-fitbit's last fetch of it would have stored. Otherwise the bench fails.
      const dataSource = bench.app.get<DataSource>(getDataSourceToken(), { strict: false });
      const typePaths = new Map([...(await servedTypeIds(bench))].map(([path, id]) => [id, path]));
      const stored = (await dataSource.query('SELECT user_id, type_id, date, value FROM fitbit_time_series_data')) as {
        user_id: string;
        type_id: number;
        date: string;
        value: string | null;
      }[];
      const actual = stored.map((row) => `${row.user_id} ${typePaths.get(Number(row.type_id))} ${row.date} ${row.value}`).sort();
      const expected = [...distinct]
        .flatMap((key) => {
          const [ownerId, category, date] = key.split(' ') as [string, string, string];
          const user = users.find((candidate) => candidate.id === ownerId)!;
          return SUBSCRIPTIONS[category]!.map(
            (resource) => `${user.subscriptionId} ${category}/${resource} ${date} ${emulator.dailyValue(ownerId, `${category}/${resource}`, date) ?? ''}`,
          );
        })
        .sort();
      if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`final rows differ: ${actual.length} stored, ${expected.length} expected`);
      const floor = [...distinct].reduce((sum, key) => sum + SUBSCRIPTIONS[key.split(' ')[1]!]!.length, 0);

      console.log(
        `A stream of ${notifications.length} notifications in ${waves.length} waves ${WAVE_MS} ms apart for ${USERS} users ` +
          `(${distinct.size} distinct user/collection/date), betweenDelay ${BETWEEN_DELAY_SECONDS} s`,
      );
      console.log(
        table([
          ['', 'Fitbit requests'],
          ['django-fitbit (one per type per notification)', String(djangoCalls)],
          ['this module', String(calls.length)],
          ['floor (one per type per distinct user/collection/date)', String(floor)],
        ]),
      );
      console.log(`final rows identical: yes (${actual.length} rows); drained in ${seconds.toFixed(1)} s`);
      return [
        {
          name: 'Fitbit requests for a notification stream with duplicates (vs django-fitbit)',
          value: calls.length,
          unit: 'requests',
          baseline: djangoCalls,
          target: { op: '<=', ratio: 0.5 },
        },
      ];
    } finally {
      await bench.close();
    }
  } finally {
    await emulator.stop();
  }
}

runIfMain(import.meta.url, () => run());
