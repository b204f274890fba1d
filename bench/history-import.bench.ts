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
import { getQueueToken } from '@nestjs/bull';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule, getRepositoryToken } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import pg from 'pg';
import type { DataSource, DataSourceOptions, Repository } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { UserLinkStore } from '../lib/auth/user-link.store.js';
import { TimeSeriesData } from '../lib/data/entities/time-series-data.entity.js';
import { FITBIT_ENTITIES } from '../lib/data/fitbit-entities.js';
import { FITBIT_MIGRATIONS } from '../lib/data/migrations/index.js';
import type { DataObject } from '../lib/data/data-response.js';
import { TIME_SERIES_RESOURCES, type TimeSeriesCategoryName, type TimeSeriesTypeKey } from '../lib/data/time-series-data-types.js';
import { TimeSeriesDataStore } from '../lib/data/time-series-data.store.js';
import { TimeSeriesTypeRegistry } from '../lib/data/time-series-type.registry.js';
import { FITBIT_QUEUE } from '../lib/fitbit.constants.js';
import { FitbitModule } from '../lib/fitbit.module.js';
import { TIME_SERIES_JOB, type TimeSeriesJobData } from '../lib/subscriptions/fitbit-job.types.js';
import { FitbitEmulator } from '../lib/testing/index.js';
import { BENCH_POSTGRES_URL, benchDatabase, redisQueueOptions, runIfMain, table, waitFor, type BenchFigure } from './support/subscriptions-bench.js';

type Kind = 'sqlite' | 'postgres';
interface Batch {
  type: TimeSeriesTypeKey;
  values: DataObject[];
}

const CLIENT = { clientId: 'bench-client', clientSecret: 'bench-secret' };
/** The legacy Fitbit Web API, which the emulator speaks here (the module's default is now google-health). */
const PROVIDER = 'fitbit' as const;
const NAIVE_TARGET = 10;
const CEILING_TARGET = 0.5;
const MAX_RANGE_DAYS = 1095;

/** Every type Fitbit still serves (activeScore and tracker/activeScore are gone from the API). */
const SERVED_TYPES: TimeSeriesTypeKey[] = Object.entries(TIME_SERIES_RESOURCES).flatMap(([category, resources]) =>
  resources.filter((resource) => !resource.endsWith('activeScore')).map((resource) => ({ category: category as TimeSeriesCategoryName, resource })),
);

export interface HistoryImportBenchOptions {
  kinds?: Kind[];
  print?: boolean;
}

async function startApp(emulator: FitbitEmulator, database: Record<string, unknown>): Promise<INestApplication> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        ...database,
        entities: [...FITBIT_ENTITIES],
        migrations: [...FITBIT_MIGRATIONS],
        migrationsRun: true,
        synchronize: false,
        logging: false,
      } as unknown as DataSourceOptions),
      FitbitModule.forRoot({
        ...CLIENT,
        provider: PROVIDER,
        endpoints: emulator.urls,
        subscriberId: 'bench',
        queue: redisQueueOptions('history'),
        historicalInitDelaySeconds: 0,
        betweenDelaySeconds: 0,
        subscribe: true,
        worker: true,
      }),
    ],
  })
  class HistoryBenchModule {}
  const app = await NestFactory.create(HistoryBenchModule, { logger: ['error'] });
  await app.init();
  return app;
}

/** The batches the importer fetches: per type, the history in ranges of at most 1095 days. */
async function fetchBatches(emulator: FitbitEmulator, userId: string, accessToken: string, start: string, end: string): Promise<Batch[]> {
  const ranges: [string, string][] = [];
  for (let from = Date.parse(`${start}T00:00:00Z`); from <= Date.parse(`${end}T00:00:00Z`); from += MAX_RANGE_DAYS * 86_400_000) {
    const to = Math.min(from + (MAX_RANGE_DAYS - 1) * 86_400_000, Date.parse(`${end}T00:00:00Z`));
    ranges.push([new Date(from).toISOString().slice(0, 10), new Date(to).toISOString().slice(0, 10)]);
  }
  const batches: Batch[] = [];
  for (const type of SERVED_TYPES) {
    const path = `${type.category}/${type.resource}`;
    for (const [from, to] of ranges) {
      const response = await fetch(`${emulator.urls.apiUrl}/1/user/-/${path}/date/${from}/${to}.json`, { headers: { authorization: `Bearer ${accessToken}` } });
      const body = (await response.json()) as Record<string, DataObject[]>;
      batches.push({ type, values: body[path.replaceAll('/', '-')]! });
    }
  }
  void userId;
  return batches;
}

