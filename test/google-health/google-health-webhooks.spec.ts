import type { Queue } from 'bull';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { TimeSeriesDataStore } from '../../lib/data/time-series-data.store.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { NOTIFICATIONS_JOB, POLL_JOB, TIME_SERIES_JOB, type NotificationsJobData } from '../../lib/subscriptions/fitbit-job.types.js';
import { FitbitJobsProducer } from '../../lib/subscriptions/fitbit-jobs.producer.js';
import { TimeSeriesPoller } from '../../lib/subscriptions/time-series-poller.js';
import { TimeSeriesImporter } from '../../lib/subscriptions/time-series-importer.service.js';
import { addDays } from '../../lib/data/calendar.js';
import type { FitbitEmulator, WebhookKeySpec } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { emulatorOptions, startEmulator, WEBHOOK_AUTHORIZATION } from '../support/fitbit-fixture.js';
import { fitbitQueueOf, isolatedQueueOptions, pendingJobs } from '../support/fitbit-queue.js';
import { startFitbitTestApp, type FitbitTestApp } from '../support/fitbit-test-app.js';

/** Stores a google-health link for the emulator user, as complete/ would (placeholder tokens unless given). */
function linkGoogleUser(
  app: FitbitTestApp,
  userId: string,
  user: { id: string; healthUserId?: string },
  tokens?: { accessToken: string; refreshToken: string; expiresAt: number },
  timeZone = 'UTC',
) {
  return app.app.get(UserLinkStore).save({
    userId,
    provider: 'google-health',
    providerUserId: user.healthUserId!,
    legacyUserId: user.id,
    timeZone,
    tokens: { ...(tokens ?? { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3_600_000 }), scopes: [] },
  });
}

