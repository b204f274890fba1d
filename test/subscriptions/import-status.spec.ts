/**
 * Import progress as a feature: after a connect in subscription mode, FitbitService.importStatus,
 * the `import_status/` route and the progress events say how far the history import is (types done,
 * pending, failed, days stored, start, end, last error), and the worker logs one line per finished
 * type, with counts only. Before, a three-minute import was silent.
 */
import type { LoggerService } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TimeSeriesData } from '../../lib/data/entities/time-series-data.entity.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitImportProgressEvent } from '../../lib/integration/import-status.js';
import { FitbitService } from '../../lib/integration/fitbit.service.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { browserFor, connectThroughEmulator, emulatorOptions, PROVIDERS, startEmulator } from '../support/fitbit-fixture.js';
import { startFitbitTestApp, TEST_USER_HEADER, type FitbitTestApp } from '../support/fitbit-test-app.js';
import { addDays } from '../../lib/data/calendar.js';
import { linkNewUser, startSubscribingApp, subscriptionFacts, type SubscribingApp } from './support/subscriptions-fixture.js';

const SUBSCRIPTIONS = { activities: ['steps', 'distance', 'calories'] };
const PATHS = ['activities/steps', 'activities/distance', 'activities/calories'];

/** Keeps every line logged, by level. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(`LOG ${String(message)}`);
  }
  warn(message: unknown): void {
    this.lines.push(`WARN ${String(message)}`);
  }
  error(message: unknown): void {
    this.lines.push(`ERROR ${String(message)}`);
  }
  debug(): void {}
  verbose(): void {}
}

interface ImportStatusAnswer {
  meta: {
    status_code: number;
    total_count: number;
    state?: string;
    started?: string | null;
    finished?: string | null;
    done?: number;
    pending?: number;
    failed?: number;
    rows_stored?: number;
    last_error?: { type: string; message: string; at: string } | null;
  };
  objects: { type: string; state: string; rows: number; finished: string | null; error: string | null }[];
}

async function importStatus(app: FitbitTestApp, appUserId: string | null): Promise<ImportStatusAnswer> {
  const response = await fetch(`${app.url}/fitbit/import_status/`, { headers: appUserId === null ? {} : { [TEST_USER_HEADER]: appUserId } });
  expect(response.status).toBe(200);
  return (await response.json()) as ImportStatusAnswer;
}

async function rowsByType(dataSource: TestDataSource, appUserId: string): Promise<Record<string, number>> {
  const rows: { path: string; count: number | string }[] = await dataSource.query(
    `SELECT t.resource AS path, COUNT(*) AS count FROM fitbit_time_series_data d JOIN fitbit_time_series_data_type t ON t.id = d.type_id
      WHERE d.user_id = ? GROUP BY t.resource`,
    [appUserId],
  );
  return Object.fromEntries(rows.map((row) => [`activities/${row.path}`, Number(row.count)]));
}

describe.each(PROVIDERS)('history import status (%s, worker in the app process)', (provider) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: SubscribingApp;
  let logger: CapturingLogger;
  let nextUserId = 700;

  beforeAll(async () => {
    emulator = await startEmulator({ provider, rateLimitPerHour: 100_000, rateLimitPerMinute: 100_000 });
  });
  afterAll(() => emulator.stop());
  afterEach(async () => {
    emulator.faults.clear();
    await app.queue.obliterate({ force: true });
    await app.close();
    await dataSource.destroy();
  });

  async function start(): Promise<void> {
    dataSource = await createSqliteDataSource();
    logger = new CapturingLogger();
    app = await startSubscribingApp(emulator, dataSource, {
      worker: true,
      label: `import-status-${provider}`,
      fitbit: { subscriptions: SUBSCRIPTIONS, ...subscriptionFacts(emulator).appOptions },
      logger,
    });
  }

  /** Connects a new emulator user through the browser walk, which queues the history import. */
  async function connect(): Promise<string> {
    const appUserId = String(++nextUserId);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC' }).format(emulator.clock.now());
    const user = emulator.addUser({ timezone: 'UTC', memberSince: addDays(today, -150) });
    emulator.setConsentUser(user.id);
    await connectThroughEmulator(app, browserFor(Number(appUserId)));
    return appUserId;
  }

  /** Polls the route until the import finished; returns every answer seen. */
  async function untilFinished(appUserId: string): Promise<ImportStatusAnswer[]> {
    const seen: ImportStatusAnswer[] = [];
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answer = await importStatus(app, appUserId);
      seen.push(answer);
      if (answer.meta.state !== 'running') return seen;
      if (Date.now() > deadline) throw new Error(`import not finished: ${JSON.stringify(answer)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('answers 101 when signed out and 102 without a link, in the data envelope', async () => {
    await start();
    expect(await importStatus(app, null)).toEqual({ meta: { total_count: 0, status_code: 101 }, objects: [] });
    expect(await importStatus(app, '699')).toEqual({ meta: { total_count: 0, status_code: 102 }, objects: [] });
    expect(await app.app.get(FitbitService).importStatus('699')).toBeNull();
  });

  it('shows the import while it runs and when it is done, on every path: route, service, events, one log line per type', async () => {
    await start();
    const events: FitbitImportProgressEvent[] = [];
    const listening = app.app.get(FitbitService).onImportProgress((event) => events.push(event));
    await listening.ready;
    // One rate limit on the way: the status shows it as the last error while the type waits to retry.
    emulator.faults.inject({ path: subscriptionFacts(emulator).seriesPattern('activities/distance'), status: 429, headers: { 'retry-after': '0' }, times: 1 });

    const appUserId = await connect();
    const seen = await untilFinished(appUserId);
    const final = seen.at(-1)!;

    // While it ran: pending types, and the retry as the last error.
    const running = seen.filter((answer) => answer.meta.state === 'running');
    expect(running.length).toBeGreaterThan(0);
    expect(running[0]!.meta.pending).toBeGreaterThan(0);
    const retrying = running.find((answer) => answer.meta.last_error);
    expect(retrying?.meta.last_error).toEqual({
      type: 'activities/distance',
      message: expect.stringMatching(/^the provider limited the rate of requests; retry 1 in \d+ s$/),
      at: expect.any(String),
    });
    // Progress only goes forward.
    const doneCounts = seen.map((answer) => answer.meta.done!);
    expect(doneCounts).toEqual([...doneCounts].sort((a, b) => a - b));

    const rows = await rowsByType(dataSource, appUserId);
    const total = Object.values(rows).reduce((sum, count) => sum + count, 0);
    expect(total).toBe(await dataSource.getRepository(TimeSeriesData).countBy({ userId: appUserId }));
    expect(final.meta).toEqual({
      total_count: 3,
      status_code: 100,
      state: 'done',
      started: expect.any(String),
      finished: expect.any(String),
      done: 3,
      pending: 0,
      failed: 0,
      rows_stored: total,
      last_error: null,
    });
    expect(Date.parse(final.meta.finished!)).toBeGreaterThanOrEqual(Date.parse(final.meta.started!));
    expect(final.objects).toEqual(PATHS.map((type) => ({ type, state: 'done', rows: rows[type], finished: expect.any(String), error: null })));
    for (const type of PATHS) expect(rows[type]).toBeGreaterThan(100);

    const status = (await app.app.get(FitbitService).importStatus(appUserId))!;
    expect(status).toMatchObject({ state: 'done', done: PATHS, pending: [], failed: [], rowsStored: total, lastError: null });
    expect(status.started!.toISOString()).toBe(final.meta.started);

    // Events: each type went running → done for this user; the last one says the whole import finished.
    const finishedEvents = events.filter((event) => event.state === 'done');
    expect(finishedEvents.map((event) => event.type).sort()).toEqual([...PATHS].sort());
    expect(events.every((event) => event.userId === appUserId && event.total === 3)).toBe(true);
    expect(finishedEvents.at(-1)!.finished).toBe(3);
    listening.stop();

    // One line per finished type, counts only.
    const lines = logger.lines.filter((line) => line.includes('History import'));
    expect(lines).toHaveLength(3);
    for (const type of PATHS) {
      expect(lines.filter((line) => line.includes(` ${type} `))).toEqual([
        expect.stringMatching(new RegExp(`^LOG History import of user ${appUserId}: ${type.replace('/', '\\/')} \\d+ days stored; [123] of 3 types finished$`)),
      ]);
    }
  });

  it('shows a type that fails for good as failed, with the reason in the module\'s words, and the import as failed', async () => {
    await start();
    emulator.faults.inject({ path: subscriptionFacts(emulator).seriesPattern('activities/calories'), status: 400 });
    const appUserId = await connect();
    const final = (await untilFinished(appUserId)).at(-1)!;
    expect(final.meta).toMatchObject({ state: 'failed', done: 2, pending: 0, failed: 1 });
    expect(final.meta.last_error).toEqual({ type: 'activities/calories', message: 'the provider refused the request (HTTP 400)', at: expect.any(String) });
    expect(final.objects.find((object) => object.type === 'activities/calories')).toEqual({
      type: 'activities/calories',
      state: 'failed',
      rows: 0,
      finished: expect.any(String),
      error: 'the provider refused the request (HTTP 400)',
    });
    expect(logger.lines).toContainEqual(
      expect.stringMatching(new RegExp(`^LOG History import of user ${appUserId}: activities/calories failed: the provider refused the request \\(HTTP 400\\); \\d of 3 types finished$`)),
    );
  });
});

describe('import status without subscriptions', () => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;

  beforeAll(async () => {
    emulator = await startEmulator({ provider: 'google-health' });
    dataSource = await createSqliteDataSource();
    app = await startFitbitTestApp({ dataSource, fitbit: FitbitModule.forRoot(emulatorOptions(emulator)) });
  });
  afterAll(async () => {
    await app.close();
    await dataSource.destroy();
    await emulator.stop();
  });

  it('has nothing to import: state none, data comes live from the provider', async () => {
    await linkNewUser(emulator, dataSource, '42');
    expect(await importStatus(app, '42')).toEqual({
      meta: { total_count: 0, status_code: 100, state: 'none', started: null, finished: null, done: 0, pending: 0, failed: 0, rows_stored: 0, last_error: null },
      objects: [],
    });
  });
});
