/**
 * Scale: 1,000 connected users' history imported by two worker processes through the emulator
 * (legacy Fitbit mode, with Fitbit's real budget of 150 calls per user per clock hour), into
 * PostgreSQL, over a Bull queue on the shared Redis.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node --import @swc-node/register/esm-register bench/scale.bench.ts
 *
 * Each user is linked as `complete/` links them and their connect is queued through the module's
 * own producer (`FitbitJobsProducer.queueConnect`: a subscribe job and one history job per
 * subscribed type), from a Nest app in this process that runs no worker. The history: 60 days of
 * four types (activities/steps, activities/distance, body/weight, foods/log/water), so 240,000 rows.
 *
 * Figures: total time from queueing to the last row, Fitbit calls, rows stored against rows
 * expected (target: all), the peak RSS (VmHWM) of each worker process (target < 256 MiB), and the
 * most requests any one user made to the emulator within one clock hour (target ≤ 150).
 *
 * The workers run compiled JavaScript (test/reliability/support/processes-compiled.ts), as deployed
 * workers do: under the harness's run-time TypeScript compiler (@swc-node/register) an idle worker
 * alone is at about 270 MiB, which would say nothing about the module.
 */
import 'reflect-metadata';
import { runIfMain, table, type BenchFigure } from './support/report.js';
import { FitbitJobsProducer } from '../lib/subscriptions/fitbit-jobs.producer.js';
import { startSubscribingApp } from '../test/subscriptions/support/subscriptions-fixture.js';
import { inPool } from '../test/reliability/support/cluster.js';
import {
  formatCount,
  IMPORT_TYPES,
  linkUsers,
  peakRssMiB,
  settled,
  startImportCluster,
  storedRowCount,
  expectedRows,
} from '../test/reliability/support/processes-import.js';

const USERS = Number(process.env.SCALE_USERS ?? 1_000);
const HISTORY_DAYS = 60;
const FITBIT_HOURLY_BUDGET = 150;
const RSS_TARGET_MIB = 256;
const HOUR_MS = 3_600_000;

export async function run(): Promise<BenchFigure[]> {
  const log = (line: string) => console.log(line);
  const cluster = await startImportCluster({ provider: 'fitbit', label: 'scale', apps: 0, workers: 2, rateLimitPerHour: FITBIT_HOURLY_BUDGET });
  const producerApp = await startSubscribingApp(cluster.emulator, cluster.dataSource, {
    worker: false,
    label: 'scale',
    fitbit: { queue: cluster.fitbit.queue, subscriptions: IMPORT_TYPES },
  });
  try {
    const idleRss = cluster.workers.map((worker) => peakRssMiB(worker.child.pid!));
    const users = await linkUsers(cluster, USERS, { historyDays: HISTORY_DAYS, firstAppUserId: 100_001 });
    const expected = expectedRows(cluster, users).size;
    const producer = producerApp.app.get(FitbitJobsProducer, { strict: false });
    const started = performance.now();
    // Connects come in side by side, as they would on a busy app.
    await inPool(users, 16, ({ user }) => producer.queueConnect(user.id));
    const queuedSeconds = (performance.now() - started) / 1000;

    // Peak memory is sampled while the workers run (VmHWM only grows, so the last sample is the peak).
    const rss = cluster.workers.map(() => 0);
    const sample = () => cluster.workers.forEach((worker, index) => (rss[index] = Math.max(rss[index]!, peakRssMiB(worker.child.pid!))));
    const sampler = setInterval(sample, 500);
    try {
      await settled(cluster, async () => (await storedRowCount(cluster.dataSource)) >= expected, 170_000);
    } finally {
      clearInterval(sampler);
    }
    sample();
    const seconds = (performance.now() - started) / 1000;
    const stored = await storedRowCount(cluster.dataSource);
    const failed = await cluster.queue.getFailedCount();

    const requests = cluster.emulator.requests;
    const userOfToken = new Map(users.map((user) => [`Bearer ${user.accessToken}`, user.user.id]));
    const perUserHour = new Map<string, number>();
    for (const request of requests) {
      const userId = userOfToken.get(request.headers.authorization ?? '');
      if (!userId) continue;
      const key = `${userId} ${Math.floor(request.at / HOUR_MS)}`;
      perUserHour.set(key, (perUserHour.get(key) ?? 0) + 1);
    }
    const maxPerUserHour = Math.max(0, ...perUserHour.values());
    const rateLimited = requests.filter((request) => request.status === 429).length;
    const apiCalls = requests.filter((request) => userOfToken.has(request.headers.authorization ?? '')).length;

    log(`Scale: ${formatCount(USERS)} users × ${HISTORY_DAYS} days × ${Object.values(IMPORT_TYPES).flat().length} types, two worker processes, PostgreSQL, fitbit emulator at ${FITBIT_HOURLY_BUDGET} calls/user/hour`);
    log(
      table([
        ['figure', 'value'],
        ['total time (queueing → last row)', `${seconds.toFixed(1)} s (queueing ${queuedSeconds.toFixed(1)} s)`],
        ['Fitbit calls', `${formatCount(requests.length)} (${formatCount(apiCalls)} with a user's token, ${rateLimited} answered 429)`],
        ['rows', `${formatCount(stored)} stored of ${formatCount(expected)} expected, ${failed} failed jobs`],
        ...rss.map((mib, index) => [`peak RSS worker ${index + 1}`, `${mib.toFixed(0)} MiB (target < ${RSS_TARGET_MIB}; ${idleRss[index]!.toFixed(0)} MiB once started, idle)`]),
        ['most calls by one user in one emulator hour', `${maxPerUserHour} (budget ${FITBIT_HOURLY_BUDGET})`],
      ]),
    );
    if (failed > 0 || rateLimited > 0) throw new Error(`${failed} failed jobs, ${rateLimited} requests refused with 429`);
    return [
      { name: `scale: ${USERS} users' history, total time`, value: seconds, unit: 's', baseline: null, target: null },
      { name: 'scale: Fitbit calls', value: requests.length, unit: 'calls', baseline: null, target: null },
      { name: 'scale: rows stored / expected', value: stored, unit: 'rows', baseline: expected, target: { op: '>=', ratio: 1 } },
      ...rss.map((mib, index) => ({
        name: `scale: peak RSS of worker ${index + 1}`,
        value: mib,
        unit: 'MiB',
        baseline: RSS_TARGET_MIB,
        target: { op: '<=' as const, ratio: 1 },
      })),
      { name: 'scale: most calls by one user in one hour', value: maxPerUserHour, unit: 'calls', baseline: FITBIT_HOURLY_BUDGET, target: { op: '<=', ratio: 1 } },
    ];
  } finally {
    await producerApp.queue.close().catch(() => undefined);
    await producerApp.close();
    await cluster.close();
  }
}

runIfMain(import.meta.url, () => run());
