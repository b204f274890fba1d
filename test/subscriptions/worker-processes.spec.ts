import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TimeSeriesData } from '../../lib/data/entities/time-series-data.entity.js';
import { TIME_SERIES_JOB, type TimeSeriesJobData } from '../../lib/subscriptions/fitbit-job.types.js';
import { TIME_SERIES_RESOURCES } from '../../lib/data/time-series-data-types.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { startAppProcess, type AppProcess } from '../support/app-processes.js';
import { createPostgresDataSource, type TestDataSource } from '../support/databases.js';
import { emulatorOptions, startEmulator } from '../support/fitbit-fixture.js';
import { isolatedQueueOptions } from '../support/fitbit-queue.js';
import {
  connectionOf,
  datesBetween,
  drained,
  expectedRows,
  linkNewUser,
  notification,
  startSubscribingApp,
  storedRows,
  type SubscribingApp,
} from './support/subscriptions-fixture.js';

describe('separate worker processes on one queue (PostgreSQL, real Redis)', () => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let producer: SubscribingApp;
  let workers: AppProcess[] = [];
  let queueOptions: ReturnType<typeof isolatedQueueOptions> & { settings: object };

  beforeAll(async () => {
    emulator = await startEmulator({ rateLimitPerHour: 100_000 });
    dataSource = await createPostgresDataSource();
    // Short Bull locks, so a killed worker's job is found stalled within a couple of seconds.
    queueOptions = { ...isolatedQueueOptions('workers'), settings: { lockDuration: 2_000, lockRenewTime: 500, stalledInterval: 1_000 } };
    producer = await startSubscribingApp(emulator, dataSource, { worker: false, label: 'unused', fitbit: { queue: queueOptions } });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill('SIGKILL')));
    await producer.queue.obliterate({ force: true });
    await producer.close();
    await dataSource.destroy();
    await emulator.stop();
  });
  afterEach(async () => {
    emulator.faults.clear();
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
  });

  const startWorker = () =>
    startAppProcess({
      database: connectionOf(dataSource),
      fitbit: emulatorOptions(emulator, { subscriberId: 'sub-1', betweenDelaySeconds: 0, historicalInitDelaySeconds: 0, queue: queueOptions }),
      subscribe: true,
      worker: true,
      http: false,
    });

  it('two workers store every notified row exactly once', async () => {
    workers = await Promise.all([startWorker(), startWorker()]);
    const users = [await linkNewUser(emulator, dataSource, '201', { memberSince: '2024-01-01' }), await linkNewUser(emulator, dataSource, '202', { memberSince: '2024-01-01' })];
    const days = datesBetween('2024-03-01', '2024-03-10');
    // Each batch repeats days of the one before: the duplicates are what two workers could race on.
    for (let batch = 0; batch < 4; batch++) {
      const notifications = users.flatMap((user) => days.slice(batch * 2, batch * 2 + 4).flatMap((day) => [notification(user, 'sleep', day), notification(user, 'body', day)]));
      expect((await emulator.sendNotifications(producer.updateUrl, notifications)).status).toBe(204);
    }
    const coveredDays = days.slice(0, 10);
    const paths = [...TIME_SERIES_RESOURCES.sleep.map((r) => `sleep/${r}`), ...TIME_SERIES_RESOURCES.body.map((r) => `body/${r}`)];
    const expected = [
      ...expectedRows(emulator, users[0]!, '201', paths, coveredDays),
      ...expectedRows(emulator, users[1]!, '202', paths, coveredDays),
    ].sort();
    await drained(producer.queue, async () => (await dataSource.getRepository(TimeSeriesData).count()) >= expected.length, 30_000);
    expect(await storedRows(dataSource)).toEqual(expected);
  }, 60_000);

  it('a worker killed with SIGKILL mid-import loses nothing: its job is picked up again and the rows end complete', async () => {
    const user = await linkNewUser(emulator, dataSource, '301', { memberSince: '2022-01-01' });
    const paths = ['activities/steps', 'activities/distance', 'body/weight', 'foods/log/water'];
    const expected = expectedRows(emulator, user, '301', paths, datesBetween('2022-01-01', emulator.todayOf(user)));
    emulator.faults.inject({ path: /\/date\//, delayMs: 300 });
    const doomed = await startWorker();
    workers = [doomed];
    await producer.queue.addBulk(
      paths.map((path) => {
        const [category, ...resource] = path.split('/');
        const data: TimeSeriesJobData = { providerUserId: user, category: category as 'activities', resource: resource.join('/'), date: null, queuedAt: Date.now() };
        return { name: TIME_SERIES_JOB, data, opts: { removeOnComplete: true, removeOnFail: 100 } };
      }),
    );
    const deadline = Date.now() + 20_000;
    const rows = dataSource.getRepository(TimeSeriesData);
    while (Date.now() < deadline && ((await rows.countBy({ userId: '301' })) === 0 || (await producer.queue.getActiveCount()) === 0)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await doomed.kill('SIGKILL');
    const atKill = (await storedRows(dataSource, '301')).length;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(expected.length);
    expect(await producer.queue.getActiveCount()).toBeGreaterThan(0);

    emulator.faults.clear();
    workers = [await startWorker()];
    await drained(producer.queue, async () => (await dataSource.getRepository(TimeSeriesData).countBy({ userId: '301' })) >= expected.length, 30_000);
    expect(await storedRows(dataSource, '301')).toEqual(expected);
    expect(await producer.queue.getFailedCount()).toBe(0);
  }, 60_000);
});
