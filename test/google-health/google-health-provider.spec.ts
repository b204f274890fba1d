import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { addDays } from '../../lib/data/calendar.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { browserFor, connectThroughEmulator, emulatorOptions, startEmulator } from '../support/fitbit-fixture.js';
import { startFitbitTestApp, type FitbitTestApp } from '../support/fitbit-test-app.js';
import { TEST_USER_HEADER } from '../support/test-sign-in.js';

const SCOPE = (name: string) => `https://www.googleapis.com/auth/googlehealth.${name}`;

describe('the google-health provider against the Google Health emulator (live mode)', () => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;
  let links: Repository<UserFitbit>;

  beforeAll(async () => {
    emulator = await startEmulator({ provider: 'google-health', rateLimitPerMinute: 10_000 });
  });
  afterAll(() => emulator.stop());
  beforeEach(async () => {
    dataSource = await createSqliteDataSource();
    app = await startFitbitTestApp({ dataSource, fitbit: FitbitModule.forRoot(emulatorOptions(emulator)) });
    links = app.app.get(getRepositoryToken(UserFitbit));
    emulator.clearRequests();
  });
  afterEach(async () => {
    await app.close();
    await dataSource.destroy();
  });

  async function getData(path: string, query: string, appUserId = 1) {
    const response = await fetch(`${app.url}/fitbit/get_data/${path}/?${query}`, { headers: { [TEST_USER_HEADER]: String(appUserId) } });
    return (await response.json()) as { meta: { status_code: number; total_count: number }; objects: { dateTime: string; value: string }[] };
  }

  it('asks Google for offline access with PKCE and stores healthUserId, legacyUserId and the time zone', async () => {
    const user = emulator.addUser({ timezone: 'Europe/Berlin' });
    emulator.setConsentUser(user.id);
    const browser = browserFor(1);
    const login = await browser.get(`${app.url}/fitbit/login/`);
    const authorize = new URL(login.headers.get('location')!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('scope')!.split(' ')).toContain(SCOPE('activity_and_fitness.readonly'));
    expect(await connectThroughEmulator(app, browserFor(1))).toBe(`${app.url}/`);
    const link = (await links.findOneBy({ userId: '1' }))!;
    expect(link).toMatchObject({ provider: 'google-health', providerUserId: user.healthUserId, legacyUserId: user.id, timeZone: 'Europe/Berlin' });
    expect(link.accessToken.length).toBeGreaterThan(1500);
  });

  it('serves daily values converted to the legacy units', async () => {
    const user = emulator.addUser({ timezone: 'UTC' });
    emulator.setConsentUser(user.id);
    await connectThroughEmulator(app, browserFor(1));
    const base = emulator.todayOf(user.id);
    for (const path of ['activities/steps', 'activities/distance', 'activities/elevation', 'activities/minutesSedentary', 'activities/minutesVeryActive', 'body/weight', 'foods/log/water', 'activities/tracker/steps']) {
      const answer = await getData(path, `base_date=${base}&period=7d`);
      expect(answer.meta.status_code, path).toBe(100);
      expect(answer.objects.map((object) => object.dateTime), path).toEqual(Array.from({ length: 7 }, (_, i) => addDays(base, i - 6)));
      for (const object of answer.objects) {
        expect(Number(object.value), `${path} ${object.dateTime}`).toBeCloseTo(Number(emulator.dailyValue(user.id, path, object.dateTime)), 2);
      }
    }
  });

  it('computes sleep efficiency and BMI from what Google gives', async () => {
    const user = emulator.addUser({ timezone: 'UTC' });
    emulator.setConsentUser(user.id);
    await connectThroughEmulator(app, browserFor(1));
    const base = emulator.todayOf(user.id);
    const efficiency = await getData('sleep/efficiency', `base_date=${base}&period=30d`);
    const asleep = await getData('sleep/minutesAsleep', `base_date=${base}&period=30d`);
    const inBed = await getData('sleep/timeInBed', `base_date=${base}&period=30d`);
    expect(efficiency.objects.length).toBeGreaterThan(10);
    for (const [index, object] of efficiency.objects.entries()) {
      expect(Number(object.value)).toBe(Math.round((100 * Number(asleep.objects[index]!.value)) / Number(inBed.objects[index]!.value)));
    }
    const bmi = await getData('body/bmi', `base_date=${base}&period=7d`);
    const weight = await getData('body/weight', `base_date=${base}&period=7d`);
    const height = Number((emulator.googleValue(user.id, 'height', base) as { heightMillimeters: number }).heightMillimeters) / 1000;
    expect(bmi.objects.map((object) => Number(object.value))).toEqual(weight.objects.map((object) => Math.round((Number(object.value) / height ** 2) * 100) / 100));
  });

  it('splits ranges at 14 days for active minutes and 90 days for steps', async () => {
    const user = emulator.addUser({ timezone: 'UTC', memberSince: '2020-01-01' });
    emulator.setConsentUser(user.id);
    await connectThroughEmulator(app, browserFor(1));
    const end = emulator.todayOf(user.id);
    const start = addDays(end, -99);
    emulator.clearRequests();
    const minutes = await getData('activities/minutesLightlyActive', `base_date=${start}&end_date=${end}`);
    expect(minutes.meta.total_count).toBe(100);
    expect(emulator.requests.filter((request) => request.path.includes('active-minutes')).length).toBe(Math.ceil(100 / 14));
    emulator.clearRequests();
    expect((await getData('activities/steps', `base_date=${start}&end_date=${end}`)).meta.total_count).toBe(100);
    expect(emulator.requests.filter((request) => request.path.includes('/steps/')).length).toBe(2);
  });

  it('keeps a partially granted link, skips what was not granted and says so', async () => {
    const emulatorWithConsentPage = emulator;
    // In UTC like its link: "the last 7 days" are the same days for the module and the emulator at any hour.
    const user = emulatorWithConsentPage.addUser({ timezone: 'UTC' });
    const tokens = emulatorWithConsentPage.issueTokens(user.id, { scopes: [SCOPE('activity_and_fitness.readonly'), SCOPE('settings.readonly')] });
    await app.app.get(UserLinkStore).save({
      userId: '5',
      provider: 'google-health',
      providerUserId: user.healthUserId!,
      legacyUserId: user.id,
      timeZone: 'UTC',
      tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: [SCOPE('activity_and_fitness.readonly'), SCOPE('settings.readonly')] },
    });
    expect((await getData('activities/steps', 'period=7d', 5)).meta.total_count).toBe(7);
    const weight = await getData('body/weight', 'period=7d', 5);
    // Not granted is not "no data": the answer says which.
    expect(weight).toEqual({ meta: { total_count: 0, status_code: 100, reason: 'not-granted' }, objects: [] });
    expect(emulator.requests.some((request) => request.path.includes('/weight/'))).toBe(false);
    expect(await links.countBy({ userId: '5' })).toBe(1);
  });

  it('answers 100 with nothing for the types Google has no equivalent of, without calling it', async () => {
    emulator.setConsentUser(emulator.addUser().id);
    await connectThroughEmulator(app, browserFor(1));
    emulator.clearRequests();
    for (const path of ['activities/activeScore', 'sleep/awakeningsCount']) {
      expect(await getData(path, 'period=7d')).toEqual({ meta: { total_count: 0, status_code: 100, reason: 'unsupported' }, objects: [] });
    }
    expect(emulator.requests).toEqual([]);
  });

  it('refreshes an expired access token and keeps the reusable refresh token', async () => {
    const user = emulator.addUser();
    emulator.setConsentUser(user.id);
    await connectThroughEmulator(app, browserFor(1));
    const before = (await links.findOneBy({ userId: '1' }))!;
    emulator.expireAccessTokens(user.id);
    expect((await getData('activities/steps', 'period=7d')).meta.status_code).toBe(100);
    const after = (await links.findOneBy({ userId: '1' }))!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(emulator.stats.refreshCalls(user.id)).toBe(1);
  });

  it('answers 103 and removes the link when the grant was revoked at Google', async () => {
    const user = emulator.addUser();
    emulator.setConsentUser(user.id);
    await connectThroughEmulator(app, browserFor(1));
    emulator.revokeGrant(user.id);
    expect((await getData('activities/steps', 'period=7d')).meta.status_code).toBe(103);
    expect(await links.countBy({ userId: '1' })).toBe(0);
  });

  it.each([
    [429, 105],
    [500, 106],
    [503, 106],
  ])('maps Google %i to %i', async (status, code) => {
    emulator.setConsentUser(emulator.addUser().id);
    await connectThroughEmulator(app, browserFor(1));
    emulator.faults.inject({ path: /dailyRollUp/, status, times: 1 });
    expect((await getData('activities/steps', 'period=7d')).meta.status_code).toBe(code);
    emulator.faults.clear();
  });

  it('answers 102 with a message saying what to do, and keeps the link, when Google has no Fitbit data linked (ACCOUNT_NOT_LINKED)', async () => {
    const user = emulator.addUser();
    emulator.setConsentUser(user.id);
    await connectThroughEmulator(app, browserFor(1));
    emulator.setAccountNotLinked(user.id, true);
    const answer = await getData('activities/steps', 'period=7d');
    expect(answer.meta).toEqual({ total_count: 0, status_code: 102, message: expect.stringMatching(/no Fitbit data linked.*Fitbit app/) });
    expect(await links.countBy({ userId: '1' })).toBe(1);
  });
});
