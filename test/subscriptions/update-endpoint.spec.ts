import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FitbitConfigurationError } from '../../lib/config/fitbit-configuration.error.js';
import { TimeSeriesData } from '../../lib/data/entities/time-series-data.entity.js';
import { PendingRevocation } from '../../lib/data/entities/pending-revocation.entity.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { FitbitJobsProducer } from '../../lib/subscriptions/fitbit-jobs.producer.js';
import { QueueUnavailableError } from '../../lib/subscriptions/queue-unavailable.error.js';
import { NOTIFICATIONS_JOB, TIME_SERIES_JOB, UNSUBSCRIBE_JOB } from '../../lib/subscriptions/fitbit-job.types.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { TIME_SERIES_RESOURCES } from '../../lib/data/time-series-data-types.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { CLIENT_SECRET, emulatorOptions, startEmulator } from '../support/fitbit-fixture.js';
import { fitbitQueueOf, isolatedQueueOptions, pendingJobs } from '../support/fitbit-queue.js';
import { startFitbitTestApp } from '../support/fitbit-test-app.js';
import { expandBatches, linkNewUser, notification, PrivateRedis, startSubscribingApp, type SubscribingApp } from './support/subscriptions-fixture.js';

const sign = (body: string, secret = CLIENT_SECRET) => createHmac('sha1', `${secret}&`).update(body).digest('base64');

/** POSTs a body signed the way Fitbit signs it. */
function postSigned(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-fitbit-signature': sign(body), ...headers } });
}

/** The get_time_series_data jobs a worker makes of what the endpoint queued, as `path date +delay`. */
const summary = async (app: SubscribingApp) =>
  (await expandBatches(app)).map((job) => `${job.data.category}/${job.data.resource} ${job.data.date} +${job.opts.delay}`);

