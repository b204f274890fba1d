/**
 * The multi-process set-up of the reliability tests (fitbit-faults, worker-crash, redis-outage) and
 * the scale bench:
 * the emulator in this process (real time, so its request log carries wall-clock times), a fresh
 * PostgreSQL schema, an isolated Bull prefix on the shared Redis, app processes that connect users
 * through the real OAuth walk (which queues their history jobs), and worker processes, all running
 * the module compiled (processes-compiled.ts). Plus what the
 * tests read back: the rows, the duplicates, the retries the workers logged, the 429s and what came
 * after them, and the workers' peak memory.
 */
import { readFileSync } from 'node:fs';
import Bull, { type Queue, type QueueOptions } from 'bull';
import type { FitbitModuleOptions } from '../../../lib/config/fitbit-module-options.interface.js';
import { addDays } from '../../../lib/data/calendar.js';
import { UserFitbit } from '../../../lib/data/entities/user-fitbit.entity.js';
import { FITBIT_QUEUE } from '../../../lib/fitbit.constants.js';
import { POLL_JOB } from '../../../lib/subscriptions/fitbit-job.types.js';
import type { EmulatorUser, FitbitEmulator, LoggedRequest } from '../../../lib/testing/index.js';
import { startStrictEmulator } from '../../support/strict-emulators.js';
import type { AppProcess } from '../../support/app-processes.js';
import { createPostgresDataSource, type TestDataSource } from '../../support/databases.js';
import {
  browserFor,
  CLIENT_ID,
  CLIENT_SECRET,
  connectThroughEmulator,
  emulatorOptions,
  PROJECT_NUMBER,
  WEBHOOK_AUTHORIZATION,
  type ProviderName,
} from '../../support/fitbit-fixture.js';
import { isolatedQueueOptions } from '../../support/fitbit-queue.js';
import type { FitbitTestApp } from '../../support/fitbit-test-app.js';
import { datesBetween } from '../../subscriptions/support/subscriptions-fixture.js';
import { connectionOf } from './cluster.js';
import { compileProcessBuild, startCompiledProcess } from './processes-compiled.js';

/** The history types the import tests subscribe to: one per category, each read from its own upstream path on both providers. */
export const IMPORT_TYPES: Record<string, string[]> = { activities: ['steps', 'distance'], body: ['weight'], foods: ['log/water'] };
export const IMPORT_PATHS = Object.entries(IMPORT_TYPES).flatMap(([category, resources]) => resources.map((resource) => `${category}/${resource}`));

