/**
 * History import: one user's 3-year history of every type Fitbit serves, emulator → database, on
 * SQLite and on PostgreSQL.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node --import @swc-node/register/esm-register bench/history-import.bench.ts
 *
 * Needs Redis and PostgreSQL (BENCH_REDIS_URL, BENCH_POSTGRES_URL; defaults on 127.0.0.1).
 *
 * Two figures per database:
 * - end to end: the history jobs `complete/` queues, run by a worker in this process against the
 *   emulator, until every row is stored. The emulator generates the data in this same process and
 *   is most of that time, so this figure is reported without a target.
 * - the write path, on the very rows fetched: the module's store (one upsert statement per fetched
 *   batch, as the importer calls it) beside (a) the naive way, each row saved through the ORM, and
 *   (b) the raw driver's fastest bulk insert (the ceiling). Targets: ≥ 10× (a) and ≥ 0.5 of (b).
 */
import 'reflect-metadata';
import { getDataSourceToken, getRepositoryToken } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource, Repository } from 'typeorm';
import type { DataObject } from '../lib/data/data-response.js';
import { TimeSeriesData } from '../lib/data/entities/time-series-data.entity.js';
import { timeSeriesPath, type TimeSeriesTypeKey } from '../lib/data/time-series-data-types.js';
import { TimeSeriesDataStore } from '../lib/data/time-series-data.store.js';
import { TimeSeriesTypeRegistry } from '../lib/data/time-series-type.registry.js';
import { TIME_SERIES_JOB, type TimeSeriesJobData } from '../lib/subscriptions/fitbit-job.types.js';
import type { FitbitEmulator } from '../lib/testing/index.js';
import {
  BENCH_POSTGRES_URL,
  SERVED_TYPES,
  benchDatabase,
  linkEmulatorUser,
  servedTypeIds,
  startBenchApp,
  startBenchEmulator,
  waitFor,
  type BenchApp,
} from './support/bench-app.js';
import { runIfMain, table, type BenchFigure } from './support/report.js';

type Kind = 'sqlite' | 'postgres';
interface Batch {
  type: TimeSeriesTypeKey;
  values: DataObject[];
}

const MAX_RANGE_DAYS = 1095;

export interface HistoryImportBenchOptions {
  kinds?: Kind[];
}

/** The batches the importer fetches: per type, the history in ranges of at most 1095 days. */
async function fetchBatches(emulator: FitbitEmulator, accessToken: string, start: string, end: string): Promise<Batch[]> {
  const ranges: [string, string][] = [];
  for (let from = Date.parse(`${start}T00:00:00Z`); from <= Date.parse(`${end}T00:00:00Z`); from += MAX_RANGE_DAYS * 86_400_000) {
    const to = Math.min(from + (MAX_RANGE_DAYS - 1) * 86_400_000, Date.parse(`${end}T00:00:00Z`));
    ranges.push([new Date(from).toISOString().slice(0, 10), new Date(to).toISOString().slice(0, 10)]);
  }
  const batches: Batch[] = [];
  for (const type of SERVED_TYPES) {
    const path = timeSeriesPath(type);
    for (const [from, to] of ranges) {
      const response = await fetch(`${emulator.urls.apiUrl}/1/user/-/${path}/date/${from}/${to}.json`, { headers: { authorization: `Bearer ${accessToken}` } });
      const body = (await response.json()) as Record<string, DataObject[]>;
      batches.push({ type, values: body[path.replaceAll('/', '-')]! });
    }
  }
  return batches;
}

const rowsOf = (batches: readonly Batch[]) => batches.reduce((sum, batch) => sum + batch.values.length, 0);

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function benchOne(kind: Kind, emulator: FitbitEmulator): Promise<BenchFigure[]> {
  const database = await benchDatabase(kind);
  try {
    const bench = await startBenchApp({
      label: 'history',
      emulator,
      database: database.options,
      fitbit: { historicalInitDelaySeconds: 0, betweenDelaySeconds: 0, worker: true },
      logger: ['error'],
    });
    try {
      return await benchWith(kind, emulator, bench, database.schema);
    } finally {
      await bench.close();
    }
  } finally {
    await database.drop();
  }
}