describe('update/: Fitbit’s subscriber endpoint (no worker: jobs stay queued)', () => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: SubscribingApp | undefined;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.stop());
  afterEach(async () => {
    vi.restoreAllMocks();
    await app?.queue.obliterate({ force: true });
    await app?.close();
    await dataSource?.destroy();
    app = undefined;
  });

  async function start(fitbit: Parameters<typeof startSubscribingApp>[2]['fitbit'] = {}): Promise<SubscribingApp> {
    dataSource = await createSqliteDataSource();
    const started = await startSubscribingApp(emulator, dataSource, { worker: false, label: 'update', fitbit: { betweenDelaySeconds: 5, ...fitbit } });
    app = started;
    return started;
  }

  describe('verification (GET ?verify=)', () => {
    it('answers 204 to the configured code and 404 to a wrong one, as Fitbit’s verifier expects', async () => {
      await start();
      expect(await emulator.verifySubscriber(app!.updateUrl, 'the-code')).toEqual({ correctStatus: 204, incorrectStatus: 404, verified: true });
    });

    it('answers 404 without a code, and to any code when none is configured', async () => {
      const withCode = await start();
      expect((await fetch(withCode.updateUrl)).status).toBe(404);
      await withCode.queue.obliterate({ force: true });
      await withCode.close();
      await dataSource.destroy();
      const withoutCode = await start({ verificationCode: undefined });
      expect((await fetch(`${withoutCode.updateUrl}?verify=the-code`)).status).toBe(404);
      expect((await fetch(`${withoutCode.updateUrl}?verify=`)).status).toBe(404);
    });

    it('answers 404 to other methods', async () => {
      await start();
      for (const method of ['PUT', 'DELETE', 'PATCH']) {
        expect((await fetch(`${app!.updateUrl}?verify=the-code`, { method })).status, method).toBe(404);
      }
    });
  });

  describe('notifications (POST)', () => {
    it('queues one job per type of the category for that date, i × betweenDelay apart, from a raw JSON body (django: subscription update)', async () => {
      await start();
      const result = await emulator.sendNotifications(app!.updateUrl, [notification('ABC123', 'activities', '2024-03-01')]);
      expect(result.status).toBe(204);
      // The endpoint queues the batch as one job; a worker turns it into the fetch jobs.
      const [batch, ...others] = await pendingJobs(app!.queue);
      expect(others).toEqual([]);
      expect(batch!.name).toBe(NOTIFICATIONS_JOB);
      expect(batch!.data).toEqual({ updates: [{ providerUserId: 'ABC123', category: 'activities', resources: null, date: '2024-03-01' }], queuedAt: expect.any(Number) });
      const jobs = await expandBatches(app!);
      expect(jobs.map((job) => job.name)).toEqual(Array(TIME_SERIES_RESOURCES.activities.length).fill(TIME_SERIES_JOB));
      expect(jobs.map((job) => `${job.data.category}/${job.data.resource} ${job.data.date} +${job.opts.delay}`)).toEqual(
        TIME_SERIES_RESOURCES.activities.map((resource, i) => `activities/${resource} 2024-03-01 +${i * 5000}`),
      );
      expect(jobs[0]!.data).toMatchObject({ providerUserId: 'ABC123', date: '2024-03-01', queuedAt: batch!.data.queuedAt });
      expect(jobs.every((job) => job.opts.attempts === 1)).toBe(true);
    });

    it('takes the same batch as a multipart file field `updates` (django: subscription update file)', async () => {
      await start({ subscriptions: { foods: ['log/water', 'log/caloriesIn'] } });
      const result = await emulator.sendNotifications(app!.updateUrl, [notification('ABC123', 'foods', '2024-03-02')], { format: 'multipart' });
      expect(result.status).toBe(204);
      expect(await summary(app!)).toEqual(['foods/log/water 2024-03-02 +0', 'foods/log/caloriesIn 2024-03-02 +5000']);
    });

    it('answers 404 to a multipart body without an `updates` file', async () => {
      await start();
      const form = new FormData();
      const body = JSON.stringify([notification('ABC123', 'foods', '2024-03-02')]);
      form.append('other', new Blob([body]), 'other.json');
      const response = await fetch(app!.updateUrl, { method: 'POST', body: form, headers: { 'x-fitbit-signature': sign(body) } });
      expect(response.status).toBe(404);
      expect(await pendingJobs(app!.queue)).toEqual([]);
    });

    it.each([
      ['an empty map', {}],
      ['a map whose categories have no resources', { activities: [], sleep: [] }],
    ])('queues nothing but still answers 204 with %s (django: empty subscriptions)', async (_name, subscriptions) => {
      await start({ subscriptions });
      expect((await emulator.sendNotifications(app!.updateUrl, [notification('ABC123', 'activities', '2024-03-01')])).status).toBe(204);
      expect(await pendingJobs(app!.queue)).toEqual([]);
    });

    it('skips categories the map does not name (django: no matching subscription)', async () => {
      await start({ subscriptions: { foods: ['log/water'] } });
      const result = await emulator.sendNotifications(app!.updateUrl, [notification('ABC123', 'sleep', '2024-03-01'), notification('ABC123', 'body', '2024-03-01')]);
      expect(result.status).toBe(204);
      expect(await pendingJobs(app!.queue)).toEqual([]);
    });

    it('keeps the configured order and delays on a partial match, per notification (django: partial match)', async () => {
      await start({ subscriptions: { sleep: ['minutesAsleep'], activities: ['steps', 'distance', 'tracker/steps'], foods: ['log/water'] } });
      const result = await emulator.sendNotifications(app!.updateUrl, [
        notification('ABC123', 'activities', '2024-03-01'),
        notification('ABC123', 'body', '2024-03-01'),
        notification('XYZ789', 'foods', '2024-03-02'),
        notification('ABC123', 'sleep', '2024-03-03'),
      ]);
      expect(result.status).toBe(204);
      const jobs = await expandBatches(app!);
      expect(jobs.map((job) => `${job.data.providerUserId} ${job.data.category}/${job.data.resource} ${job.data.date} +${job.opts.delay}`)).toEqual([
        'ABC123 activities/steps 2024-03-01 +0',
        'ABC123 activities/distance 2024-03-01 +5000',
        'ABC123 activities/tracker/steps 2024-03-01 +10000',
        'XYZ789 foods/log/water 2024-03-02 +0',
        'ABC123 sleep/minutesAsleep 2024-03-03 +0',
      ]);
    });

    it('queues the whole batch in one round trip to Redis, and neither calls Fitbit nor writes rows itself', async () => {
      await start();
      const add = vi.spyOn(app!.queue, 'add');
      const addBulk = vi.spyOn(app!.queue, 'addBulk');
      const batch = Array.from({ length: 10 }, (_, i) => notification('ABC123', i % 2 ? 'activities' : 'sleep', `2024-03-${String(i + 1).padStart(2, '0')}`));
      emulator.clearRequests();
      expect((await emulator.sendNotifications(app!.updateUrl, batch)).status).toBe(204);
      // One job, one script call: the endpoint's cost does not grow with the types per notification.
      expect(add).toHaveBeenCalledTimes(1);
      expect(addBulk).not.toHaveBeenCalled();
      expect(emulator.requests).toEqual([]);
      expect(await dataSource.getRepository(TimeSeriesData).count()).toBe(0);
      // Expanding it is one addBulk (one MULTI … EXEC) too.
      add.mockClear();
      expect(await expandBatches(app!)).toHaveLength(5 * TIME_SERIES_RESOURCES.activities.length + 5 * TIME_SERIES_RESOURCES.sleep.length);
      expect(addBulk).toHaveBeenCalledTimes(1);
      expect(add).not.toHaveBeenCalled();
    });

    it('lets requests handled in the same turn share one job and one write (group commit), all or none', async () => {
      await start();
      const producer = app!.app.get(FitbitJobsProducer);
      const update = (date: string) => [{ providerUserId: 'ABC123', category: 'sleep' as const, resources: null, date }];
      const add = vi.spyOn(app!.queue, 'add');
      await Promise.all([producer.queueNotifications(update('2024-03-01')), producer.queueNotifications(update('2024-03-02')), producer.queueNotifications(update('2024-03-03'))]);
      expect(add).toHaveBeenCalledTimes(1);
      const [shared] = await pendingJobs(app!.queue);
      expect(shared!.data.updates.map((entry: { date: string }) => entry.date)).toEqual(['2024-03-01', '2024-03-02', '2024-03-03']);
      await app!.queue.empty();

      add.mockRejectedValueOnce(new Error('READONLY You can\'t write against a read only replica.'));
      const outcomes = await Promise.allSettled([producer.queueNotifications(update('2024-03-04')), producer.queueNotifications(update('2024-03-05'))]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(QueueUnavailableError);
      expect(await pendingJobs(app!.queue)).toEqual([]);

      // Over HTTP: concurrent POSTs all answer 204 and every notification is queued exactly once.
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => emulator.sendNotifications(app!.updateUrl, [notification('ABC123', 'sleep', `2024-04-0${i + 1}`)])),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(204));
      const jobs = await pendingJobs(app!.queue);
      expect(jobs.flatMap((job) => job.data.updates.map((entry: { date: string }) => entry.date)).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `2024-04-0${i + 1}`));
    });

    describe('the X-Fitbit-Signature check comes first', () => {
      it.each([
        ['a signature made with the wrong secret', 'invalid'],
        ['no signature', 'none'],
      ] as const)('answers 404 and queues nothing with %s', async (_name, signature) => {
        await start();
        const result = await emulator.sendNotifications(app!.updateUrl, [notification('ABC123', 'activities', '2024-03-01')], { signature });
        expect(result.status).toBe(404);
        const multipart = await emulator.sendNotifications(app!.updateUrl, [notification('ABC123', 'activities', '2024-03-01')], { signature, format: 'multipart' });
        expect(multipart.status).toBe(404);
        expect(await pendingJobs(app!.queue)).toEqual([]);
      });

      it('answers 404 when the body was changed after signing (re-serialised JSON does not pass)', async () => {
        await start();
        const body = JSON.stringify([notification('ABC123', 'activities', '2024-03-01')]);
        const pretty = JSON.stringify(JSON.parse(body), null, 1);
        const response = await fetch(app!.updateUrl, {
          method: 'POST',
          body: pretty,
          headers: { 'content-type': 'application/json', 'x-fitbit-signature': sign(body) },
        });
        expect(response.status).toBe(404);
        expect((await postSigned(app!.updateUrl, pretty)).status).toBe(204);
      });

      it('checks the signature before parsing: an unsigned bad body is 404 without a parse', async () => {
        await start();
        const response = await fetch(app!.updateUrl, { method: 'POST', body: 'not json', headers: { 'content-type': 'text/plain' } });
        expect(response.status).toBe(404);
      });

      it('revokes nothing for an unsigned userRevokedAccess notification', async () => {
        await start();
        await linkNewUser(emulator, dataSource, '41', { id: 'FORGED' });
        const result = await emulator.sendNotifications(app!.updateUrl, [{ collectionType: 'userRevokedAccess', ownerId: 'FORGED', ownerType: 'user', subscriptionId: '41' }], {
          signature: 'invalid',
        });
        expect(result.status).toBe(404);
        expect(await dataSource.getRepository(UserFitbit).countBy({ userId: '41' })).toBe(1);
      });
    });

    it.each([
      ['bad JSON (application/json)', '[{"collectionType": "activities",', 'application/json'],
      ['bad JSON (text/plain)', '{not json', 'text/plain'],
      ['a JSON object instead of a list', '{"collectionType": "activities"}', 'application/json'],
      ['a missing date', JSON.stringify([{ collectionType: 'activities', ownerId: 'ABC123', ownerType: 'user', subscriptionId: '1' }]), 'application/json'],
      ['a missing ownerId', JSON.stringify([{ collectionType: 'activities', date: '2024-03-01', ownerType: 'user', subscriptionId: '1' }]), 'application/json'],
      ['a missing collectionType', JSON.stringify([{ date: '2024-03-01', ownerId: 'ABC123', ownerType: 'user', subscriptionId: '1' }]), 'application/json'],
      ['a bad date', JSON.stringify([notification('ABC123', 'activities', '2024-02-30')]), 'application/json'],
      ['a date that is not a date', JSON.stringify([notification('ABC123', 'activities', 'yesterday')]), 'application/json'],
    ])('answers 404 to %s, signed, and queues nothing', async (_name, body, contentType) => {
      await start();
      const ok = JSON.stringify([notification('ABC123', 'activities', '2024-03-01')]);
      // One bad notification spoils the batch: nothing of it is queued.
      const batch = body.startsWith('[{') && body.endsWith(']') ? `[${ok.slice(1, -1)},${body.slice(1)}` : body;
      const response = await postSigned(app!.updateUrl, batch, { 'content-type': contentType });
      expect(response.status).toBe(404);
      expect(await pendingJobs(app!.queue)).toEqual([]);
    });

    it('answers 204 to an empty list and queues nothing', async () => {
      await start();
      expect((await postSigned(app!.updateUrl, '[]')).status).toBe(204);
      expect(await pendingJobs(app!.queue)).toEqual([]);
    });

    it('does not let a queueing failure escape: 503, logged, and the app keeps serving (django: problem queueing)', async () => {
      await start();
      vi.spyOn(app!.queue, 'add').mockRejectedValueOnce(new Error('ERR something went wrong in Redis'));
      expect((await emulator.sendNotifications(app!.updateUrl, [notification('ABC123', 'activities', '2024-03-01')])).status).toBe(503);
      expect((await emulator.sendNotifications(app!.updateUrl, [notification('ABC123', 'activities', '2024-03-01')])).status).toBe(204);
      expect(await emulator.verifySubscriber(app!.updateUrl, 'the-code')).toMatchObject({ verified: true });
    });

    it('removes the link of a user who revoked access (or was deleted) and queues their unsubscribe, with no data fetch', async () => {
      await start();
      const revoked = await linkNewUser(emulator, dataSource, '51');
      const deleted = await linkNewUser(emulator, dataSource, '52');
      const kept = await linkNewUser(emulator, dataSource, '53');
      const result = await emulator.sendNotifications(app!.updateUrl, [
        { collectionType: 'userRevokedAccess', ownerId: revoked, ownerType: 'user', subscriptionId: '51' },
        { collectionType: 'deleteUser', ownerId: deleted, ownerType: 'user', subscriptionId: '52' },
      ]);
      expect(result.status).toBe(204);
      expect((await dataSource.getRepository(UserFitbit).find()).map((link) => link.providerUserId)).toEqual([kept]);
      const jobs = await pendingJobs(app!.queue);
      const rows = await dataSource.getRepository(PendingRevocation).find({ order: { id: 'ASC' } });
      expect(rows.map((row) => [row.providerUserId, row.unsubscribe, row.revoke])).toEqual([
        [revoked, true, false],
        [deleted, true, false],
      ]);
      expect(jobs.map((job) => [job.name, job.data])).toEqual(rows.map((row) => [UNSUBSCRIBE_JOB, { revocationId: row.id, queuedAt: expect.any(Number) }]));
    });
  });

  describe('misconfiguration', () => {
    // django-fitbit answered a notification with 500 when FITAPP_SUBSCRIPTIONS named a bogus resource.
    // This module validates the map at start-up, so that case never reaches the endpoint: the app does not start.
    it.each([
      [{ foods: ['steps'] }, "subscriptions: ['steps'] resources are invalid for the foods category"],
      [{ bogus: ['steps'] }, 'subscriptions: bogus is an invalid category'],
    ])('refuses to start with a bogus subscriptions map %j (django: bogus resource → 500)', async (subscriptions, message) => {
      dataSource = await createSqliteDataSource();
      @Module({
        imports: [
          TypeOrmModule.forRootAsync({ useFactory: () => ({ ...dataSource.typeOrmOptions, migrationsRun: false }), dataSourceFactory: async () => dataSource }),
          FitbitModule.forRoot({
            ...emulatorOptions(emulator, { subscriberId: 'sub-1', queue: isolatedQueueOptions('bogus'), subscriptions }),
            subscribe: true,
            worker: false,
          }),
        ],
      })
      class BogusMapModule {}
      // abortOnError: false, or Nest would end the test process instead of throwing.
      const failure = await NestFactory.create(BogusMapModule, { logger: false, abortOnError: false }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(FitbitConfigurationError);
      expect((failure as Error).message).toBe(`FitbitModule option "${message.replace(': ', '": ')}`);
    });

    it('answers 500 when the app was created without rawBody: true (the JSON body was parsed without its bytes)', async () => {
      dataSource = await createSqliteDataSource();
      const queueOptions = isolatedQueueOptions('no-raw-body');
      @Module({
        imports: [
          TypeOrmModule.forRootAsync({ useFactory: () => ({ ...dataSource.typeOrmOptions, migrationsRun: false }), dataSourceFactory: async () => dataSource }),
          FitbitModule.forRoot({ ...emulatorOptions(emulator, { subscriberId: 'sub-1', queue: queueOptions }), subscribe: true, worker: false }),
        ],
      })
      class NoRawBodyModule {}
      const nest = await NestFactory.create(NoRawBodyModule, { logger: false });
      await nest.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${(nest.getHttpServer().address() as AddressInfo).port}/fitbit/update/`;
      try {
        expect((await emulator.sendNotifications(url, [notification('ABC123', 'activities', '2024-03-01')])).status).toBe(500);
        // The multipart form carries its own bytes, so it still works there.
        expect((await emulator.sendNotifications(url, [notification('ABC123', 'activities', '2024-03-01')], { format: 'multipart' })).status).toBe(204);
      } finally {
        await fitbitQueueOf(nest).obliterate({ force: true });
        await nest.close();
      }
    });
  });
});

describe('update/ with Redis down', () => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let redis: PrivateRedis;
  let app: SubscribingApp;

  beforeAll(async () => {
    emulator = await startEmulator();
    redis = await PrivateRedis.start();
    dataSource = await createSqliteDataSource();
    app = await startSubscribingApp(emulator, dataSource, {
      worker: false,
      label: 'redis-down',
      fitbit: { queue: { redis: { host: '127.0.0.1', port: redis.port }, prefix: 'redis-down' } },
    });
  });
  afterAll(async () => {
    await app.close();
    await redis.stop();
    await dataSource.destroy();
    await emulator.stop();
  });

  it('answers 503 fast (well inside Fitbit’s 5 s), keeps other routes up, and queues again once Redis is back', async () => {
    const batch = [notification('ABC123', 'activities', '2024-03-01')];
    expect((await emulator.sendNotifications(app.updateUrl, batch)).status).toBe(204);
    expect(await app.queue.count()).toBe(1);

    await redis.stop();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      expect((await emulator.sendNotifications(app.updateUrl, batch, { timeoutMs: 5_000 })).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(2_500);
    }
    expect((await fetch(`${app.updateUrl}?verify=the-code`)).status).toBe(204);
    expect((await fetch(`${app.url}/fitbit/get_data/activities/steps/?period=7d`)).status).toBe(200);

    // The private Redis keeps no data: whatever it holds afterwards was queued after it came back.
    await redis.resume();
    const deadline = Date.now() + 10_000;
    while (app.queue.client.status !== 'ready' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await app.queue.count()).toBe(0);
    expect((await emulator.sendNotifications(app.updateUrl, batch)).status).toBe(204);
    expect(await app.queue.count()).toBe(1);
  }, 30_000);
});
