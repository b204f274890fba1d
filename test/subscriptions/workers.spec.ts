import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays, splitRange } from '../../lib/data/calendar.js';
import { TimeSeriesData } from '../../lib/data/entities/time-series-data.entity.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { TIME_SERIES_TYPES, timeSeriesPath } from '../../lib/data/time-series-data-types.js';
import { FITBIT_PROVIDER } from '../../lib/fitbit.constants.js';
import type { FitbitProvider } from '../../lib/providers/fitbit-provider.interface.js';
import { FitbitJobsProcessor } from '../../lib/subscriptions/fitbit-jobs.processor.js';
import { TIME_SERIES_JOB, type TimeSeriesJobData } from '../../lib/subscriptions/fitbit-job.types.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { browserFor, connectThroughEmulator, PROVIDERS, startEmulator, type ProviderName } from '../support/fitbit-fixture.js';
import {
  datesBetween,
  drained,
  expectedRows,
  hasPoint,
  linkNewUser,
  NOTIFICATION_DELIVERIES,
  pendingCount,
  startSubscribingApp,
  storedRows,
  subscriptionFacts,
  withinRounding,
  type SubscribingApp,
} from './support/subscriptions-fixture.js';

const ACTIVITY_SUBSET = { activities: ['steps', 'distance', 'calories'] };
const ACTIVITY_PATHS = ['activities/steps', 'activities/distance', 'activities/calories'];

/**
 * The history the import test connects with. Fitbit: more than 1095 days, so it takes two ranges, each
 * exactly as long as Fitbit accepts (Fitbit tells memberSince). Google: ranges are 90 days, so a few months
 * take several; it has no memberSince and walks back in 90-day probes of steps first, so the steps calls
 * hold more than the import's ranges.
 */
const HISTORY: Record<ProviderName, { memberSince: (today: string) => string; rangeDays: number; onlyImportRanges: boolean }> = {
  fitbit: { memberSince: () => '2023-01-01', rangeDays: 1095, onlyImportRanges: true },
  'google-health': { memberSince: (today) => addDays(today, -199), rangeDays: 90, onlyImportRanges: false },
};

