import type { ChildProcess } from 'node:child_process';
import type { LoggerService } from '@nestjs/common';
import { createServer } from 'node:net';
import type { Job, Queue } from 'bull';
import type { DataSourceOptions } from 'typeorm';
import type { FitbitModuleOptions } from '../../../lib/config/fitbit-module-options.interface.js';
import { addDays, daysBetween } from '../../../lib/data/calendar.js';
import { TimeSeriesDataType } from '../../../lib/data/entities/time-series-data-type.entity.js';
import { TimeSeriesData } from '../../../lib/data/entities/time-series-data.entity.js';
import { UserFitbit } from '../../../lib/data/entities/user-fitbit.entity.js';
import { FitbitModule } from '../../../lib/fitbit.module.js';
import { GOOGLE_TYPE_MAPPINGS } from '../../../lib/providers/google-health/google-health-data-types.js';
import { NOTIFICATIONS_JOB, type NotificationsJobData, type TimeSeriesJobData } from '../../../lib/subscriptions/fitbit-job.types.js';
import { FitbitJobsProducer } from '../../../lib/subscriptions/fitbit-jobs.producer.js';
import type { FitbitEmulator } from '../../../lib/testing/index.js';
import type { FitbitNotification } from '../../../lib/testing/emulator/fitbit-web-api/outbound/notification-sender.js';
import type { TestDataSource } from '../../support/databases.js';
import { emulatorOptions, providerFacts, type ProviderName } from '../../support/fitbit-fixture.js';
import { fitbitQueueOf, isolatedQueueOptions, pendingJobs } from '../../support/fitbit-queue.js';
import { startFitbitTestApp, type FitbitTestApp } from '../../support/fitbit-test-app.js';
import { spawnRedisServer } from '../../support/redis-server.js';

export interface SubscribingApp extends FitbitTestApp {
  queue: Queue;
  updateUrl: string;
}