describe('Google Health webhooks at update/ (subscriptions on)', () => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;
  let queue: Queue;
  let updateUrl: string;

  beforeAll(async () => {
    emulator = await startEmulator({ provider: 'google-health' });
  });
  afterAll(() => emulator.stop());
  beforeEach(async () => {
    dataSource = await createSqliteDataSource();
    app = await startFitbitTestApp({
      dataSource,
      fitbit: FitbitModule.forRoot({
        ...emulatorOptions(emulator, {
          subscriberId: 'subscriber-1',
          queue: isolatedQueueOptions('google-hooks'),
          betweenDelaySeconds: 0,
          subscriptions: { activities: ['steps', 'tracker/steps', 'distance', 'minutesLightlyActive'], body: ['weight', 'bmi'] },
        }),
        subscribe: true,
        worker: false,
      }),
    });
    queue = fitbitQueueOf(app.app);
    updateUrl = `${app.url}/fitbit/update/`;
  });
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await app.close();
    await dataSource.destroy();
  });

  /** The fetch jobs queued so far, after a worker's expansion of the endpoint's batch jobs. */
  const queuedFetches = async () => {
    const producer = app.app.get(FitbitJobsProducer);
    for (const job of await pendingJobs(queue)) {
      if (job.name !== NOTIFICATIONS_JOB) continue;
      await producer.expandNotifications(job.data as NotificationsJobData);
      await job.remove();
    }
    return (await pendingJobs(queue)).filter((job) => job.name === TIME_SERIES_JOB).map((job) => `${job.data.category}/${job.data.resource}@${job.data.date}`);
  };

  it('answers the verification POSTs: 201 with our Authorization, 401 without', async () => {
    expect(await emulator.verifyGoogleSubscriber(updateUrl, WEBHOOK_AUTHORIZATION)).toEqual({ withAuthorization: 201, withoutAuthorization: 401, verified: true });
    expect((await emulator.verifyGoogleSubscriber(updateUrl, 'Bearer wrong')).withAuthorization).toBe(401);
  });

  it.each(['X-HEALTHAPI-SIGNATURE', 'GOOGLE-HEALTH-API-SIGNATURE'] as const)(
    'queues the affected days of the affected subscribed types for a notice signed in %s',
    async (signatureHeader) => {
      const user = emulator.addUser();
      const notice = emulator.googleNotification(user.id, 'steps', { startDate: '2026-03-01', endDate: '2026-03-03' });
      expect((await emulator.sendGoogleNotification(updateUrl, notice, { signatureHeader })).status).toBe(204);
      expect((await queuedFetches()).sort()).toEqual(
        ['activities/steps@2026-03-01', 'activities/steps@2026-03-02', 'activities/tracker/steps@2026-03-01', 'activities/tracker/steps@2026-03-02'].sort(),
      );
      const job = (await pendingJobs(queue)).find((queued) => queued.name === TIME_SERIES_JOB)!;
      expect(job.data.providerUserId).toBe(user.healthUserId);
    },
  );

  it.each([
    ['a bad signature', { signature: 'invalid' as const }],
    ['no signature', { signature: 'none' as const }],
    ['no Authorization', { authorization: null }],
    ['a wrong Authorization', { authorization: 'Bearer forged' }],
  ])('answers 404 and queues nothing for %s', async (_name, delivery) => {
    const notice = emulator.googleNotification(emulator.addUser().id, 'steps', { startDate: '2026-03-01' });
    expect((await emulator.sendGoogleNotification(updateUrl, notice, delivery)).status).toBe(404);
    expect(await pendingJobs(queue)).toEqual([]);
  });

  it('fetches the keyset again for a rotated key, and refuses a key it never published', async () => {
    const user = emulator.addUser();
    const notice = emulator.googleNotification(user.id, 'weight', { startDate: '2026-03-01' });
    expect((await emulator.sendGoogleNotification(updateUrl, notice)).status).toBe(204);
    const keysetFetches = () => emulator.requests.filter((request) => request.path.endsWith('webhooks_public_keyset.json')).length;
    const before = keysetFetches();
    emulator.rotateWebhookKey();
    expect((await emulator.sendGoogleNotification(updateUrl, notice)).status).toBe(204);
    expect(keysetFetches()).toBe(before + 1);
    expect((await emulator.sendGoogleNotification(updateUrl, notice, { signature: 'unknown-key' })).status).toBe(404);
  });

  it.each<[string, WebhookKeySpec]>([
    ['ECDSA P-256 with IEEE P1363 signatures', { encoding: 'IEEE_P1363' }],
    ['ECDSA P-384 SHA-384', { algorithm: 'ECDSA_P384' }],
    ['the LEGACY output prefix', { outputPrefix: 'LEGACY' }],
    ['the RAW output prefix', { outputPrefix: 'RAW' }],
    ['Ed25519', { algorithm: 'ED25519' }],
  ])('accepts notices signed with %s, as the keyset says', async (_name, spec) => {
    emulator.rotateWebhookKey(spec);
    const notice = emulator.googleNotification(emulator.addUser().id, 'steps', { startDate: '2026-03-01' });
    expect((await emulator.sendGoogleNotification(updateUrl, notice)).status).toBe(204);
    expect((await emulator.sendGoogleNotification(updateUrl, notice, { signature: 'invalid' })).status).toBe(404);
  });

  it('takes a JSON array of notices', async () => {
    const [first, second] = [emulator.addUser(), emulator.addUser()];
    const notices = [
      emulator.googleNotification(first.id, 'steps', { startDate: '2026-03-01' }),
      emulator.googleNotification(second.id, 'weight', { startDate: '2026-03-04' }),
    ];
    expect((await emulator.sendGoogleNotification(updateUrl, notices)).status).toBe(204);
    expect((await queuedFetches()).sort()).toEqual(['activities/steps@2026-03-01', 'activities/tracker/steps@2026-03-01', 'body/bmi@2026-03-04', 'body/weight@2026-03-04'].sort());
  });

  it('dates an interval with only physical times in the user\'s zone, and one with only a start by that day', async () => {
    const user = emulator.addUser({ timezone: 'Pacific/Auckland' });
    await linkGoogleUser(app, '31', user, undefined, 'Pacific/Auckland');
    const notice = (intervals: object[]) => ({ data: { healthUserId: user.healthUserId, dataType: 'weight', operation: 'UPSERT', intervals } });
    // 20:00 UTC on 1 March is 09:00 on 2 March in Auckland (UTC+13).
    expect((await emulator.sendGoogleNotification(updateUrl, notice([{ physicalTimeInterval: { startTime: '2026-03-01T20:00:00Z', endTime: '2026-03-01T21:00:00Z' } }]))).status).toBe(204);
    expect((await emulator.sendGoogleNotification(updateUrl, notice([{ civilIso8601TimeInterval: { startTime: '2026-03-05T08:00:00' } }]))).status).toBe(204);
    expect((await queuedFetches()).sort()).toEqual(['body/bmi@2026-03-02', 'body/bmi@2026-03-05', 'body/weight@2026-03-02', 'body/weight@2026-03-05'].sort());
  });

});