describe.each(PROVIDERS)('a worker in the app process (SQLite, real Redis), %s', (provider) => {
  let emulator: FitbitEmulator;
  let facts: ReturnType<typeof subscriptionFacts>;
  let dataSource: TestDataSource;
  let app: SubscribingApp;
  let appUserId = 0;

  beforeAll(async () => {
    emulator = await startEmulator({ provider, rateLimitPerHour: 100_000, rateLimitPerMinute: 100_000 });
    facts = subscriptionFacts(emulator);
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
    app = await startSubscribingApp(emulator, dataSource, { worker: true, label: `worker-${provider}`, fitbit: { subscriptions, ...facts.appOptions } });
  }
  async function newUser(details = {}) {
    appUserId += 1;
    return { appUserId: String(appUserId), fitbitUser: await linkNewUser(emulator, dataSource, String(appUserId), { memberSince: '2024-01-01', ...details }) };
  }
  const requestsOf = (path: string) => emulator.requests.filter((request) => facts.seriesPattern(path).test(request.path));

  it.each(NOTIFICATION_DELIVERIES[provider])('stores the notified day of every subscribed type (%s)', async (delivery) => {
    await start(ACTIVITY_SUBSET);
    const { appUserId, fitbitUser } = await newUser();
    // Food is not subscribed: its notification is ignored.
    const statuses = await facts.notifyChange(app.updateUrl, fitbitUser, [...ACTIVITY_PATHS, 'foods/log/water'], '2024-04-02', delivery);
    expect(new Set(statuses)).toEqual(new Set([204]));
    const expected = expectedRows(emulator, fitbitUser, appUserId, ACTIVITY_PATHS, ['2024-04-02']);
    await drained(app.queue, async () => (await storedRows(dataSource, appUserId)).length === expected.length);
    expect(withinRounding(await storedRows(dataSource, appUserId), expected)).toEqual(expected);
  });

  it('coalesces identical pending jobs: five notifications for one day cost one fetch per type', async () => {
    await start(ACTIVITY_SUBSET);
    const { appUserId, fitbitUser } = await newUser();
    // Paused in Redis rather than locally: a local pause that does not wait for the active jobs reconnects
    // Bull's blocking client, which left unhandled "Connection is closed." errors with the google-health app.
    await app.queue.pause();
    let requests = 0;
    for (let i = 0; i < 5; i++) {
      const statuses = await facts.notifyChange(app.updateUrl, fitbitUser, ACTIVITY_PATHS, '2024-04-03');
      expect(new Set(statuses)).toEqual(new Set([204]));
      requests += statuses.length;
    }
    requests += (await facts.notifyChange(app.updateUrl, fitbitUser, ACTIVITY_PATHS, '2024-04-04')).length;
    expect(await pendingCount(app.queue)).toBe(requests); // one batch job per POST
    emulator.clearRequests();
    await app.queue.resume();
    await drained(app.queue, async () => (await storedRows(dataSource, appUserId)).length === 6);
    expect(facts.seriesCalls().sort()).toEqual(ACTIVITY_PATHS.flatMap((path) => ['2024-04-03', '2024-04-04'].map((day) => facts.seriesCall(path, day))).sort());
    const expected = expectedRows(emulator, fitbitUser, appUserId, ACTIVITY_PATHS, ['2024-04-03', '2024-04-04']);
    expect(withinRounding(await storedRows(dataSource, appUserId), expected)).toEqual(expected);
  });

  it('fetches again for a change that arrives while the same day is being fetched (nothing lost)', async () => {
    await start({ activities: ['steps'] });
    const { fitbitUser } = await newUser();
    emulator.faults.inject({ path: facts.seriesPattern('activities/steps'), delayMs: 400, times: 1 });
    expect(await facts.notifyChange(app.updateUrl, fitbitUser, ['activities/steps'], '2024-04-05')).toEqual([204]);
    const deadline = Date.now() + 5_000;
    while (facts.seriesCalls().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    emulator.clearRequests();
    expect(await facts.notifyChange(app.updateUrl, fitbitUser, ['activities/steps'], '2024-04-05')).toEqual([204]);
    await drained(app.queue, async () => facts.seriesCalls().length > 0);
    expect(facts.seriesCalls()).toEqual([facts.seriesCall('activities/steps', '2024-04-05')]);
  });

  it('429 then success, end to end: the retry runs Retry-After + 1 s later and stores the day', async () => {
    await start({ activities: ['steps'] });
    const { appUserId, fitbitUser } = await newUser();
    emulator.faults.inject({ path: facts.seriesPattern('activities/steps'), status: 429, headers: { 'retry-after': '0' }, times: 1 });
    const sent = Date.now();
    expect(await facts.notifyChange(app.updateUrl, fitbitUser, ['activities/steps'], '2024-04-06')).toEqual([204]);
    await drained(app.queue, async () => (await storedRows(dataSource, appUserId)).length === 1, 10_000);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(1_000);
    expect(requestsOf('activities/steps').map((request) => request.status)).toEqual([429, 200]);
  });

  it('fails an unknown type and a 400 once, not retried, keeping the reason', async () => {
    await start({ activities: ['steps'] });
    const { fitbitUser } = await newUser();
    const base: TimeSeriesJobData = { providerUserId: facts.providerUserIdOf(fitbitUser), category: 'activities', resource: 'bogus', date: '2024-04-07', queuedAt: Date.now() };
    emulator.faults.inject({ path: facts.seriesPattern('activities/steps'), status: 400, times: 1 });
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

  // Google sends no notification when a user removes the app's access; its refresh answering
  // invalid_grant is what ends a link there (test/data, test/commands).
  if (provider === 'fitbit') {
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
      expect(facts.seriesCalls()).toEqual([]);
    });
  }

  it('imports the whole history of every type the provider serves after connecting, in ranges it accepts', async () => {
    await start();
    const history = HISTORY[provider];
    const served = app.app.get<symbol, FitbitProvider>(FITBIT_PROVIDER, { strict: false });
    const servedPaths = TIME_SERIES_TYPES.filter((type) => served.supportsType(type)).map(timeSeriesPath);
    const zone = 'America/Los_Angeles';
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(emulator.clock.now());
    const user = emulator.addUser({ timezone: zone, memberSince: history.memberSince(today) });
    emulator.setConsentUser(user.id);
    await connectThroughEmulator(app, browserFor(900));
    // The subscribe job waits 5 s after connecting; no need to sit through that here.
    await Promise.all((await app.queue.getDelayed()).filter((job) => !job.opts.repeat).map((job) => job.promote()));
    const days = datesBetween(user.memberSince, emulator.todayOf(user.id));
    const present = hasPoint(emulator);
    const keys = servedPaths.flatMap((path) => days.filter((day) => present(user.id, path, day)).map((day) => `900 ${path} ${day}`)).sort();
    const rows = dataSource.getRepository(TimeSeriesData);
    await drained(app.queue, async () => (await rows.countBy({ userId: '900' })) >= keys.length, 30_000);

    const stored = await storedRows(dataSource, '900');
    // Every (type, day) the provider holds exactly once; the values checked on every 7th day (the emulator's oracle is slow).
    expect(stored.map((row) => row.split(' ').slice(0, 3).join(' '))).toEqual(keys);
    const sampled = days.filter((_, index) => index % 7 === 0 || index === days.length - 1);
    const storedSample = stored.filter((row) => sampled.includes(row.split(' ')[2]!));
    const expectedSample = expectedRows(emulator, user.id, '900', servedPaths, sampled);
    expect(withinRounding(storedSample, expectedSample)).toEqual(expectedSample);
    // Longer than one range: split into ranges the provider accepts, never `max`.
    expect(days.length).toBeGreaterThan(history.rangeDays);
    const steps = facts.seriesCallsOf('activities/steps');
    const ranges = splitRange(days[0]!, days.at(-1)!, history.rangeDays).map(({ start, end }) => facts.seriesCall('activities/steps', start, end));
    if (history.onlyImportRanges) expect(steps).toEqual(ranges);
    else expect(steps).toEqual(expect.arrayContaining(ranges));
    for (const call of steps) expect(facts.daysOf(call)).toBeLessThanOrEqual(history.rangeDays);
    expect(facts.subscriptionCount(user.id)).toBe(1);
  }, 45_000);
});