async function benchWith(kind: Kind, emulator: FitbitEmulator, bench: BenchApp, schema: string | null): Promise<BenchFigure[]> {
  const { app, queue } = bench;
  const dataSource = app.get<DataSource>(getDataSourceToken(), { strict: false });
  const repository = app.get<Repository<TimeSeriesData>>(getRepositoryToken(TimeSeriesData), { strict: false });
  const table_ = repository.metadata.tablePath;
  const count = async () => Number((await dataSource.query(`SELECT COUNT(*) AS n FROM ${table_}`))[0].n);
  const clear = () => dataSource.query(`DELETE FROM ${table_}`);

  // 1. End to end: the jobs complete/ queues, run by the worker.
  const user = emulator.addUser();
  const tokens = await linkEmulatorUser(bench, emulator, 'e2e', user);
  const batches = await fetchBatches(emulator, tokens.accessToken, user.memberSince, emulator.todayOf(user.id));
  const rows = rowsOf(batches);
  const endToEnd = await timed(async () => {
    const queuedAt = Date.now();
    await queue.addBulk(
      SERVED_TYPES.map((type) => ({
        name: TIME_SERIES_JOB,
        data: { providerUserId: user.id, category: type.category, resource: type.resource, date: null, queuedAt } satisfies TimeSeriesJobData,
        opts: { removeOnComplete: true },
      })),
    );
    await waitFor('history import', async () => (await count()) >= rows, 60_000);
  });
  const counts = await queue.getJobCounts();
  if (counts.failed > 0 || (await count()) !== rows) throw new Error(`history import incomplete: ${await count()} of ${rows} rows, ${counts.failed} failed jobs`);

  // 2. The write path on the same rows, each run into an empty table.
  const store = new TimeSeriesDataStore(repository, dataSource.getRepository('UserFitbit'), app.get(TimeSeriesTypeRegistry, { strict: false }));
  const typeIds = await servedTypeIds(bench);
  const typeIdOf = (type: TimeSeriesTypeKey) => typeIds.get(timeSeriesPath(type))!;

  await clear();
  const moduleSeconds = await timed(async () => {
    for (const batch of batches) await store.upsert('w', batch.type, batch.values);
  });
  if ((await count()) !== rows) throw new Error('module write lost rows');

  await clear();
  const naiveRows = batches.flatMap((batch) => batch.values.map((value) => ({ userId: 'w', typeId: typeIdOf(batch.type), date: value.dateTime, value: value.value })));
  const naiveSample = naiveRows.slice(0, kind === 'sqlite' ? 4000 : 1500);
  const naiveSeconds = await timed(async () => {
    for (const row of naiveSample) await repository.save(repository.create(row));
  });

  await clear();
  const ceiling = await rawCeiling(kind, dataSource, schema, batches, typeIdOf, clear, count, rows);

  const moduleRate = rows / moduleSeconds;
  const naiveRate = naiveSample.length / naiveSeconds;
  const endToEndRate = rows / endToEnd;
  console.log(`\n${kind}: ${rows} rows (${SERVED_TYPES.length} types × ${rows / SERVED_TYPES.length} days, ${batches.length} fetched batches)`);
  console.log(
    table([
      ['', 'rows/s', 'seconds', 'rows'],
      ['end to end: worker, emulator → database', endToEndRate.toFixed(0), endToEnd.toFixed(2), String(rows)],
      ['write path: module (1 upsert per fetched batch)', moduleRate.toFixed(0), moduleSeconds.toFixed(2), String(rows)],
      ['(a) naive: ORM save() row by row', naiveRate.toFixed(0), naiveSeconds.toFixed(2), `${naiveSample.length} (sample)`],
      [`(b) ceiling: ${ceiling.method}`, ceiling.rate.toFixed(0), (rows / ceiling.rate).toFixed(2), String(rows)],
    ]),
  );
  return [
    { name: `history import end to end (${kind})`, value: endToEndRate, unit: 'rows/s', baseline: null, target: null },
    { name: `history import write path vs naive ORM (${kind})`, value: moduleRate, unit: 'rows/s', baseline: naiveRate, target: { op: '>=', ratio: 10 } },
    { name: `history import write path vs raw driver bulk (${kind})`, value: moduleRate, unit: 'rows/s', baseline: ceiling.rate, target: { op: '>=', ratio: 0.5 } },
  ];
}