/** A subscribing app on its own queue, with short delays so a worker drains it in a moment. */
export async function startSubscribingApp(
  emulator: FitbitEmulator,
  dataSource: TestDataSource,
  options: { worker: boolean; label: string; fitbit?: Partial<FitbitModuleOptions>; logger?: LoggerService },
): Promise<SubscribingApp> {
  const app = await startFitbitTestApp({
    dataSource,
    logger: options.logger,
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

/**
 * Stores a link for a new emulator user as `complete/` would with the emulator's provider, without the
 * browser walk. Returns the emulator user's id (with Fitbit also the link's providerUserId; with
 * google-health that is the user's healthUserId: see `subscriptionFacts(emulator).providerUserIdOf`).
 */
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
    provider: emulator.modeName,
    providerUserId: providerFacts(emulator).providerUserIdOf(fitbitUser),
    legacyUserId: emulator.modeName === 'google-health' ? fitbitUser.id : null,
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

/**
 * Waits, bounded, until nothing is waiting, active or delayed and `done` (if given) holds. The next run
 * of a repeating job (google-health's poll) is delayed for good, so it does not count.
 */
export async function drained(queue: Queue, done: () => Promise<boolean> = async () => true, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts();
    const delayed = counts.delayed === 0 ? 0 : (await queue.getDelayed()).filter((job) => !job.opts.repeat).length;
    if (counts.waiting + counts.active + delayed === 0 && (await done())) return;
    if (Date.now() > deadline) throw new Error(`queue not drained within ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Jobs waiting (or paused) and delayed, as `queue.count()`, leaving out the next run of a repeating job (google-health's poll). */
export async function pendingCount(queue: Queue): Promise<number> {
  const repeating = (await queue.getDelayed()).filter((job) => job.opts.repeat).length;
  return (await queue.count()) - repeating;
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
    this.child = await spawnRedisServer(['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
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

/**
 * The rows a complete import must leave, in `storedRows` form. With google-health only the (type, day)s
 * Google has a point for (`hasPoint`), with the legacy value it derives from: compare them through
 * `withinRounding`.
 */
export function expectedRows(emulator: FitbitEmulator, fitbitUserId: string, appUserId: string, paths: readonly string[], dates: readonly string[]): string[] {
  const present = hasPoint(emulator);
  return paths
    .flatMap((path) => dates.filter((date) => present(fitbitUserId, path, date)).map((date) => `${appUserId} ${path} ${date} ${emulator.dailyValue(fitbitUserId, path, date) ?? ''}`))
    .sort();
}

/**
 * Whether the provider holds a value for the type on that day. The legacy series has an entry for every
 * day of the history ("" or "0" on a night without sleep); Google has no sleep point for such a night.
 */
export function hasPoint(emulator: FitbitEmulator): (fitbitUserId: string, path: string, date: string) => boolean {
  if (emulator.modeName !== 'google-health') return () => true;
  return (fitbitUserId, path, date) => {
    if (path.startsWith('sleep/')) return Boolean(emulator.dailyValue(fitbitUserId, 'sleep/startTime', date));
    const value = emulator.dailyValue(fitbitUserId, path, date);
    return value !== null && value !== '';
  };
}

/**
 * `actual` (`storedRows` form) with each numeric value that is within rounding of the `expected` row at the same
 * place replaced by the expected text, so `expect(withinRounding(actual, expected)).toEqual(expected)` shows only
 * real differences. Google's numbers are converted back to legacy units (a distance may differ in its last digit);
 * its BMI is computed from weight and height with two decimals where the legacy one has one.
 */
export function withinRounding(actual: readonly string[], expected: readonly string[]): string[] {
  const split = (row: string) => {
    const parts = row.split(' ');
    return { key: parts.slice(0, 3).join(' '), path: parts[1] ?? '', value: parts.slice(3).join(' ') };
  };
  return actual.map((row, index) => {
    if (expected[index] === undefined) return row;
    const got = split(row);
    const want = split(expected[index]);
    if (got.key !== want.key || got.value === '' || want.value === '') return row;
    const tolerance = got.path.endsWith('bmi') ? 0.1 : 0.001;
    return Math.abs(Number(got.value) - Number(want.value)) <= tolerance ? expected[index] : row;
  });
}

/** The `delivery` values worth trying with `subscriptionFacts(emulator).notifyChange`: Fitbit's body formats, Google's (one) signed JSON. */
export const NOTIFICATION_DELIVERIES: Record<ProviderName, readonly string[]> = {
  fitbit: ['json', 'multipart'],
  // Both signature headers are checked at the endpoint in test/google-health; one is enough end to end.
  'google-health': ['X-HEALTHAPI-SIGNATURE'],
};

const googleWearables = (path: string) => (GOOGLE_TYPE_MAPPINGS.get(path)?.tracker ? ' wearables' : '');
const civilDateOf = (value: { date?: { year: number; month: number; day: number } } | undefined) =>
  value?.date ? `${value.date.year}-${String(value.date.month).padStart(2, '0')}-${String(value.date.day).padStart(2, '0')}` : '?';

/**
 * What differs between the providers for the subscription tests: how a change is notified, how the
 * series calls look at the emulator, where a subscription shows.
 */
export function subscriptionFacts(emulator: FitbitEmulator) {
  const google = emulator.modeName === 'google-health';
  const { providerUserIdOf } = providerFacts(emulator);
  /** Fitbit: the seed path; Google: the data type (`total-calories`), ` wearables` for the tracker family. */
  const seriesLabel = (path: string) => (google ? `${GOOGLE_TYPE_MAPPINGS.get(path)?.dataType ?? path}${googleWearables(path)}` : path);

  return {
    /** The id the provider knows the emulator user by (Fitbit's encodedId, Google's healthUserId). */
    providerUserIdOf: (fitbitUserId: string) => providerUserIdOf(emulator.user(fitbitUserId)),

    /** Matches the emulator paths of series calls for one type, for faults and for filtering `emulator.requests`. */
    seriesPattern(path: string): RegExp {
      if (!google) return new RegExp(`^/1/user/-/${path.replaceAll('/', '\\/')}/date/`);
      return new RegExp(`^/v4/users/me/dataTypes/${GOOGLE_TYPE_MAPPINGS.get(path)?.dataType ?? path}/dataPoints`);
    },

    /** A series call as `seriesCalls` lists it: `<type> <first day>..<last day>`. */
    seriesCall: (path: string, start: string, end: string = start) => `${seriesLabel(path)} ${start}..${end}`,

    /** The `seriesCalls` entries of one type (Google: of its data type and family). */
    seriesCallsOf(path: string): string[] {
      return this.seriesCalls().filter((call) => call.slice(0, call.lastIndexOf(' ')) === seriesLabel(path));
    },

    /** The series calls the emulator saw, in order, as `<type> <first day>..<last day>` (identity, profile and height calls left out). */
    seriesCalls(): string[] {
      if (!google) {
        return emulator.requests.flatMap((request) => {
          const match = /^\/1\/user\/-\/(.+)\/date\/([^/]+)\/([^/]+)\.json$/.exec(request.path);
          return match ? [`${match[1]} ${match[2]}..${match[3]}`] : [];
        });
      }
      return emulator.requests.flatMap((request) => {
        const match = /^\/v4\/users\/me\/dataTypes\/([^/]+)\/dataPoints(:dailyRollUp)?$/.exec(request.path);
        if (!match) return [];
        if (match[2]) {
          const body = JSON.parse(request.body || '{}') as { range?: { start?: never; end?: never }; dataSourceFamily?: string };
          return [`${match[1]}${body.dataSourceFamily ? ' wearables' : ''} ${civilDateOf(body.range?.start)}..${addDays(civilDateOf(body.range?.end), -1)}`];
        }
        const bounds = [...(request.query.filter ?? '').matchAll(/"(\d{4}-\d{2}-\d{2})"/g)].map((found) => found[1]!);
        return bounds.length === 2 ? [`${match[1]} ${bounds[0]}..${addDays(bounds[1]!, -1)}`] : [];
      });
    },

    /** How many days a `seriesCalls` entry covers. */
    daysOf: (call: string) => {
      const [start, end] = call.slice(call.lastIndexOf(' ') + 1).split('..') as [string, string];
      return daysBetween(start, end) + 1;
    },

    /**
     * Tells the app that the user's data of `paths` changed on `date`, as the provider would: Fitbit one
     * request with a notification per collection (category); Google one signed request per data type.
     * `delivery` is Fitbit's body format or Google's signature header. Returns each request's status.
     */
    async notifyChange(url: string, fitbitUserId: string, paths: readonly string[], date: string, delivery?: string): Promise<number[]> {
      if (!google) {
        const categories = [...new Set(paths.map((path) => path.split('/')[0]!))];
        const notifications = categories.map((category) => notification(fitbitUserId, category, date));
        return [(await emulator.sendNotifications(url, notifications, delivery ? { format: delivery as 'json' | 'multipart' } : undefined)).status];
      }
      const dataTypes = [...new Set(paths.map((path) => GOOGLE_TYPE_MAPPINGS.get(path)!.dataType))];
      const statuses: number[] = [];
      for (const dataType of dataTypes) {
        const notice = emulator.googleNotification(fitbitUserId, dataType, { startDate: date });
        const options = delivery ? { signatureHeader: delivery as 'X-HEALTHAPI-SIGNATURE' | 'GOOGLE-HEALTH-API-SIGNATURE' } : undefined;
        statuses.push((await emulator.sendGoogleNotification(url, notice, options)).status);
      }
      return statuses;
    },

    /** The provider's subscriptions for the user (Google: the MANUAL project-level ones). */
    subscriptionCount(fitbitUserId: string): number {
      if (!google) return emulator.subscriptionsOf(fitbitUserId).length;
      const user = `users/${providerUserIdOf(emulator.user(fitbitUserId))}`;
      return emulator.manualSubscriptions().filter((subscription) => subscription.user === user).length;
    },

    /** Module options a subscribing app needs on top of `startSubscribingApp`'s (Google: MANUAL subscriptions, so they show). */
    appOptions: (google ? { googleHealth: { subscriptionCreatePolicy: 'MANUAL', projectAccessToken: 'project-token' } } : {}) as Partial<FitbitModuleOptions>,
  };
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
