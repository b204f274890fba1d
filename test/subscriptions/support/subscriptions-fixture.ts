import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Job, Queue } from 'bull';
import type { DataSourceOptions } from 'typeorm';
import type { FitbitModuleOptions } from '../../../lib/config/fitbit-module-options.interface.js';
import { TimeSeriesDataType } from '../../../lib/data/entities/time-series-data-type.entity.js';
import { TimeSeriesData } from '../../../lib/data/entities/time-series-data.entity.js';
import { UserFitbit } from '../../../lib/data/entities/user-fitbit.entity.js';
import { FitbitModule } from '../../../lib/fitbit.module.js';
import { NOTIFICATIONS_JOB, type NotificationsJobData, type TimeSeriesJobData } from '../../../lib/subscriptions/fitbit-job.types.js';
import { FitbitJobsProducer } from '../../../lib/subscriptions/fitbit-jobs.producer.js';
import type { FitbitEmulator } from '../../../lib/testing/index.js';
import type { FitbitNotification } from '../../../lib/testing/emulator/fitbit-web-api/outbound/notification-sender.js';
import type { TestDataSource } from '../../support/databases.js';
import { emulatorOptions } from '../../support/fitbit-fixture.js';
import { fitbitQueueOf, isolatedQueueOptions, pendingJobs } from '../../support/fitbit-queue.js';
import { startFitbitTestApp, type FitbitTestApp } from '../../support/fitbit-test-app.js';

export interface SubscribingApp extends FitbitTestApp {
  queue: Queue;
  updateUrl: string;
}

/** A subscribing app on its own queue, with short delays so a worker drains it in a moment. */
export async function startSubscribingApp(
  emulator: FitbitEmulator,
  dataSource: TestDataSource,
  options: { worker: boolean; label: string; fitbit?: Partial<FitbitModuleOptions> },
): Promise<SubscribingApp> {
  const app = await startFitbitTestApp({
    dataSource,
    fitbit: FitbitModule.forRoot({
      ...emulatorOptions(emulator, {
        subscriberId: 'sub-1',
        verificationCode: 'the-code',
        betweenDelaySeconds: 0,
        historicalInitDelaySeconds: 0,
        queue: isolatedQueueOptions(options.label),
        ...options.fitbit,
      }),
      subscribe: true,
      worker: options.worker,
    }),
  });
  return { ...app, queue: fitbitQueueOf(app.app), updateUrl: `${app.url}/fitbit/update/` };
}

/** Stores a link for a new emulator user as `complete/` would, without the browser walk. */
export async function linkNewUser(
  emulator: FitbitEmulator,
  dataSource: TestDataSource,
  appUserId: string,
  details: Parameters<FitbitEmulator['addUser']>[0] = {},
): Promise<string> {
  const fitbitUser = emulator.addUser(details);
  const tokens = emulator.issueTokens(fitbitUser.id);
  await dataSource.getRepository(UserFitbit).insert({
    userId: appUserId,
    provider: 'fitbit',
    providerUserId: fitbitUser.id,
    legacyUserId: null,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
    scopes: null,
    timeZone: fitbitUser.timezone,
    refreshLockedUntil: null,
    createdAt: Date.now(),
  });
  return fitbitUser.id;
}

/** A notification as Fitbit sends it (the subscription id is the app user id). */
export function notification(ownerId: string, collectionType: string, date: string, subscriptionId = '1'): FitbitNotification {
  return { collectionType, date, ownerId, ownerType: 'user', subscriptionId };
}

/** Waits, bounded, until nothing is waiting, active or delayed and `done` (if given) holds. */
export async function drained(queue: Queue, done: () => Promise<boolean> = async () => true, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts();
    if (counts.waiting + counts.active + counts.delayed === 0 && (await done())) return;
    if (Date.now() > deadline) throw new Error(`queue not drained within ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stored rows as `path date value`, sorted, for one app user (all users when omitted). */
export async function storedRows(dataSource: TestDataSource, appUserId?: string): Promise<string[]> {
  const types = new Map((await dataSource.getRepository(TimeSeriesDataType).find()).map((type) => [type.id, type.path]));
  const where = appUserId === undefined ? '' : `WHERE user_id = ${dataSource.kind === 'postgres' ? '$1' : '?'}`;
  const rows: { user_id: string; type_id: number; date: string; value: string | null }[] = await dataSource.query(
    `SELECT user_id, type_id, date, value FROM fitbit_time_series_data ${where}`,
    appUserId === undefined ? [] : [appUserId],
  );
  return rows.map((row) => `${row.user_id} ${types.get(Number(row.type_id))} ${row.date} ${row.value}`).sort();
}

/** Fitbit time-series requests the emulator saw, as `path` strings (profile and subscription calls left out). */
export function timeSeriesRequests(emulator: FitbitEmulator): string[] {
  return emulator.requests.filter((request) => /\/date\//.test(request.path)).map((request) => request.path);
}

/** Enough of a Bull job for calling a processor method directly. */
export function fakeJob<T>(data: T, overrides: Partial<Job<T>> = {}): Job<T> {
  return {
    id: `fake-${Math.random().toString(36).slice(2)}`,
    name: 'fake',
    data,
    opts: { attempts: 1, removeOnComplete: true, removeOnFail: 1000, delay: 0, timestamp: Date.now() },
    timestamp: Date.now(),
    ...overrides,
  } as unknown as Job<T>;
}

export function timeSeriesJob(data: Omit<TimeSeriesJobData, 'queuedAt'> & { queuedAt?: number }, overrides: Partial<Job> = {}): Job<TimeSeriesJobData> {
  return fakeJob<TimeSeriesJobData>({ queuedAt: Date.now(), ...data }, overrides as Partial<Job<TimeSeriesJobData>>);
}

/** What a child process needs to reach the same PostgreSQL schema. */
export function connectionOf(dataSource: TestDataSource): DataSourceOptions {
  const { type, url, schema, extra } = dataSource.options as DataSourceOptions & { url: string; schema: string; extra: unknown };
  return { type, url, schema, extra } as DataSourceOptions;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A Redis of this test's own, so it can be stopped without touching the shared one. */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.resume();
    return redis;
  }

  async resume(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Every date from `start` to `end`, both included. */
export function datesBetween(start: string, end: string): string[] {
  const dates: string[] = [];
  for (let day = Date.parse(`${start}T00:00:00Z`); day <= Date.parse(`${end}T00:00:00Z`); day += 86_400_000) {
    dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}

/** The rows a complete import must leave, in `storedRows` form. */
export function expectedRows(emulator: FitbitEmulator, fitbitUserId: string, appUserId: string, paths: readonly string[], dates: readonly string[]): string[] {
  return paths.flatMap((path) => dates.map((date) => `${appUserId} ${path} ${date} ${emulator.dailyValue(fitbitUserId, path, date) ?? ''}`)).sort();
}

/**
 * Does what a worker does with the pending `notifications` batch jobs (turn each into its
 * get_time_series_data jobs) and removes them; returns every job then pending, oldest first.
 */
export async function expandBatches(app: SubscribingApp): Promise<Job[]> {
  const producer = app.app.get(FitbitJobsProducer, { strict: false });
  for (const job of await pendingJobs(app.queue)) {
    if (job.name !== NOTIFICATIONS_JOB) continue;
    await producer.expandNotifications(job.data as NotificationsJobData);
    await job.remove();
  }
  return pendingJobs(app.queue);
}