describe('Google Health with a worker: DELETE notices and polling', () => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;
  let queue: Queue;

  beforeAll(async () => {
    emulator = await startEmulator({ provider: 'google-health' });
    dataSource = await createSqliteDataSource();
    app = await startFitbitTestApp({
      dataSource,
      fitbit: FitbitModule.forRoot({
        ...emulatorOptions(emulator, {
          subscriberId: 'subscriber-1',
          queue: isolatedQueueOptions('google-poll'),
          betweenDelaySeconds: 0,
          subscriptions: { activities: ['steps', 'minutesLightlyActive', 'activityCalories'], body: ['weight'] },
          // The subscriber covers steps and weight only: active minutes are polled like the types without webhooks.
          googleHealth: { pollIntervalMinutes: 30, webhookDataTypes: ['steps', 'weight'] },
        }),
        subscribe: true,
        worker: true,
      }),
    });
    queue = fitbitQueueOf(app.app);
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await app.close();
    await dataSource.destroy();
    await emulator.stop();
  });

  it('removes the stored rows of the days a DELETE names, in the worker, and fetches nothing', async () => {
    const user = emulator.addUser();
    const store = app.app.get(TimeSeriesDataStore);
    await linkGoogleUser(app, '9', user);
    const weight = { category: 'body' as const, resource: 'weight' };
    await store.upsert('9', weight, ['2026-03-01', '2026-03-02', '2026-03-03'].map((dateTime) => ({ dateTime, value: '70' })));
    emulator.clearRequests();
    const notice = emulator.googleNotification(user.id, 'weight', { startDate: '2026-03-01', endDate: '2026-03-03', operation: 'DELETE' });
    expect((await emulator.sendGoogleNotification(`${app.url}/fitbit/update/`, notice)).status).toBe(204);
    const remaining = async () => (await store.read('9', weight, null, '2026-12-31')).map((row) => row.dateTime);
    const deadline = Date.now() + 10_000;
    while ((await remaining()).length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await remaining()).toEqual(['2026-03-03']);
    expect(emulator.requests.filter((request) => request.path.includes('/dataTypes/'))).toEqual([]);
  });

  it('finds where a user’s history starts once per connect, not once per type (shared in Redis), from the profile\'s membershipStartDate', async () => {
    // Today in the user's zone (UTC), or the history is a day longer or shorter for a few hours a day.
    const memberSince = addDays(emulator.todayOf(emulator.addUser({ timezone: 'UTC' }).id), -200);
    const user = emulator.addUser({ timezone: 'UTC', memberSince });
    const tokens = emulator.issueTokens(user.id);
    await linkGoogleUser(app, '21', user, tokens);
    emulator.clearRequests();
    const importer = app.app.get(TimeSeriesImporter);
    for (const resource of ['steps', 'minutesLightlyActive', 'activityCalories']) {
      expect(await importer.import(user.healthUserId!, { category: 'activities', resource }, null)).toBe(201);
    }
    expect(emulator.requests.filter((request) => request.path === '/v4/users/me/profile')).toHaveLength(1);
    // No probing backwards: steps is read in three 90-day chunks from memberSince, nothing earlier.
    const steps = emulator.requests.filter((request) => request.path.includes('/steps/'));
    expect(steps.map((request) => JSON.parse(request.body).range.start.date)).toEqual([0, 90, 180].map((days) => {
      const [year, month, day] = addDays(memberSince, days).split('-').map(Number);
      return { year, month, day };
    }));
  });

  it('schedules one repeating poll for the whole queue', async () => {
    const repeatable = await queue.getRepeatableJobs();
    expect(repeatable.filter((job) => job.name === POLL_JOB).map((job) => Number(job.every))).toEqual([30 * 60_000]);
  });

  it('fetches yesterday and today of the subscribed polled types (no webhooks, or not in the subscriber\'s config) for each linked user, and nothing else', async () => {
    const user = emulator.addUser({ timezone: 'UTC' });
    const tokens = emulator.issueTokens(user.id);
    await linkGoogleUser(app, '3', user, tokens);
    emulator.clearRequests();
    const linked = (await app.app.get(UserLinkStore).findAll()).length;
    expect(await app.app.get(TimeSeriesPoller).poll()).toBe(linked);
    const store = app.app.get(TimeSeriesDataStore);
    const today = emulator.todayOf(user.id);
    const minutes = { category: 'activities' as const, resource: 'minutesLightlyActive' };
    const deadline = Date.now() + 10_000;
    while ((await store.read('3', minutes, null, today)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const rows = await store.read('3', minutes, null, today);
    expect(rows.map((row) => row.dateTime)).toHaveLength(2);
    expect(rows.at(-1)).toEqual({ dateTime: today, value: emulator.dailyValue(user.id, 'activities/minutesLightlyActive', today) });
    const calories = { category: 'activities' as const, resource: 'activityCalories' };
    while ((await store.read('3', calories, null, today)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await store.read('3', calories, null, today)).map((row) => row.dateTime)).toEqual([addDays(today, -1), today]);
    expect(emulator.requests.some((request) => request.path.includes('/steps/'))).toBe(false);
  });
});
