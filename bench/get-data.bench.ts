/**
 * get_data in database mode against the bare route of the same app, under the same load.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node --import @swc-node/register/esm-register bench/get-data.bench.ts
 *
 * Needs Redis (subscribe mode runs a Bull queue; BENCH_REDIS_URL, default redis://127.0.0.1:6379).
 * Serves one year of steps for one user, imported from the Fitbit emulator through the importer
 * into an in-memory SQLite database. Target: get_data's throughput at least half the bare route's.
 */
import 'reflect-metadata';
import { TimeSeriesImporter } from '../lib/subscriptions/time-series-importer.service.js';
import { BARE_ROUTE, BENCH_USER_HEADER, linkEmulatorUser, startBenchApp, startBenchEmulator } from './support/bench-app.js';
import { versusBareFigures, versusBareRoute } from './support/load.js';
import { runIfMain, type BenchFigure } from './support/report.js';

export interface GetDataBenchOptions {
  connections?: number;
  workers?: number;
  /** Turns each route gets, alternating (default 5). */
  rounds?: number;
  /** Seconds of each turn (default 2). */
  roundSeconds?: number;
}

export async function run(options: GetDataBenchOptions = {}): Promise<BenchFigure[]> {
  const emulator = await startBenchEmulator();
  try {
    // The worker's importer loads the history, as in a real deployment.
    const bench = await startBenchApp({ label: 'get-data', emulator, fitbit: { worker: true } });
    try {
      // One year of history: the member joined a year ago.
      const timezone = 'Europe/Berlin';
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(emulator.clock.now());
      const memberSince = new Date(Date.parse(`${today}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10);
      const benchUser = emulator.addUser({ timezone, memberSince });
      await linkEmulatorUser(bench, emulator, '1', benchUser);
      const imported = await bench.app.get(TimeSeriesImporter, { strict: false }).import(benchUser.id, { category: 'activities', resource: 'steps' }, null);

      const dataUrl = `${bench.url}/fitbit/get_data/activities/steps?period=1y`;
      const headers = { [BENCH_USER_HEADER]: '1' };
      const check = await fetch(dataUrl, { headers });
      const body = (await check.json()) as { meta: { total_count: number; status_code: number } };
      if (check.status !== 200 || body.meta.status_code !== 100 || body.meta.total_count < 365) {
        throw new Error(`get_data is not serving the imported year: ${check.status} ${JSON.stringify(body.meta)}`);
      }

      console.log(`get_data in database mode: ${imported} days of steps imported, ${body.meta.total_count} objects per answer`);
      const results = await versusBareRoute(
        { route: 'bare (constant)', url: `${bench.url}${BARE_ROUTE}` },
        { route: 'get_data 1y (database)', url: dataUrl },
        {
          connections: options.connections ?? 20,
          workers: options.workers ?? 2,
          rounds: options.rounds ?? 5,
          roundSeconds: options.roundSeconds ?? 2,
          latency: 'median',
          headers,
        },
      );
      return versusBareFigures(results, { name: 'get_data throughput (database mode, 1y of steps)', target: { op: '>=', ratio: 0.5 } }, [
        { name: 'get_data p50 latency', percentile: 'p50Ms' },
        { name: 'get_data p99 latency', percentile: 'p99Ms' },
      ]);
    } finally {
      await bench.close();
    }
  } finally {
    await emulator.stop();
  }
}

runIfMain(import.meta.url, () => run());