const rowsOf = (batches: readonly Batch[]) => batches.reduce((sum, batch) => sum + batch.values.length, 0);

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function benchOne(kind: Kind, emulator: FitbitEmulator, log: (line: string) => void): Promise<BenchFigure[]> {
  const database = await benchDatabase(kind);
  const app = await startApp(emulator, database.options);
  const queue = app.get<Queue>(getQueueToken(FITBIT_QUEUE), { strict: false });
  try {
    const dataSource = app.get<DataSource>(getDataSourceToken(), { strict: false });
    const repository = app.get<Repository<TimeSeriesData>>(getRepositoryToken(TimeSeriesData), { strict: false });
    const table_ = repository.metadata.tablePath;
    const count = async () => Number((await dataSource.query(`SELECT COUNT(*) AS n FROM ${table_}`))[0].n);
    const clear = () => dataSource.query(`DELETE FROM ${table_}`);

    // 1. End to end: the jobs complete/ queues, run by the worker.
    const user = emulator.addUser();
    const tokens = emulator.issueTokens(user.id);
    await app.get(UserLinkStore, { strict: false }).save({
      userId: 'e2e',
      provider: 'fitbit',
      providerUserId: user.id,
      legacyUserId: null,
      timeZone: user.timezone,
      tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: [] },
    });
    const batches = await fetchBatches(emulator, user.id, tokens.accessToken, user.memberSince, emulator.todayOf(user.id));
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
    const typeRows = (await dataSource.query('SELECT id, category, resource FROM fitbit_time_series_data_type')) as { id: number; category: number; resource: string }[];
    const typeIds = new Map<string, number>(typeRows.map((row) => [`${['foods', 'activities', 'sleep', 'body'][Number(row.category)]}/${row.resource}`, Number(row.id)]));
    const typeIdOf = (type: TimeSeriesTypeKey) => typeIds.get(`${type.category}/${type.resource}`)!;

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
    const ceiling = await rawCeiling(kind, dataSource, database.schema, batches, typeIdOf, clear, count, rows);

    const moduleRate = rows / moduleSeconds;
    const naiveRate = naiveSample.length / naiveSeconds;
    const endToEndRate = rows / endToEnd;
    log(`\n${kind}: ${rows} rows (${SERVED_TYPES.length} types × ${rows / SERVED_TYPES.length} days, ${batches.length} fetched batches)`);
    log(
      table([
        ['', 'rows/s', 'seconds', 'rows'],
        ['end to end: worker, emulator → database', endToEndRate.toFixed(0), endToEnd.toFixed(2), String(rows)],
        ['write path: module (1 upsert per fetched batch)', moduleRate.toFixed(0), moduleSeconds.toFixed(2), String(rows)],
        ['(a) naive: ORM save() row by row', naiveRate.toFixed(0), naiveSeconds.toFixed(2), `${naiveSample.length} (sample)`],
        [`(b) ceiling: ${ceiling.method}`, ceiling.rate.toFixed(0), (rows / ceiling.rate).toFixed(2), String(rows)],
      ]),
    );
    const vsNaive = moduleRate / naiveRate;
    const vsCeiling = moduleRate / ceiling.rate;
    log(`module vs naive: ${vsNaive.toFixed(1)}× (target ≥ ${NAIVE_TARGET}×) → ${vsNaive >= NAIVE_TARGET ? 'PASS' : 'FAIL'}`);
    log(`module vs ceiling: ${vsCeiling.toFixed(2)} (target ≥ ${CEILING_TARGET}) → ${vsCeiling >= CEILING_TARGET ? 'PASS' : 'FAIL'}`);
    return [
      { name: `history import end to end (${kind})`, value: endToEndRate, unit: 'rows/s', baseline: null, ratio: null, target: null, pass: null },
      { name: `history import write path vs naive ORM (${kind})`, value: moduleRate, unit: 'rows/s', baseline: naiveRate, ratio: vsNaive, target: NAIVE_TARGET, pass: vsNaive >= NAIVE_TARGET },
      { name: `history import write path vs raw driver bulk (${kind})`, value: moduleRate, unit: 'rows/s', baseline: ceiling.rate, ratio: vsCeiling, target: CEILING_TARGET, pass: vsCeiling >= CEILING_TARGET },
    ];
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await app.close();
    await database.drop();
  }
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
    const jsonEach = db.prepare(
      'INSERT INTO fitbit_time_series_data (user_id, type_id, date, value) SELECT ?, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?) AS j',
    );
    await check(
      'better-sqlite3 INSERT … SELECT json_each, all rows in one statement',
      await timed(async () => jsonEach.run('w', JSON.stringify(batches.flatMap((batch) => batch.values.map((value) => [typeIdOf(batch.type), value.dateTime, value.value]))))),
    );
  } else {
    const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      const unnest = 'INSERT INTO fitbit_time_series_data (user_id, type_id, date, value) SELECT $1, u.t, u.d, u.v FROM unnest($2::int[], $3::varchar[], $4::varchar[]) AS u(t, d, v)';
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

export async function runHistoryImportBench(options: HistoryImportBenchOptions = {}): Promise<BenchFigure[]> {
  const log = (line: string) => (options.print ?? true) && console.log(line);
  const emulator = await FitbitEmulator.start({ mode: 'fitbit', ...CLIENT, rateLimitPerHour: 1_000_000 });
  try {
    log('History import of one user’s 3 years of every type Fitbit serves');
    const figures: BenchFigure[] = [];
    for (const kind of options.kinds ?? (['sqlite', 'postgres'] as Kind[])) figures.push(...(await benchOne(kind, emulator, log)));
    return figures;
  } finally {
    await emulator.stop();
  }
}

runIfMain(import.meta.url, () => runHistoryImportBench());
