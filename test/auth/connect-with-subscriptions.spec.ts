import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bull';
import { PendingRevocationStore } from '../../lib/auth/pending-revocation.store.js';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import type { FitbitModuleOptions } from '../../lib/config/fitbit-module-options.interface.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { SUBSCRIBE_JOB, TIME_SERIES_JOB, UNSUBSCRIBE_JOB } from '../../lib/subscriptions/fitbit-job.types.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { browserFor, connectThroughEmulator, emulatorOptions, PROVIDERS, providerFacts, startEmulator } from '../support/fitbit-fixture.js';
import { TIME_SERIES_TYPES } from '../../lib/data/time-series-data-types.js';
import { googleMappingOf } from '../../lib/providers/google-health/google-health-data-types.js';
import { fitbitQueueOf, isolatedQueueOptions, pendingJobs } from '../support/fitbit-queue.js';
import { startFitbitTestApp, type FitbitTestApp } from '../support/fitbit-test-app.js';

describe.each(PROVIDERS)('connecting with subscriptions on: the queued jobs (%s)', (provider) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;
  let queue: Queue;

  beforeAll(async () => {
    emulator = await startEmulator({ provider });
  });
  afterAll(() => emulator.stop());
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await app.close();
    await dataSource.destroy();
  });

  async function start(options: Partial<FitbitModuleOptions> = {}) {
    dataSource = await createSqliteDataSource();
    app = await startFitbitTestApp({
      dataSource,
      fitbit: FitbitModule.forRoot({
        ...emulatorOptions(emulator, { subscriberId: 'sub-1', queue: isolatedQueueOptions('connect'), ...options }),
        subscribe: true,
        worker: false,
      }),
    });
    queue = fitbitQueueOf(app.app);
  }

  const summary = async () =>
    (await pendingJobs(queue)).map((job) => ({
      name: job.name,
      delay: job.opts.delay,
      path: job.name === TIME_SERIES_JOB ? `${job.data.category}/${job.data.resource}` : undefined,
    }));

  it('queues subscribe in 5 s, then one history job per type at initDelay + i × betweenDelay, in the configured order', async () => {
    await start({
      historicalInitDelaySeconds: 10,
      betweenDelaySeconds: 5,
      subscriptions: { foods: ['log/water'], activities: ['steps', 'distance'] },
    });
    const fitbitUser = emulator.addUser();
    emulator.setConsentUser(fitbitUser.id);
    await connectThroughEmulator(app, browserFor(1));

    expect(await summary()).toEqual([
      { name: SUBSCRIBE_JOB, delay: 5000, path: undefined },
      { name: TIME_SERIES_JOB, delay: 10_000, path: 'foods/log/water' },
      { name: TIME_SERIES_JOB, delay: 15_000, path: 'activities/steps' },
      { name: TIME_SERIES_JOB, delay: 20_000, path: 'activities/distance' },
    ]);
    const jobs = await pendingJobs(queue);
    const providerUserId = providerFacts(emulator).providerUserIdOf(fitbitUser);
    expect(jobs[0]!.data).toMatchObject({ providerUserId, subscriberId: 'sub-1' });
    expect(jobs[1]!.data).toMatchObject({ providerUserId, date: null });
  });

  it('queues every type the provider serves by default (all 36 for Fitbit, as django-fitbit did)', async () => {
    await start();
    await connectThroughEmulator(app, browserFor(1));
    const jobs = await summary();
    const expected = TIME_SERIES_TYPES.filter((type) => provider === 'fitbit' || googleMappingOf(type)).length;
    expect(jobs.filter((job) => job.name === TIME_SERIES_JOB)).toHaveLength(expected);
    expect(jobs[1]!.delay).toBe(10_000);
    expect(jobs[expected]!.delay).toBe(10_000 + (expected - 1) * 5_000);
  });

  it.each([
    ['an empty map', {}],
    ['a map with no resources', { activities: [], foods: [] }],
  ])('queues only the subscribe job with %s', async (_name, subscriptions) => {
    await start({ subscriptions });
    await connectThroughEmulator(app, browserFor(1));
    expect(await summary()).toEqual([{ name: SUBSCRIBE_JOB, delay: 5000, path: undefined }]);
  });

  it('queues nothing when the account is linked to another user', async () => {
    await start();
    const shared = emulator.addUser();
    emulator.setConsentUser(shared.id);
    await connectThroughEmulator(app, browserFor(2));
    await queue.empty();
    await queue.clean(0, 'delayed');
    expect(await connectThroughEmulator(app, browserFor(1))).toBe(`${app.url}/fitbit/error/?reason=linked-elsewhere`);
    expect(await pendingJobs(queue)).toEqual([]);
  });

  it('logout records the sealed withdrawal, queues unsubscribe in 5 s with its id (no tokens) and deletes the link', async () => {
    await start();
    await connectThroughEmulator(app, browserFor(1));
    await queue.clean(0, 'delayed');
    const link = (await app.app.get(UserLinkStore).findByUser('1'))!;
    await browserFor(1).get(`${app.url}/fitbit/logout/`);
    const jobs = await pendingJobs(queue);
    expect(jobs.map((job) => [job.name, job.opts.delay])).toEqual([[UNSUBSCRIBE_JOB, 5000]]);
    const [pending] = await app.app.get(PendingRevocationStore).findAll();
    expect(jobs[0]!.data).toEqual({ revocationId: pending!.id, queuedAt: expect.any(Number) });
    expect(pending).toMatchObject({ userId: '1', providerUserId: link.providerUserId, unsubscribe: true, revoke: true });
    expect(app.app.get(PendingRevocationStore).refreshToken(pending!)).toBe(app.app.get(UserLinkStore).refreshToken(link));
    expect(await app.app.get(UserLinkStore).findByUser('1')).toBeNull();
  });
});
