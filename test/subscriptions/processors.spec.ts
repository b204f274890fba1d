import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '@nestjs/common';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { Withdrawals } from '../../lib/auth/withdrawals.service.js';
import { PendingRevocation } from '../../lib/data/entities/pending-revocation.entity.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { FITBIT_PROVIDER as FITBIT_PROVIDER_TOKEN } from '../../lib/fitbit.constants.js';
import type { FitbitProvider } from '../../lib/providers/fitbit-provider.interface.js';
import { ProviderRateLimitError, ProviderServerError } from '../../lib/providers/provider-errors.js';
import { TIME_SERIES_JOB, type SubscribeJobData, type UnsubscribeJobData } from '../../lib/subscriptions/fitbit-job.types.js';
import { FitbitJobsProcessor } from '../../lib/subscriptions/fitbit-jobs.processor.js';
import { RedisJobLock } from '../../lib/subscriptions/redis-job-lock.js';
import { MAX_RETRIES, retryDelayMs } from '../../lib/subscriptions/retry-policy.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { daysBetween } from '../../lib/data/calendar.js';
import { startEmulator } from '../support/fitbit-fixture.js';
import { pendingJobs } from '../support/fitbit-queue.js';
import { fakeJob, linkNewUser, startSubscribingApp, storedRows, timeSeriesJob, timeSeriesRequests, type SubscribingApp } from './support/subscriptions-fixture.js';

const fitbitError = (errorType: string) => ({ errors: [{ errorType, message: errorType }], success: false });

/**
 * The processors called directly with a stand-in Bull job. The worker of this app is paused, so
 * the jobs they re-queue stay in Redis for the test to read.
 */