/** The raw driver's fastest bulk insert of the same rows: the best of its usual ways, each timed into an empty table. */
async function rawCeiling(
  kind: Kind,
  dataSource: DataSource,
  schema: string | null,
  batches: readonly Batch[],
  typeIdOf: (type: TimeSeriesTypeKey) => number,
  clear: () => Promise<unknown>,
  count: () => Promise<number>,
  rows: number,
): Promise<{ method: string; rate: number }> {
  const results: { method: string; rate: number }[] = [];
  const check = async (method: string, seconds: number) => {
    if ((await count()) !== rows) throw new Error(`${method} lost rows`);
    results.push({ method, rate: rows / seconds });
    await clear();
  };
  if (kind === 'sqlite') {
    type Sqlite = { prepare(sql: string): { run(...args: unknown[]): unknown }; transaction<T>(fn: (arg: T) => void): (arg: T) => void };
    const db = (dataSource.driver as unknown as { databaseConnection: Sqlite }).databaseConnection;
    const insert = db.prepare('INSERT INTO fitbit_time_series_data (user_id, type_id, date, value) VALUES (?, ?, ?, ?)');
    const insertAll = db.transaction((all: readonly Batch[]) => {
      for (const batch of all) {
        const typeId = typeIdOf(batch.type);
        for (const value of batch.values) insert.run('w', typeId, value.dateTime, value.value);
      }
    });
    await check('better-sqlite3 prepared INSERT, one transaction', await timed(async () => insertAll(batches)));
    const perBatch = db.transaction((batch: Batch) => {
      const typeId = typeIdOf(batch.type);
      for (const value of batch.values) insert.run('w', typeId, value.dateTime, value.value);
    });
    await check('better-sqlite3 prepared INSERT, a transaction per batch', await timed(async () => batches.forEach((batch) => perBatch(batch))));
    const objectEach = db.prepare('INSERT INTO fitbit_time_series_data (user_id, type_id, date, value) SELECT ?, ?, j.key, j.value FROM json_each(?) AS j');
    await check(
      'better-sqlite3 INSERT … SELECT json_each(date → value), one statement per batch',
      await timed(async () => {
        for (const batch of batches) objectEach.run('w', typeIdOf(batch.type), JSON.stringify(Object.fromEntries(batch.values.map((value) => [value.dateTime, value.value]))));
      }),
    );
    const jsonEach = db.prepare('INSERT INTO fitbit_time_series_data (user_id, type_id, date, value) SELECT ?, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?) AS j');
    await check(
      'better-sqlite3 INSERT … SELECT json_each, all rows in one statement',
      await timed(async () => jsonEach.run('w', JSON.stringify(batches.flatMap((batch) => batch.values.map((value) => [typeIdOf(batch.type), value.dateTime, value.value]))))),
    );
  } else {
    const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      const unnest =
        'INSERT INTO fitbit_time_series_data (user_id, type_id, date, value) SELECT $1, u.t, u.d, u.v FROM unnest($2::int[], $3::varchar[], $4::varchar[]) AS u(t, d, v)';
      const columns = (list: readonly Batch[]) => [
        list.flatMap((batch) => batch.values.map(() => typeIdOf(batch.type))),
        list.flatMap((batch) => batch.values.map((value) => value.dateTime)),
        list.flatMap((batch) => batch.values.map((value) => value.value)),
      ];
      await check('pg INSERT … SELECT unnest(arrays), all rows in one statement', await timed(() => client.query(unnest, ['w', ...columns(batches)])));
      await check(
        'pg INSERT … SELECT unnest(arrays), one statement per batch',
        await timed(async () => {
          for (const batch of batches) await client.query(unnest, ['w', ...columns([batch])]);
        }),
      );
    } finally {
      await client.end();
    }
  }
  return results.reduce((best, result) => (result.rate > best.rate ? result : best));
}

export async function run(options: HistoryImportBenchOptions = {}): Promise<BenchFigure[]> {
  const emulator = await startBenchEmulator();
  try {
    console.log('History import of one user’s 3 years of every type Fitbit serves');
    const figures: BenchFigure[] = [];
    for (const kind of options.kinds ?? (['sqlite', 'postgres'] as Kind[])) figures.push(...(await benchOne(kind, emulator)));
    return figures;
  } finally {
    await emulator.stop();
  }
}

runIfMain(import.meta.url, () => run());