/** The emulator's data endpoints (not OAuth, profile or subscriptions): where the fault tests inject their faults. */
export const DATA_PATHS: Record<ProviderName, RegExp> = { fitbit: /\/date\//, 'google-health': /\/dataPoints/ };

/** Bull settings that find a killed worker's job stalled within a couple of seconds. */
export const SHORT_LOCKS = { lockDuration: 2_000, lockRenewTime: 500, stalledInterval: 1_000 };

export interface ImportCluster {
  provider: ProviderName;
  emulator: FitbitEmulator;
  dataSource: TestDataSource;
  /** An inspection handle on the processes' queue (this process never processes a job). */
  queue: Queue;
  apps: AppProcess[];
  workers: AppProcess[];
  /** The module options every process runs with. */
  fitbit: FitbitModuleOptions;
  startWorker(): Promise<AppProcess>;
  close(): Promise<void>;
}

export interface ImportClusterSetup {
  provider: ProviderName;
  label: string;
  apps?: number;
  workers?: number;
  /** Per user and hour (fitbit) / minute (google-health); generous unless given. */
  rateLimitPerHour?: number;
  rateLimitPerMinute?: number;
  fitbit?: Partial<FitbitModuleOptions>;
  queueSettings?: QueueOptions['settings'];
  /** A Redis of the test's own instead of the shared one. */
  redis?: { host: string; port: number };
  /** Workers log at the `log` level too (the per-type import lines). */
  workerLog?: boolean;
}

/** Starts the emulator, the schema, `apps` app processes (subscribe on, worker off) and `workers` worker processes. */
export async function startImportCluster(setup: ImportClusterSetup): Promise<ImportCluster> {
  const emulator = await startStrictEmulator({
    mode: setup.provider,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    projectNumber: PROJECT_NUMBER,
    webhookAuthorization: WEBHOOK_AUTHORIZATION,
    rateLimitPerHour: setup.rateLimitPerHour ?? 1_000_000,
    rateLimitPerMinute: setup.rateLimitPerMinute ?? 1_000_000,
    realTime: true,
  });
  const dataSource = await createPostgresDataSource();
  const queueOptions = {
    ...isolatedQueueOptions(setup.label),
    ...(setup.redis ? { redis: setup.redis } : {}),
    ...(setup.queueSettings ? { settings: setup.queueSettings } : {}),
  };
  const fitbit = emulatorOptions(emulator, {
    subscriberId: 'sub-1',
    verificationCode: 'the-code',
    historicalInitDelaySeconds: 0,
    betweenDelaySeconds: 0,
    subscriptions: IMPORT_TYPES,
    queue: queueOptions,
    ...setup.fitbit,
  });
  const database = connectionOf(dataSource);
  const queue = new Bull(FITBIT_QUEUE, queueOptions);
  const build = compileProcessBuild();
  const logLevels = setup.workerLog ? (['error', 'warn', 'log'] as const) : undefined;
  const startWorker = () => startCompiledProcess(build, { database, fitbit, subscribe: true, worker: true, http: false, ...(logLevels ? { logLevels: [...logLevels] } : {}) });
  const started: AppProcess[] = [];
  const track = async (starting: Promise<AppProcess>) => {
    const process = await starting;
    started.push(process);
    return process;
  };
  const close = async () => {
    await Promise.all(started.map((process) => process.kill('SIGKILL')));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
    await dataSource.destroy();
    await emulator.stop();
    build.remove();
  };
  try {
    const [apps, workers] = await Promise.all([
      Promise.all(Array.from({ length: setup.apps ?? 2 }, () => track(startCompiledProcess(build, { database, fitbit, subscribe: true, worker: false })))),
      Promise.all(Array.from({ length: setup.workers ?? 2 }, () => track(startWorker()))),
    ]);
    return { provider: setup.provider, emulator, dataSource, queue, apps, workers, fitbit, startWorker: () => track(startWorker()), close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface ConnectedUser {
  appUserId: string;
  user: EmulatorUser;
  /** The access token stored for the link (linkUsers only): which user a logged request was made for. */
  accessToken?: string;
}

/** The emulator's local date `days - 1` days before today, so the user's history is `days` days long. */
export function memberSinceFor(emulator: FitbitEmulator, days: number, timezone = 'UTC'): string {
  const today = new Date(emulator.clock.now()).toLocaleDateString('en-CA', { timeZone: timezone });
  return addDays(today, 1 - days);
}

/**
 * Connects `count` new emulator users through the real walk (login → consent → complete), taking
 * turns over the app processes: each `complete/` stores the link and queues the user's subscribe
 * and history jobs, exactly as in production.
 */
export async function connectUsers(cluster: ImportCluster, count: number, options: { historyDays: number; firstAppUserId: number }): Promise<ConnectedUser[]> {
  const connected: ConnectedUser[] = [];
  const memberSince = memberSinceFor(cluster.emulator, options.historyDays);
  for (let index = 0; index < count; index++) {
    const user = cluster.emulator.addUser({ memberSince, timezone: 'UTC' });
    cluster.emulator.setConsentUser(user.id);
    const appUserId = options.firstAppUserId + index;
    const app = cluster.apps[index % cluster.apps.length]!;
    const landed = await connectThroughEmulator({ url: app.url! } as FitbitTestApp, browserFor(appUserId));
    if (landed.includes('/fitbit/error')) throw new Error(`connecting user ${appUserId} ended on ${landed}`);
    connected.push({ appUserId: String(appUserId), user });
  }
  const links = await cluster.dataSource.getRepository(UserFitbit).count();
  if (links < count) throw new Error(`only ${links} of ${count} links stored`);
  return connected;
}

/**
 * Stores links for `count` new emulator users as `complete/` would, without the walk (so without
 * history jobs: their only rows are the ones notifications bring).
 */
export async function linkUsers(cluster: ImportCluster, count: number, options: { historyDays: number; firstAppUserId: number }): Promise<ConnectedUser[]> {
  const memberSince = memberSinceFor(cluster.emulator, options.historyDays);
  const users: ConnectedUser[] = Array.from({ length: count }, (_, index) => {
    const user = cluster.emulator.addUser({ memberSince, timezone: 'UTC' });
    return { appUserId: String(options.firstAppUserId + index), user, accessToken: '' };
  });
  const google = cluster.provider === 'google-health';
  await cluster.dataSource.getRepository(UserFitbit).insert(
    users.map((connected) => {
      const { appUserId, user } = connected;
      const tokens = cluster.emulator.issueTokens(user.id);
      connected.accessToken = tokens.accessToken;
      return {
        userId: appUserId,
        provider: cluster.provider,
        providerUserId: google ? user.healthUserId : user.id,
        legacyUserId: google ? user.id : null,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresAt,
        scopes: null,
        timeZone: user.timezone,
        refreshLockedUntil: null,
        createdAt: Date.now(),
      };
    }),
  );
  return users;
}

/**
 * The rows a complete import leaves, as `appUserId path date` → value, from the emulator's own
 * data. Fitbit serves an entry for every day since memberSince; Google only days with data.
 */
export function expectedRows(cluster: ImportCluster, users: readonly ConnectedUser[]): Map<string, string> {
  const rows = new Map<string, string>();
  for (const { appUserId, user } of users) {
    for (const date of datesBetween(user.memberSince, cluster.emulator.todayOf(user.id))) {
      for (const path of IMPORT_PATHS) {
        const value = cluster.emulator.dailyValue(user.id, path, date);
        if (value === null && cluster.provider === 'google-health') continue;
        rows.set(`${appUserId} ${path} ${date}`, value ?? '');
      }
    }
  }
  return rows;
}

/** Every stored row as `appUserId path date` → value; a key stored twice shows up in `duplicates`. */
export async function storedRows(dataSource: TestDataSource): Promise<{ rows: Map<string, string>; duplicates: string[] }> {
  const result: { user_id: string; category: number; resource: string; date: string; value: string | null }[] = await dataSource.query(
    `SELECT d.user_id, t.category, t.resource, d.date, d.value
       FROM fitbit_time_series_data d JOIN fitbit_time_series_data_type t ON t.id = d.type_id`,
  );
  const categories = ['foods', 'activities', 'sleep', 'body'];
  const rows = new Map<string, string>();
  const duplicates: string[] = [];
  for (const row of result) {
    const key = `${row.user_id} ${categories[Number(row.category)]}/${row.resource} ${row.date}`;
    if (rows.has(key)) duplicates.push(key);
    rows.set(key, row.value ?? '');
  }
  return { rows, duplicates };
}

export async function storedRowCount(dataSource: TestDataSource): Promise<number> {
  return Number((await dataSource.query('SELECT COUNT(*) AS n FROM fitbit_time_series_data'))[0].n);
}

/**
 * Expected rows that are missing or hold another value. Google's values pass through unit
 * conversions, so they are compared as numbers to two decimals, the way get_data's tests do.
 */
export function rowDifferences(expected: Map<string, string>, stored: Map<string, string>): string[] {
  const differences: string[] = [];
  for (const [key, value] of expected) {
    const got = stored.get(key);
    if (got === undefined) differences.push(`${key}: missing`);
    else if (got !== value && !(value !== '' && Math.abs(Number(got) - Number(value)) < 0.005)) differences.push(`${key}: ${got} instead of ${value}`);
  }
  for (const key of stored.keys()) if (!expected.has(key)) differences.push(`${key}: not expected`);
  return differences;
}

/** Jobs still to run: waiting, active or delayed, leaving out the repeating poll (google-health schedules it at start). */
export async function unfinishedJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts();
  const delayed = counts.delayed === 0 ? [] : await queue.getDelayed();
  // getJobCounts reports `paused` too, though bull's types leave it out.
  const paused = (counts as typeof counts & { paused?: number }).paused ?? 0;
  // A delayed job can be promoted between the two calls: Bull then hands back null for it.
  return counts.waiting + counts.active + paused + delayed.filter((job) => job !== null && job.name !== POLL_JOB).length;
}

/** Waits, bounded, until no job is left to run and `done` holds; fails early when a worker died. */
export async function settled(cluster: ImportCluster, done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await unfinishedJobs(cluster.queue)) === 0 && (await done())) return;
    for (const worker of cluster.workers) {
      if (worker.child.exitCode !== null) throw new Error(`a worker exited (${worker.child.exitCode}):\n${worker.output().slice(-3000)}`);
    }
    if (Date.now() > deadline) {
      const counts = await cluster.queue.getJobCounts();
      throw new Error(`not settled within ${timeoutMs} ms: ${JSON.stringify(counts)}, ${await storedRowCount(cluster.dataSource)} rows`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The active jobs by the worker holding them: Bull locks a job it runs with its queue's token, one
 * per worker process, so two distinct tokens mean both workers are in the middle of a job.
 */
export async function activeJobsByWorker(queue: Queue): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  // A job may finish between the listing and the fetch: Bull then gives null.
  for (const job of (await queue.getActive()).filter(Boolean)) {
    const token = await queue.client.get(job.lockKey());
    if (token) owners.set(token, (owners.get(token) ?? 0) + 1);
  }
  return owners;
}

/** The retries the workers scheduled, read from their log lines (`…; retry N in M ms`). */
export function retriesLogged(workers: readonly AppProcess[]): { count: number; highestAttempt: number } {
  const attempts = workers.flatMap((worker) => [...worker.output().matchAll(/; retry (\d+) in \d+ ms/g)].map((match) => Number(match[1])));
  return { count: attempts.length, highestAttempt: Math.max(0, ...attempts) };
}

/**
 * Each data request the emulator answered with 429, paired with the next request for the same
 * user (access token), method, path, query and body: how long after the 429 it came (null when
 * none came). `exclude`: paths several jobs of one user request alike, where "the next request"
 * need not be the retry of the one refused.
 */
export function afterRateLimits(requests: readonly LoggedRequest[], exclude: RegExp | null): { path: string; waitedMs: number | null }[] {
  const keyOf = (request: LoggedRequest) => `${request.headers.authorization} ${request.method} ${request.path} ${JSON.stringify(request.query)} ${request.body}`;
  const ordered = [...requests].sort((a, b) => a.at - b.at);
  return ordered.flatMap((request, index) => {
    if (request.status !== 429 || (exclude && exclude.test(request.path))) return [];
    const key = keyOf(request);
    const next = ordered.slice(index + 1).find((later) => keyOf(later) === key);
    return [{ path: request.path, waitedMs: next ? next.at - request.at : null }];
  });
}

/** The peak resident set (VmHWM) of a live process, in MiB. */
export function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** 12,345 */
export const formatCount = (value: number) => value.toLocaleString('en-US');