describe('job processors (called directly)', () => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: SubscribingApp;
  let processor: FitbitJobsProcessor;
  let lock: RedisJobLock;
  let fitbitUser: string;
  let appUserId = 0;
  const date = '2024-05-10';

  beforeAll(async () => {
    emulator = await startEmulator({ rateLimitPerHour: 100_000 });
    dataSource = await createSqliteDataSource();
    app = await startSubscribingApp(emulator, dataSource, { worker: true, label: 'processors' });
    await app.queue.pause(true, true);
    processor = app.app.get(FitbitJobsProcessor);
    lock = new RedisJobLock(app.queue.client, app.queue.toKey('fitbit'));
  });
  afterAll(async () => {
    await app.queue.obliterate({ force: true });
    await app.close();
    await dataSource.destroy();
    await emulator.stop();
  });
  beforeEach(async () => {
    appUserId += 1;
    fitbitUser = await linkNewUser(emulator, dataSource, String(appUserId), { memberSince: '2024-01-01', hasAltimeter: appUserId % 2 === 0 });
    emulator.clearRequests();
  });
  afterEach(async () => {
    emulator.faults.clear();
    vi.restoreAllMocks();
    await app.queue.empty();
    await app.queue.clean(0, 'delayed');
  });

  const job = (resource: string, category: 'activities' | 'foods' | 'sleep' | 'body' = 'activities', extra = {}) =>
    timeSeriesJob({ providerUserId: fitbitUser, category, resource, date, ...extra });
  const valueOf = (path: string) => emulator.dailyValue(fitbitUser, path, date) ?? '';

  describe('get_time_series_data', () => {
    it('fetches base_date=end_date=date and stores that day', async () => {
      expect(await processor.timeSeries(job('steps'))).toBe('stored');
      expect(timeSeriesRequests(emulator)).toEqual([`/1/user/-/activities/steps/date/${date}/${date}.json`]);
      expect(await storedRows(dataSource, String(appUserId))).toEqual([`${appUserId} activities/steps ${date} ${valueOf('activities/steps')}`]);
    });

    it('imports the whole history when the job has no date', async () => {
      expect(await processor.timeSeries(job('log/water', 'foods', { date: null }))).toBe('stored');
      const rows = await storedRows(dataSource, String(appUserId));
      expect(rows.length).toBeGreaterThan(100);
      expect(rows[0]).toBe(`${appUserId} foods/log/water 2024-01-01 ${emulator.dailyValue(fitbitUser, 'foods/log/water', '2024-01-01') ?? ''}`);
    });

    it('fetches nothing when the lock is already held, and hands the change to the holder (django: lock held)', async () => {
      const name = `${fitbitUser}:activities/steps:${date}`;
      expect(await lock.acquire(name, 'another-job', 60_000, Date.now())).toBe('acquired');
      const queuedAt = Date.now();
      expect(await processor.timeSeries(job('steps', 'activities', { queuedAt }))).toBe('locked');
      expect(emulator.requests).toEqual([]);
      expect(await storedRows(dataSource, String(appUserId))).toEqual([]);
      // The holder learns of the change when it lets go; the processor then queues one follow-up.
      expect(await lock.release(name, 'another-job')).toBe(queuedAt);
    });

    it('queues one follow-up fetch when a change arrived while it held the lock', async () => {
      const name = `${fitbitUser}:activities/distance:${date}`;
      const holder = job('distance', 'activities', { queuedAt: Date.now() - 1000 });
      const release = vi.spyOn(lock, 'release');
      // The change arrives while the holder fetches: hand it over from inside the fetch.
      emulator.faults.inject({ path: /\/activities\/distance\//, delayMs: 300, times: 1 });
      const late = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return processor.timeSeries(job('distance', 'activities', { queuedAt: Date.now() }));
      })();
      const [first, second] = await Promise.all([processor.timeSeries(holder), late]);
      expect([first, second]).toEqual(['stored', 'locked']);
      release.mockRestore();
      const followUps = await pendingJobs(app.queue);
      expect(followUps.map((queued) => [queued.name, queued.data.resource, queued.opts.delay])).toEqual([[TIME_SERIES_JOB, 'distance', 0]]);
      expect(await processor.timeSeries(fakeJob(followUps[0]!.data))).toBe('stored');
      expect(timeSeriesRequests(emulator)).toHaveLength(2);
      expect(await lock.lastFetchStarted(name)).toBeGreaterThan(followUps[0]!.data.queuedAt!);
    });

    it('skips the fetch of a change already covered by a completed fetch that started after it (coalescing)', async () => {
      const before = Date.now() - 10;
      expect(await processor.timeSeries(job('calories', 'activities', { queuedAt: before }))).toBe('stored');
      expect(await processor.timeSeries(job('calories', 'activities', { queuedAt: before }))).toBe('coalesced');
      expect(timeSeriesRequests(emulator)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await processor.timeSeries(job('calories', 'activities', { queuedAt: Date.now() }))).toBe('stored');
      expect(timeSeriesRequests(emulator)).toHaveLength(2);
    });

    it('on 429 queues a retry after Retry-After + 1 s exactly for attempt 0 (django: retry delay)', async () => {
      emulator.faults.inject({ path: /\/activities\/steps\//, status: 429, headers: { 'retry-after': '7' }, times: 1 });
      expect(await processor.timeSeries(job('steps'))).toBe('retry-scheduled');
      const [retry, ...others] = await pendingJobs(app.queue);
      expect(others).toEqual([]);
      expect(retry!.opts.delay).toBe(8_000);
      expect(retry!.data).toMatchObject({ providerUserId: fitbitUser, resource: 'steps', date, attempt: 1 });
      expect(await storedRows(dataSource, String(appUserId))).toEqual([]);
    });

    it('429 then success: the retry stores the day (django: 429 then success)', async () => {
      emulator.faults.inject({ path: /\/activities\/steps\//, status: 429, headers: { 'retry-after': '0' }, times: 1 });
      const original = job('steps');
      expect(await processor.timeSeries(original)).toBe('retry-scheduled');
      const [retry] = await pendingJobs(app.queue);
      // The retry keeps the change's queuedAt: it is not mistaken for an already covered change.
      expect(retry!.data.queuedAt).toBe(original.data.queuedAt);
      expect(await processor.timeSeries(fakeJob(retry!.data))).toBe('stored');
      expect(await storedRows(dataSource, String(appUserId))).toEqual([`${appUserId} activities/steps ${date} ${valueOf('activities/steps')}`]);
    });

    it('backs off as Retry-After + uniform(2,4)^attempt and gives up after MAX_RETRIES', async () => {
      const limited = new ProviderRateLimitError('slow down', 30);
      expect(retryDelayMs(limited, 0, () => 0.99)).toBe(31_000);
      expect(retryDelayMs(limited, 1, () => 0)).toBe(32_000);
      expect(retryDelayMs(limited, 1, () => 1)).toBe(34_000);
      expect(retryDelayMs(limited, 3, () => 0.5)).toBe(57_000);
      processor.random = () => 0.5;
      try {
        emulator.faults.inject({ path: /\/activities\/steps\//, status: 429, headers: { 'retry-after': '2' }, times: 1 });
        expect(await processor.timeSeries(job('steps', 'activities', { attempt: 2 }))).toBe('retry-scheduled');
        expect((await pendingJobs(app.queue)).map((queued) => [queued.opts.delay, queued.data.attempt])).toEqual([[11_000, 3]]);
      } finally {
        processor.random = Math.random;
      }
      emulator.faults.inject({ path: /\/activities\/steps\//, status: 429, times: 1 });
      await expect(processor.timeSeries(job('steps', 'activities', { attempt: MAX_RETRIES }))).rejects.toBeInstanceOf(ProviderRateLimitError);
    });

    it('[beyond django-fitbit] retries 5xx and timeouts with the same back-off instead of failing at once', async () => {
      emulator.faults.inject({ path: /\/activities\/steps\//, status: 503, times: 1 });
      expect(await processor.timeSeries(job('steps'))).toBe('retry-scheduled');
      const [retry] = await pendingJobs(app.queue);
      expect(retry!.opts.delay).toBe(1_000);
      expect(await processor.timeSeries(fakeJob(retry!.data))).toBe('stored');
      emulator.faults.inject({ path: /\/activities\/steps\//, status: 500, times: 1 });
      await expect(processor.timeSeries(job('steps', 'activities', { attempt: MAX_RETRIES }))).rejects.toBeInstanceOf(ProviderServerError);
    });

    it('resumes a history import where a failure stopped it, with a fresh retry budget once it made progress', async () => {
      const longMember = await linkNewUser(emulator, dataSource, `${appUserId}-long`, { memberSince: '2021-06-01' });
      emulator.clearRequests();
      emulator.faults.inject({ path: /\/activities\/steps\/date\/2024-/, status: 503, times: 1 });
      const history = timeSeriesJob({ providerUserId: longMember, category: 'activities', resource: 'steps', date: null, attempt: 3 });
      expect(await processor.timeSeries(history)).toBe('retry-scheduled');
      const [retry] = await pendingJobs(app.queue);
      expect(retry!.data).toMatchObject({ resumeFrom: expect.stringMatching(/^2024-/), attempt: 1 });
      const firstChunk = timeSeriesRequests(emulator)[0]!;
      const storedBefore = (await storedRows(dataSource, `${appUserId}-long`)).length;
      expect(storedBefore).toBe(1095);
      emulator.clearRequests();
      expect(await processor.timeSeries(fakeJob(retry!.data))).toBe('stored');
      expect(timeSeriesRequests(emulator)).not.toContain(firstChunk);
      expect(timeSeriesRequests(emulator).every((path) => !path.includes('/2021-06-01/'))).toBe(true);
      const today = emulator.todayOf(longMember);
      expect((await storedRows(dataSource, `${appUserId}-long`)).length).toBe(daysBetween('2021-06-01', today) + 1);
    });

    it.each(['floors', 'elevation', 'tracker/floors', 'tracker/elevation'])(
      'treats 400 on %s as done with nothing stored (no altimeter) (django: 400 on floors/elevation)',
      async (resource) => {
        if (appUserId % 2 === 0) emulator.faults.inject({ path: /\/activities\//, status: 400, body: fitbitError('validation'), times: 1 });
        expect(await processor.timeSeries(job(resource))).toBe('no-device');
        expect(await storedRows(dataSource, String(appUserId))).toEqual([]);
        expect(await pendingJobs(app.queue)).toEqual([]);
      },
    );

    it('fails without retry on 400 for steps (django: 400 vs steps)', async () => {
      emulator.faults.inject({ path: /\/activities\/steps\//, status: 400, body: fitbitError('validation'), times: 1 });
      await expect(processor.timeSeries(job('steps'))).rejects.toMatchObject({ status: 400 });
      expect(await pendingJobs(app.queue)).toEqual([]);
      expect(await storedRows(dataSource, String(appUserId))).toEqual([]);
    });

    it('fails an unknown type without calling Fitbit (django: unknown resource)', async () => {
      await expect(processor.timeSeries(job('bogus'))).rejects.toThrow('Unknown data type activities/bogus');
      await expect(processor.timeSeries(job('steps', 'nonsense' as 'activities'))).rejects.toThrow('Unknown data type nonsense/steps');
      expect(emulator.requests).toEqual([]);
    });

    it('never asks Fitbit for the retired activeScore types', async () => {
      expect(await processor.timeSeries(job('activeScore'))).toBe('unsupported');
      expect(await processor.timeSeries(job('tracker/activeScore'))).toBe('unsupported');
      expect(emulator.requests).toEqual([]);
    });

    it('logs a failed job with its reason', async () => {
      const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      processor.logFailure(fakeJob({ providerUserId: fitbitUser, category: 'activities', resource: 'bogus', date }, { name: TIME_SERIES_JOB }), new Error('Unknown data type activities/bogus'));
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('Unknown data type activities/bogus'));
      expect(warn.mock.calls[0]![0]).toContain(fitbitUser);
    });
  });

  describe('subscribe', () => {
    it('creates the subscription at Fitbit under the app user id with the subscriber id (django: subscribe success)', async () => {
      const result = await processor.subscribe(fakeJob<SubscribeJobData>({ providerUserId: fitbitUser, subscriberId: 'sub-1' }));
      expect(result).toBe(1);
      expect(emulator.subscriptionsOf(fitbitUser)).toEqual([
        { collectionType: 'user', ownerId: fitbitUser, ownerType: 'user', subscriberId: 'sub-1', subscriptionId: String(appUserId) },
      ]);
    });

    it('fails when Fitbit refuses (django: subscribe failure)', async () => {
      emulator.faults.inject({ method: 'POST', path: /apiSubscriptions/, status: 409, body: fitbitError('conflict'), times: 1 });
      await expect(processor.subscribe(fakeJob<SubscribeJobData>({ providerUserId: fitbitUser, subscriberId: 'sub-1' }))).rejects.toMatchObject({ status: 409 });
      expect(emulator.subscriptionsOf(fitbitUser)).toEqual([]);
    });
  });

  describe('unsubscribe', () => {
    /** As logout/ (revoke) or a revoked-access notification (no revoke) does: the pending row first, then the link goes. */
    const withdraw = async (steps = { unsubscribe: true, revoke: false }): Promise<UnsubscribeJobData> => {
      const link = await dataSource.getRepository(UserFitbit).findOneByOrFail({ userId: String(appUserId) });
      const row = await app.app.get(Withdrawals).begin(link, steps);
      return { revocationId: row.id };
    };
    const pendingRows = () => dataSource.getRepository(PendingRevocation).countBy({ userId: String(appUserId) });

    it('deletes the Fitbit user’s subscriptions with the sealed copy of the removed link’s tokens (django: unsubscribe success)', async () => {
      await processor.subscribe(fakeJob<SubscribeJobData>({ providerUserId: fitbitUser, subscriberId: 'sub-1' }));
      const data = await withdraw();
      expect(await dataSource.getRepository(UserFitbit).countBy({ userId: String(appUserId) })).toBe(0);
      expect(data).toEqual({ revocationId: expect.any(Number) });
      expect(await processor.unsubscribe(fakeJob(data))).toBe('done');
      expect(emulator.subscriptionsOf(fitbitUser)).toEqual([]);
      expect(await pendingRows()).toBe(0);
    });

    it('refreshes an expired token before unsubscribing, without writing to the removed link (django: logout with expired token)', async () => {
      await processor.subscribe(fakeJob<SubscribeJobData>({ providerUserId: fitbitUser, subscriberId: 'sub-1' }));
      await dataSource.getRepository(UserFitbit).update({ userId: String(appUserId) }, { expiresAt: Date.now() - 1000 });
      emulator.expireAccessTokens(fitbitUser);
      const data = await withdraw();
      expect(await processor.unsubscribe(fakeJob(data))).toBe('done');
      expect(emulator.stats.refreshCalls(fitbitUser)).toBe(1);
      expect(emulator.subscriptionsOf(fitbitUser)).toEqual([]);
      expect(await dataSource.getRepository(UserFitbit).countBy({ userId: String(appUserId) })).toBe(0);
    });

    it('revokes the grant after unsubscribing when the user disconnected (logout with subscriptions)', async () => {
      await processor.subscribe(fakeJob<SubscribeJobData>({ providerUserId: fitbitUser, subscriberId: 'sub-1' }));
      const data = await withdraw({ unsubscribe: true, revoke: true });
      await processor.unsubscribe(fakeJob(data));
      const revoke = emulator.requests.findIndex((request) => request.path === '/oauth2/revoke');
      const deletion = emulator.requests.findIndex((request) => request.method === 'DELETE' && /apiSubscriptions/.test(request.path));
      expect(deletion).toBeGreaterThanOrEqual(0);
      expect(revoke).toBeGreaterThan(deletion);
      expect(emulator.requests[revoke]!.status).toBe(200);
    });

    it('keeps the withdrawal and queues its retry within a minute when Fitbit fails (django: unsubscribe failure, which lost it)', async () => {
      await processor.subscribe(fakeJob<SubscribeJobData>({ providerUserId: fitbitUser, subscriberId: 'sub-1' }));
      emulator.faults.inject({ method: 'GET', path: /apiSubscriptions/, status: 500, times: 1 });
      const data = await withdraw();
      expect(await processor.unsubscribe(fakeJob(data))).toBe('retry');
      expect(emulator.subscriptionsOf(fitbitUser)).toHaveLength(1);
      expect(await pendingRows()).toBe(1);
      const [retry] = await pendingJobs(app.queue);
      expect(retry!.data).toEqual({ revocationId: data.revocationId, queuedAt: expect.any(Number) });
      expect(retry!.opts.delay).toBeGreaterThan(0);
      expect(retry!.opts.delay).toBeLessThan(60_000);
    });

    it('ends the withdrawal when Fitbit says the grant is gone already', async () => {
      await processor.subscribe(fakeJob<SubscribeJobData>({ providerUserId: fitbitUser, subscriberId: 'sub-1' }));
      const link = await dataSource.getRepository(UserFitbit).findOneByOrFail({ userId: String(appUserId) });
      await app.app.get<FitbitProvider>(FITBIT_PROVIDER_TOKEN).revokeToken(app.app.get(UserLinkStore).accessToken(link));
      const data = await withdraw();
      expect(await processor.unsubscribe(fakeJob(data))).toBe('done');
      expect(await pendingRows()).toBe(0);
      expect(await pendingJobs(app.queue)).toEqual([]);
    });
  });
});
