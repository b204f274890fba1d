import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TimeSeriesData } from '../../lib/data/entities/time-series-data.entity.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { FitbitJobsProcessor } from '../../lib/subscriptions/fitbit-jobs.processor.js';
import { TIME_SERIES_JOB, type TimeSeriesJobData } from '../../lib/subscriptions/fitbit-job.types.js';
import { TIME_SERIES_RESOURCES } from '../../lib/data/time-series-data-types.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { browserFor, connectThroughEmulator, startEmulator } from '../support/fitbit-fixture.js';
import {
  datesBetween,
  drained,
  expectedRows,
  linkNewUser,
  notification,
  startSubscribingApp,
  storedRows,
  timeSeriesRequests,
  type SubscribingApp,
} from './support/subscriptions-fixture.js';

const ACTIVITY_SUBSET = { activities: ['steps', 'distance', 'calories'] };
const SERVED_PATHS = Object.entries(TIME_SERIES_RESOURCES).flatMap(([category, resources]) =>
  resources.filter((resource) => !resource.endsWith('activeScore')).map((resource) => `${category}/${resource}`),
);

describe('a worker in the app process (SQLite, real Redis)', () => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: SubscribingApp;
  let appUserId = 0;

  beforeAll(async () => {
    emulator = await startEmulator({ rateLimitPerHour: 100_000 });
  });
  afterAll(() => emulator.stop());
  afterEach(async () => {
    emulator.faults.clear();
    emulator.clearRequests();
    await app.queue.obliterate({ force: true });
    await app.close();
    await dataSource.destroy();
  });

  async function start(subscriptions?: Record<string, string[]>) {
    dataSource = await createSqliteDataSource();
    app = await startSubscribingApp(emulator, dataSource, { worker: true, label: 'worker', fitbit: { subscriptions } });
  }
  async function newUser(details = {}) {
    appUserId += 1;
    return { appUserId: String(appUserId), fitbitUser: await linkNewUser(emulator, dataSource, String(appUserId), { memberSince: '2024-01-01', ...details }) };
  }

  it.each(['json', 'multipart'] as const)('stores the notified day of every subscribed type (%s body)', async (format) => {
    await start(ACTIVITY_SUBSET);
    const { appUserId, fitbitUser } = await newUser();
    const result = await emulator.sendNotifications(app.updateUrl, [notification(fitbitUser, 'activities', '2024-04-02'), notification(fitbitUser, 'foods', '2024-04-02')], { format });
    expect(result.status).toBe(204);
    const expected = expectedRows(emulator, fitbitUser, appUserId, ['activities/steps', 'activities/distance', 'activities/calories'], ['2024-04-02']);
    await drained(app.queue, async () => (await storedRows(dataSource, appUserId)).length === expected.length);
    expect(await storedRows(dataSource, appUserId)).toEqual(expected);
  });

  it('coalesces identical pending jobs: five notifications for one day cost one fetch per type', async () => {
    await start(ACTIVITY_SUBSET);
    const { appUserId, fitbitUser } = await newUser();
    await app.queue.pause(true, true);
    for (let i = 0; i < 5; i++) {
      expect((await emulator.sendNotifications(app.updateUrl, [notification(fitbitUser, 'activities', '2024-04-03')])).status).toBe(204);
    }
    expect((await emulator.sendNotifications(app.updateUrl, [notification(fitbitUser, 'activities', '2024-04-04')])).status).toBe(204);
    expect(await app.queue.count()).toBe(6); // one batch job per POST
    emulator.clearRequests();
    await app.queue.resume(true);
    await drained(app.queue, async () => (await storedRows(dataSource, appUserId)).length === 6);
    expect(timeSeriesRequests(emulator).sort()).toEqual(
      ['steps', 'distance', 'calories'].flatMap((resource) => ['2024-04-03', '2024-04-04'].map((day) => `/1/user/-/activities/${resource}/date/${day}/${day}.json`)).sort(),
    );
    expect(await storedRows(dataSource, appUserId)).toEqual(
      expectedRows(emulator, fitbitUser, appUserId, ['activities/steps', 'activities/distance', 'activities/calories'], ['2024-04-03', '2024-04-04']),
    );
  });

  it('fetches again for a change that arrives while the same day is being fetched (nothing lost)', async () => {
    await start({ activities: ['steps'] });
    const { fitbitUser } = await newUser();
    emulator.faults.inject({ path: /\/activities\/steps\//, delayMs: 400, times: 1 });
    expect((await emulator.sendNotifications(app.updateUrl, [notification(fitbitUser, 'activities', '2024-04-05')])).status).toBe(204);
    const deadline = Date.now() + 5_000;
    while (timeSeriesRequests(emulator).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    emulator.clearRequests();
    expect((await emulator.sendNotifications(app.updateUrl, [notification(fitbitUser, 'activities', '2024-04-05')])).status).toBe(204);
    await drained(app.queue, async () => timeSeriesRequests(emulator).length > 0);
    expect(timeSeriesRequests(emulator)).toEqual(['/1/user/-/activities/steps/date/2024-04-05/2024-04-05.json']);
  });

  it('429 then success, end to end: the retry runs Retry-After + 1 s later and stores the day', async () => {
    await start({ activities: ['steps'] });
    const { appUserId, fitbitUser } = await newUser();
    emulator.faults.inject({ path: /\/activities\/steps\//, status: 429, headers: { 'retry-after': '0' }, times: 1 });
    const sent = Date.now();
    expect((await emulator.sendNotifications(app.updateUrl, [notification(fitbitUser, 'activities', '2024-04-06')])).status).toBe(204);
    await drained(app.queue, async () => (await storedRows(dataSource, appUserId)).length === 1, 10_000);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(1_000);
    const requests = emulator.requests.filter((request) => request.path.includes('/activities/steps/'));
    expect(requests.map((request) => request.status)).toEqual([429, 200]);
  });

  it('fails an unknown type and a 400 once, not retried, keeping the reason', async () => {
    await start({ activities: ['steps'] });
    const { fitbitUser } = await newUser();
    const base: TimeSeriesJobData = { providerUserId: fitbitUser, category: 'activities', resource: 'bogus', date: '2024-04-07', queuedAt: Date.now() };
    emulator.faults.inject({ path: /\/activities\/steps\//, status: 400, times: 1 });
    await app.queue.addBulk([
      { name: TIME_SERIES_JOB, data: base, opts: { removeOnFail: 100 } },
      { name: TIME_SERIES_JOB, data: { ...base, resource: 'steps' }, opts: { removeOnFail: 100 } },
    ]);
    await drained(app.queue, async () => (await app.queue.getFailedCount()) === 2);
    const failed = (await app.queue.getFailed()).map((job) => [job.data.resource, job.attemptsMade, job.failedReason]);
    expect(failed.sort()).toEqual([
      ['bogus', 1, 'Unknown data type activities/bogus'],
      ['steps', 1, expect.stringContaining('400')],
    ]);
  });

  it('removes a revoked user’s link and subscription without fetching data', async () => {
    await start();
    const { appUserId, fitbitUser } = await newUser();
    await app.app.get(FitbitJobsProcessor).subscribe({ data: { providerUserId: fitbitUser, subscriberId: 'sub-1' } } as never);
    expect(emulator.subscriptionsOf(fitbitUser)).toHaveLength(1);
    emulator.clearRequests();
    const [revocation] = emulator.notificationsFor(fitbitUser, 'userRevokedAccess');
    expect((await emulator.sendNotifications(app.updateUrl, [revocation!])).status).toBe(204);
    expect(await dataSource.getRepository(UserFitbit).countBy({ userId: appUserId })).toBe(0);
    await drained(app.queue, async () => emulator.subscriptionsOf(fitbitUser).length === 0);
    expect(timeSeriesRequests(emulator)).toEqual([]);
  });

  it('imports the whole history of every type Fitbit serves after connecting, in ranges Fitbit accepts', async () => {
    await start();
    const user = emulator.addUser({ memberSince: '2023-01-01' });
    emulator.setConsentUser(user.id);
    await connectThroughEmulator(app, browserFor(900));
    // The subscribe job waits 5 s after connecting; no need to sit through that here.
    await Promise.all((await app.queue.getDelayed()).map((job) => job.promote()));
    const days = datesBetween('2023-01-01', emulator.todayOf(user.id));
    const rows = dataSource.getRepository(TimeSeriesData);
    await drained(app.queue, async () => (await rows.countBy({ userId: '900' })) >= SERVED_PATHS.length * days.length, 30_000);

    const stored = await storedRows(dataSource, '900');
    // Every (type, day) exactly once; the values checked on every 7th day (the emulator's oracle is slow).
    expect(stored.map((row) => row.split(' ').slice(0, 3).join(' '))).toEqual(SERVED_PATHS.flatMap((path) => days.map((day) => `900 ${path} ${day}`)).sort());
    const sampled = days.filter((_, index) => index % 7 === 0 || index === days.length - 1);
    const storedSample = stored.filter((row) => sampled.includes(row.split(' ')[2]!));
    expect(storedSample).toEqual(expectedRows(emulator, user.id, '900', SERVED_PATHS, sampled));
    // More than 1095 days: split into ranges, never `max`.
    expect(days.length).toBeGreaterThan(1095);
    const ranges = timeSeriesRequests(emulator).filter((path) => path.includes('/activities/steps/'));
    expect(ranges).toEqual([
      `/1/user/-/activities/steps/date/2023-01-01/${days[1094]}.json`,
      `/1/user/-/activities/steps/date/${days[1095]}/${days.at(-1)}.json`,
    ]);
    expect(emulator.subscriptionsOf(user.id)).toHaveLength(1);
  }, 45_000);
});
