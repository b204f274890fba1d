import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Queue } from 'bull';
import { DataStatus } from '../../lib/data/data-response.js';
import { TimeSeriesDataStore } from '../../lib/data/time-series-data.store.js';
import { ImportProgress } from '../../lib/subscriptions/import-progress.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { EmulatorUser, FitbitEmulator } from '../../lib/testing/index.js';
import { createDataSource, createSqliteDataSource, DATABASE_KINDS, type TestDataSource } from '../support/databases.js';
import { emulatorOptions, PROVIDERS, providerFacts, startEmulator, type ProviderName } from '../support/fitbit-fixture.js';
import { fitbitQueueOf, isolatedQueueOptions } from '../support/fitbit-queue.js';
import { startFitbitTestApp, type FitbitTestApp } from '../support/fitbit-test-app.js';
import { daysEndingOn, getData, isLinked, linkUser, shiftDate } from './get-data.fixture.js';

/** Long enough for a 1095-day range from the emulator on a busy machine; the timeout case waits this long. */
const REQUEST_TIMEOUT_MS = 1_000;
const LONG = 'x'.repeat(10_000);

/** Every input the endpoint must turn down with 104, never with a 5xx. */
const BAD_INPUT: [string, string][] = [
  ['unknown category', 'get_data/weather/steps?period=7d'],
  ['unknown resource', 'get_data/activities/nope?period=7d'],
  ['a resource of another category', 'get_data/foods/steps?period=7d'],
  ['a category in the wrong case', 'get_data/Activities/steps?period=7d'],
  ['a known path with a segment too many', 'get_data/activities/tracker/steps/more?period=7d'],
  ['a resource that climbs out', 'get_data/activities/..%2Fsteps?period=7d'],
  ['both period and end_date', 'get_data/activities/steps?period=7d&base_date=2024-01-01&end_date=2024-01-07'],
  ['period and end_date without base_date', 'get_data/activities/steps?period=7d&end_date=2024-01-07'],
  ['neither period nor end_date', 'get_data/activities/steps'],
  ['only base_date', 'get_data/activities/steps?base_date=2024-01-01'],
  ['empty period and end_date', 'get_data/activities/steps?period=&end_date=&base_date=2024-01-01'],
  ['an unknown period', 'get_data/activities/steps?period=2d'],
  ['a period in the wrong case', 'get_data/activities/steps?period=7D'],
  ['a period with a trailing space', 'get_data/activities/steps?period=max%20'],
  ['a 10 000-character period', `get_data/activities/steps?period=${LONG}`],
  ['base_date 2024-02-30', 'get_data/activities/steps?period=7d&base_date=2024-02-30'],
  ['base_date 2023-02-29', 'get_data/activities/steps?period=1m&base_date=2023-02-29'],
  ['base_date 2024-13-01', 'get_data/activities/steps?period=7d&base_date=2024-13-01'],
  ['base_date 2024-00-10', 'get_data/activities/steps?period=7d&base_date=2024-00-10'],
  ['base_date "yesterday"', 'get_data/activities/steps?period=7d&base_date=yesterday'],
  ['base_date "today"', 'get_data/activities/steps?period=7d&base_date=today'],
  ['base_date without zero padding', 'get_data/activities/steps?period=7d&base_date=2024-1-5'],
  ['base_date with a time', 'get_data/activities/steps?period=7d&base_date=2024-01-05T00:00:00'],
  ['base_date with a trailing newline', 'get_data/activities/steps?period=7d&base_date=2024-01-05%0A'],
  ['base_date as a number', 'get_data/activities/steps?period=7d&base_date=20240105'],
  ['a 10 000-character base_date', `get_data/activities/steps?period=7d&base_date=${LONG}`],
  ['a 10 000-character end_date', `get_data/activities/steps?base_date=2024-01-01&end_date=${LONG}`],
  ['max with a bad base_date', 'get_data/body/weight?period=max&base_date=2024-02-30'],
  ['end_date without base_date', 'get_data/activities/steps?end_date=2024-01-07'],
  ['a bad end_date', 'get_data/activities/steps?base_date=2024-01-01&end_date=2024-04-31'],
  ['end_date before base_date', 'get_data/activities/steps?base_date=2024-01-07&end_date=2024-01-06'],
  ['a range of 1096 days', 'get_data/activities/steps?base_date=2021-01-01&end_date=2024-01-01'],
  ['a range of ten thousand years', 'get_data/body/weight?base_date=1900-01-01&end_date=9999-12-31'],
  ['repeated period', 'get_data/activities/steps?period=7d&period=1m'],
  ['repeated identical period', 'get_data/activities/steps?period=7d&period=7d'],
  ['repeated base_date', 'get_data/activities/steps?period=7d&base_date=2024-01-01&base_date=2024-01-02'],
  ['repeated end_date', 'get_data/activities/steps?base_date=2024-01-01&end_date=2024-01-02&end_date=2024-01-03'],
  ['bracketed period[]', 'get_data/activities/steps?period[]=7d'],
  ['bracketed period[a]', 'get_data/activities/steps?period[a]=7d&base_date[b]=2024-01-01'],
  ['a full-width period', 'get_data/activities/steps?period=%EF%BC%97d'],
  ['full-width digits in base_date', 'get_data/activities/steps?period=7d&base_date=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94-01-01'],
  ['an emoji period', 'get_data/activities/steps?period=%F0%9F%92%A9'],
  ['a NUL in base_date', 'get_data/activities/steps?period=7d&base_date=2024-01-01%00'],
  ['__proto__ and constructor keys', 'get_data/activities/steps?__proto__[period]=7d&constructor=1&toString=2'],
  ['broken percent-encoding', 'get_data/activities/steps?period=%E0%A4%A&base_date=%ZZ'],
];

type Fault = Parameters<FitbitEmulator['faults']['inject']>[0];

const fitbitError = (errorType: string) => ({ errors: [{ errorType, message: errorType }], success: false });
const googleApiError = (code: number, status: string, message: string, reason?: string) => ({
  error: { code, message, status, details: reason ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }] : [] },
});

/** What differs between the providers in the live-mode table: where the series is fetched and how errors look. */
const UPSTREAM: Record<
  ProviderName,
  { series: RegExp; expiredToken?: unknown; insufficientScope: unknown; invalidGrant: unknown; noAltimeter: string; noActiveScore: string }
> = {
  fitbit: {
    series: /^\/1\/user\/-\/activities\/steps\/date\//,
    expiredToken: fitbitError('expired_token'),
    insufficientScope: fitbitError('insufficient_scope'),
    invalidGrant: fitbitError('invalid_grant'),
    noAltimeter: '400 (no altimeter)',
    noActiveScore: 'which Fitbit no longer serves',
  },
  'google-health': {
    series: /^\/v4\/users\/me\/dataTypes\/steps\/dataPoints/,
    // Google's 401 body always reads as an expired token: refreshed once, then 103.
    expiredToken: undefined,
    insufficientScope: googleApiError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'),
    invalidGrant: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    noAltimeter: 'no buckets (no altimeter)',
    noActiveScore: 'which Google has no equivalent of',
  },
};

describe.each(PROVIDERS)('get_data and get_steps, live mode (subscribe off), %s', (provider) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;
  let kiritimati: EmulatorUser;
  let noAltimeter: EmulatorUser;
  const upstream = UPSTREAM[provider];

  beforeAll(async () => {
    emulator = await startEmulator({ provider, rateLimitPerHour: 1_000_000, rateLimitPerMinute: 1_000_000 });
    kiritimati = emulator.addUser({ timezone: 'Pacific/Kiritimati' });
    noAltimeter = emulator.addUser({ timezone: 'Pacific/Pago_Pago', hasAltimeter: false });
    dataSource = await createSqliteDataSource();
    app = await startFitbitTestApp({
      dataSource,
      fitbit: FitbitModule.forRoot(emulatorOptions(emulator, { requestTimeoutMs: REQUEST_TIMEOUT_MS })),
    });
  });
  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator.faults.clear();
    emulator.clock.set(Date.now());
    await linkUser(app, emulator, '1', kiritimati);
    await linkUser(app, emulator, '2', noAltimeter);
  });

  const today = () => emulator.todayOf(kiritimati.id);
  /** Steps, water and tracker steps come back from Google as the same text the legacy series holds. */
  const valuesOf = (user: EmulatorUser, path: string, dates: string[]) =>
    dates.map((dateTime) => ({ dateTime, value: emulator.dailyValue(user.id, path, dateTime) }));
  const seriesCalls = () => emulator.requests.filter((request) => upstream.series.test(request.path));

  it('answers 100 with the envelope and the objects oldest first', async () => {
    const answer = await getData(app, 'get_data/activities/steps?period=7d');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      meta: { total_count: 7, status_code: 100 },
      objects: valuesOf(kiritimati, 'activities/steps', daysEndingOn(today(), 7)),
    });
  });

  it('serves resources with a slash (tracker/steps, log/water) and a trailing slash', async () => {
    const base = shiftDate(today(), -3);
    for (const path of ['activities/tracker/steps', 'foods/log/water', 'activities/tracker/steps/', 'foods/log/water/']) {
      const answer = await getData(app, `get_data/${path}?period=1w&base_date=${base}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ meta: { total_count: 7, status_code: 100 }, objects: valuesOf(kiritimati, path.replace(/\/$/, ''), daysEndingOn(base, 7)) });
    }
  });

  it('get_steps is get_data/activities/steps, with or without its trailing slash', async () => {
    for (const query of ['?period=30d', `?base_date=${shiftDate(today(), -40)}&end_date=${shiftDate(today(), -2)}`, '?period=2d', '']) {
      const expected = await getData(app, `get_data/activities/steps${query}`);
      expect(expected.status).toBe(200);
      for (const alias of ['get_steps', 'get_steps/']) expect(await getData(app, `${alias}${query}`)).toMatchObject({ status: 200, body: expected.body });
    }
  });

  it('accepts a range of exactly 1095 days', async () => {
    const answer = await getData(app, `get_data/activities/steps?base_date=${shiftDate(today(), -1094)}&end_date=${today()}`);
    expect(answer.body.meta.status_code).toBe(100);
    expect(answer.body.objects.at(-1)?.dateTime).toBe(today());
  });

  it('max on activity data fetches the whole history in ranges the provider accepts, never with max', async () => {
    emulator.clearRequests();
    const answer = await getData(app, 'get_data/activities/steps?period=max');
    expect(answer.body.meta.status_code).toBe(100);
    expect(answer.body.objects[0]!.dateTime).toBe(kiritimati.memberSince);
    expect(answer.body.objects.at(-1)!.dateTime).toBe(today());
    expect(answer.body.meta.total_count).toBe(answer.body.objects.length);
    expect(seriesCalls().length).toBeGreaterThan(1);
    for (const call of seriesCalls()) expect(call.path).not.toMatch(/\/max\.json$/);
    expect(emulator.requests.every((request) => request.status === 200)).toBe(true);
  });

  it('max with a base date far in the future costs no more calls than max up to today', async () => {
    emulator.clearRequests();
    expect((await getData(app, 'get_data/activities/steps?period=max')).body.meta.status_code).toBe(100);
    const upToToday = emulator.requests.length;
    emulator.clearRequests();
    const answer = await getData(app, 'get_data/activities/steps?period=max&base_date=9999-12-31');
    expect(answer.body.meta.status_code).toBe(100);
    expect(answer.body.objects.at(-1)!.dateTime).toBe(today());
    expect(emulator.requests.length).toBeLessThanOrEqual(upToToday);
  });

  // Input checks come before any provider call, so they are cheap enough to run against both.
  it.each(BAD_INPUT)('answers 104 to %s', async (_case, path) => {
    emulator.clearRequests();
    const answer = await getData(app, path);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ meta: { total_count: 0, status_code: 104 }, objects: [] });
    expect(emulator.requests).toEqual([]);
  });

  describe('the order of checks', () => {
    it.each([
      ['unknown type, anonymous → 104', 'get_data/weather/steps?period=7d', null, 104],
      ['unknown type, inactive user → 104', 'get_data/activities/nope?period=nonsense', '1;inactive', 104],
      ['unknown type, user without link → 104', 'get_data/foods/steps', '3', 104],
      ['anonymous → 101', 'get_data/activities/steps?period=7d', null, 101],
      ['anonymous with bad input → 101', 'get_data/activities/steps?period=7d&period=1m', null, 101],
      ['anonymous on get_steps → 101', 'get_steps?period=7d', null, 101],
      ['inactive user → 101', 'get_data/activities/steps?period=7d', '1;inactive', 101],
      ['inactive user with bad input → 101', 'get_data/activities/steps?base_date=2024-02-30', '1;inactive', 101],
      ['user without link → 102', 'get_data/activities/steps?period=7d', '3', 102],
      ['user without link with bad input → 102', 'get_data/activities/steps?period=7d&end_date=2024-01-01', '3', 102],
      ['user without link on get_steps → 102', 'get_steps', '3', 102],
      ['linked user with bad input → 104', 'get_data/activities/steps?period=1x', '1', 104],
    ] as const)('%s', async (_case, path, user, code) => {
      const answer = await getData(app, path, user);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ meta: { total_count: 0, status_code: code }, objects: [] });
    });
  });

  describe('what the provider answers', () => {
    const series = upstream.series;
    const cases: { name: string; fault?: Fault; path?: string; user?: string; code: DataStatus; unlinked?: boolean; data?: boolean; reason?: string }[] = [
      { name: 'data → 100', code: DataStatus.ok, data: true },
      { name: '401 invalid_token → 103, link deleted', fault: { path: series, status: 401 }, code: DataStatus.unauthorized, unlinked: true },
      {
        name: '401 expired_token that a refresh cannot fix → 103, link deleted',
        fault: { path: series, status: 401, body: upstream.expiredToken, times: 2 },
        code: DataStatus.unauthorized,
        unlinked: true,
      },
      {
        name: '403 insufficient scope → 103, link deleted',
        fault: { path: series, status: 403, body: upstream.insufficientScope },
        code: DataStatus.unauthorized,
        unlinked: true,
      },
      { name: '409 → 105', fault: { path: series, status: 409 }, code: DataStatus.rateLimited },
      { name: '429 → 105', fault: { path: series, status: 429 }, code: DataStatus.rateLimited },
      { name: '500 → 106', fault: { path: series, status: 500 }, code: DataStatus.providerError },
      { name: '502 → 106', fault: { path: series, status: 502, body: '<html>bad gateway</html>' }, code: DataStatus.providerError },
      { name: '503 → 106', fault: { path: series, status: 503 }, code: DataStatus.providerError },
      { name: 'no answer in time → 106', fault: { path: series, delayMs: REQUEST_TIMEOUT_MS * 3 }, code: DataStatus.providerError },
      { name: '400 for steps → 104', fault: { path: series, status: 400 }, code: DataStatus.badInput },
      { name: '404 → 104, not a 500', fault: { path: series, status: 404 }, code: DataStatus.badInput },
      { name: '200 with a body that is not JSON → 100, no objects', fault: { path: series, status: 200, body: 'not json' }, code: DataStatus.ok },
      {
        name: `floors: ${upstream.noAltimeter} → 100, no objects`,
        path: 'get_data/activities/floors?period=30d',
        user: '2',
        code: DataStatus.ok,
      },
      {
        name: `tracker/elevation: ${upstream.noAltimeter} → 100, no objects`,
        path: 'get_data/activities/tracker/elevation?period=max',
        user: '2',
        code: DataStatus.ok,
      },
      {
        name: `activeScore, ${upstream.noActiveScore} → 100, no objects, reason unsupported`,
        path: 'get_data/activities/activeScore?period=7d',
        code: DataStatus.ok,
        reason: 'unsupported',
      },
    ];

    it.each(cases)('$name', async ({ fault, path, user, code, unlinked, data, reason }) => {
      if (fault) emulator.faults.inject(fault);
      const appUser = user ?? '1';
      const answer = await getData(app, path ?? 'get_data/activities/steps?period=7d', appUser);
      expect(answer.status).toBe(200);
      expect(answer.body.meta).toEqual({ total_count: data ? 7 : 0, status_code: code, ...(reason ? { reason } : {}) });
      expect(answer.body.objects).toHaveLength(data ? 7 : 0);
      expect(await isLinked(app, appUser)).toBe(!unlinked);
      if (unlinked) expect((await getData(app, 'get_data/activities/steps?period=7d', appUser)).body.meta.status_code).toBe(102);
    });

    it('an expired access token is refreshed once and the data served (100)', async () => {
      emulator.expireAccessTokens(kiritimati.id);
      const answer = await getData(app, 'get_data/activities/steps?period=1d');
      expect(answer.body).toEqual({ meta: { total_count: 1, status_code: 100 }, objects: valuesOf(kiritimati, 'activities/steps', [today()]) });
      expect(emulator.stats.refreshCalls(kiritimati.id)).toBeGreaterThanOrEqual(1);
    });

    it('a dead refresh token (invalid_grant) → 103, link deleted', async () => {
      await linkUser(app, emulator, '1', kiritimati, { expiresAt: Date.now() - 1000 });
      emulator.faults.inject({ path: providerFacts(emulator).tokenPath, status: 400, body: upstream.invalidGrant });
      const answer = await getData(app, 'get_data/activities/steps?period=7d');
      expect(answer.body).toEqual({ meta: { total_count: 0, status_code: 103 }, objects: [] });
      expect(await isLinked(app, '1')).toBe(false);
    });

    it('the token endpoint failing with 503 → 106, link kept', async () => {
      await linkUser(app, emulator, '1', kiritimati, { expiresAt: Date.now() - 1000 });
      emulator.faults.inject({ path: providerFacts(emulator).tokenPath, status: 503 });
      const answer = await getData(app, 'get_data/activities/steps?period=7d');
      expect(answer.body.meta.status_code).toBe(106);
      expect(await isLinked(app, '1')).toBe(true);
    });
  });

  // The 405s come from the routes, before anything provider-specific: one provider is enough.
  if (provider === 'fitbit') {
    describe('405 for every method but GET', () => {
      const paths = ['get_data/activities/steps', 'get_data/activities/tracker/steps', 'get_data/foods/log/water/', 'get_data/weather/x', 'get_steps', 'get_steps/'];
      it.each(['POST', 'PUT', 'DELETE', 'PATCH'].flatMap((method) => paths.map((path) => [method, path] as const)))('%s %s → 405', async (method, path) => {
        for (const user of ['1', null]) {
          const answer = await getData(app, `${path}?period=7d`, user, method);
          expect(answer.status).toBe(405);
          expect(answer.headers.get('allow')).toBe('GET');
        }
      });
    });
  }
});

// Reading stored rows does not depend on the provider that wrote them: both databases, one provider.
describe.each(DATABASE_KINDS)('get_data in database mode (subscribe on), %s', (kind) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;
  let queue: Queue;
  let store: TimeSeriesDataStore;
  let kiritimati: EmulatorUser;
  let pagoPago: EmulatorUser;

  const STEPS = { category: 'activities', resource: 'steps' } as const;

  beforeAll(async () => {
    emulator = await startEmulator({ rateLimitPerHour: 1_000_000 });
    kiritimati = emulator.addUser({ timezone: 'Pacific/Kiritimati' });
    pagoPago = emulator.addUser({ timezone: 'Pacific/Pago_Pago' });
    dataSource = await createDataSource(kind);
    app = await startFitbitTestApp({
      dataSource,
      fitbit: FitbitModule.forRoot({
        ...emulatorOptions(emulator, { subscriberId: 'sub-1', queue: isolatedQueueOptions(`get-data-${kind}`) }),
        subscribe: true,
        worker: false,
      }),
    });
    queue = fitbitQueueOf(app.app);
    store = app.app.get(TimeSeriesDataStore, { strict: false });
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await app?.close();
    await dataSource?.destroy();
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator.clock.set(Date.now());
    emulator.clearRequests();
  });
  afterEach(() => {
    // Database mode never calls Fitbit to answer get_data.
    expect(emulator.requests.filter((request) => request.path.includes('/date/'))).toEqual([]);
  });

  /** Stores `value-<date>` for the ten days around both users' todays. */
  async function storeAround(appUserId: string): Promise<void> {
    const center = emulator.todayOf(kiritimati.id);
    const dates = daysEndingOn(shiftDate(center, 5), 21);
    await store.upsert(appUserId, STEPS, dates.map((dateTime) => ({ dateTime, value: `v-${dateTime}` })));
  }
  const rowsOf = (dates: string[]) => dates.map((dateTime) => ({ dateTime, value: `v-${dateTime}` }));

  it('"today" is today in the user\'s Fitbit time zone', async () => {
    await linkUser(app, emulator, '11', kiritimati);
    await linkUser(app, emulator, '12', pagoPago);
    await storeAround('11');
    await storeAround('12');
    const kiritimatiToday = emulator.todayOf(kiritimati.id);
    const pagoPagoToday = emulator.todayOf(pagoPago.id);
    expect(kiritimatiToday).not.toBe(pagoPagoToday);
    expect((await getData(app, 'get_data/activities/steps?period=1d', '11')).body).toEqual({
      meta: { total_count: 1, status_code: 100 },
      objects: rowsOf([kiritimatiToday]),
    });
    expect((await getData(app, 'get_data/activities/steps?period=7d', '12')).body.objects).toEqual(rowsOf(daysEndingOn(pagoPagoToday, 7)));
    expect((await getData(app, 'get_steps?period=max', '12')).body.objects.at(-1)).toEqual(rowsOf([pagoPagoToday])[0]);
  });

  it('periods end on base_date and count backwards, as Fitbit counts them', async () => {
    await store.upsert('13', STEPS, rowsOf(daysEndingOn('2024-04-02', 120)));
    const objectsOf = async (query: string) => (await getData(app, `get_data/activities/steps?${query}`, '13')).body.objects;
    expect(await objectsOf('period=1d&base_date=2024-03-31')).toEqual(rowsOf(['2024-03-31']));
    expect(await objectsOf('period=7d&base_date=2024-03-31')).toEqual(rowsOf(daysEndingOn('2024-03-31', 7)));
    expect(await objectsOf('period=1w&base_date=2024-03-31')).toEqual(rowsOf(daysEndingOn('2024-03-31', 7)));
    expect(await objectsOf('period=30d&base_date=2024-03-31')).toEqual(rowsOf(daysEndingOn('2024-03-31', 30)));
    // 1m ending on 31 March starts on 1 March (29 February + 1 day).
    expect(await objectsOf('period=1m&base_date=2024-03-31')).toEqual(rowsOf(daysEndingOn('2024-03-31', 31)));
    expect(await objectsOf('period=1m&base_date=2024-03-01')).toEqual(rowsOf(daysEndingOn('2024-03-01', 29)));
    expect(await objectsOf('period=3m&base_date=2024-04-02')).toEqual(rowsOf(daysEndingOn('2024-04-02', 91)));
    expect(await objectsOf('period=max&base_date=2024-01-10')).toEqual(rowsOf(daysEndingOn('2024-01-10', 120 - 83)));
    expect(await objectsOf('base_date=2024-01-30&end_date=2024-02-02')).toEqual(rowsOf(daysEndingOn('2024-02-02', 4)));
    expect(await objectsOf('period=6m&base_date=2023-12-06')).toEqual(rowsOf(daysEndingOn('2023-12-06', 2)));
    expect(await objectsOf('period=1y&base_date=2023-12-04')).toEqual([]);
  });

  it('serves a user without a link their stored rows (no 102), and a user whose link was removed too', async () => {
    await store.upsert('14', STEPS, rowsOf(daysEndingOn('2024-05-10', 10)));
    const never = await getData(app, 'get_data/activities/steps?base_date=2024-05-01&end_date=2024-05-31', '14');
    expect(never.body).toEqual({ meta: { total_count: 10, status_code: 100 }, objects: rowsOf(daysEndingOn('2024-05-10', 10)) });

    await linkUser(app, emulator, '15', emulator.addUser({ timezone: 'Asia/Tokyo' }));
    await store.upsert('15', STEPS, rowsOf(daysEndingOn('2024-05-10', 3)));
    await dataSource.query(`DELETE FROM fitbit_user_link WHERE user_id = '15'`);
    expect(await isLinked(app, '15')).toBe(false);
    expect((await getData(app, 'get_steps?period=7d&base_date=2024-05-10', '15')).body).toEqual({
      meta: { total_count: 3, status_code: 100 },
      objects: rowsOf(daysEndingOn('2024-05-10', 3)),
    });
  });

  it('returns nothing for a user without rows, and only the asking user\'s rows', async () => {
    await store.upsert('16', STEPS, rowsOf(daysEndingOn('2024-06-10', 5)));
    // User 17 has no link and nothing stored: an empty answer that says so.
    expect((await getData(app, 'get_data/activities/steps?period=7d&base_date=2024-06-10', '17')).body).toEqual({
      meta: { total_count: 0, status_code: 100, reason: 'not-linked' },
      objects: [],
    });
    expect((await getData(app, 'get_data/activities/distance?period=7d&base_date=2024-06-10', '16')).body.objects).toEqual([]);
  });

  it('tells an empty answer\'s reason: a scope not granted, a history still importing, a type the provider cannot serve', async () => {
    const user = emulator.addUser({ timezone: 'UTC' });
    // The grant covers activity only: weight was not granted.
    await linkUser(app, emulator, '20', user, { scopes: ['activity', 'profile'] });
    const empty = async (path: string) => (await getData(app, `get_data/${path}?period=7d&base_date=2024-06-10`, '20')).body;
    expect(await empty('body/weight')).toEqual({ meta: { total_count: 0, status_code: 100, reason: 'not-granted' }, objects: [] });
    expect(await empty('activities/activeScore')).toEqual({ meta: { total_count: 0, status_code: 100, reason: 'unsupported' }, objects: [] });
    // Granted, nothing stored, nothing importing: no data, and no reason.
    expect(await empty('activities/steps')).toEqual({ meta: { total_count: 0, status_code: 100 }, objects: [] });

    const progress = app.app.get(ImportProgress, { strict: false });
    const providerUserId = providerFacts(emulator).providerUserIdOf(user);
    await progress.plan(providerUserId, ['activities/steps']);
    expect(await empty('activities/steps')).toEqual({ meta: { total_count: 0, status_code: 100, reason: 'importing' }, objects: [] });
    await progress.mark(providerUserId, 'activities/steps', { state: 'done', rows: 0 });
    expect(await empty('activities/steps')).toEqual({ meta: { total_count: 0, status_code: 100 }, objects: [] });
  });

  it('writes stored values as JSON.stringify would: null, quotes, backslashes, control characters, non-ASCII', async () => {
    const values = [null, '', '07:12', 'say "hi"', 'back\\slash', 'tab\there\nnew\u0001', 'é ü 中 😀 \u2028', '12.50'];
    const dates = daysEndingOn('2024-07-31', values.length);
    await store.upsert('19', STEPS, dates.map((dateTime, i) => ({ dateTime, value: values[i]! })));
    const response = await fetch(`${app.url}/fitbit/get_data/activities/steps?base_date=2024-07-01&end_date=2024-07-31`, {
      headers: { 'x-test-user': '19' },
    });
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const expected = { meta: { total_count: values.length, status_code: 100 }, objects: dates.map((dateTime, i) => ({ dateTime, value: values[i] })) };
    expect(await response.text()).toBe(JSON.stringify(expected));
  });

  it.each([
    ['unknown type, anonymous → 104', 'get_data/weather/steps?period=7d', null, 104],
    ['anonymous with bad input → 101', 'get_data/activities/steps?period=2d', null, 101],
    ['inactive user → 101', 'get_data/activities/steps?period=7d', '16;inactive', 101],
    ['user without link, bad input → 104 (no 102 when subscribing)', 'get_data/activities/steps?period=7d&period=1m', '18', 104],
    ['user without link, range too long → 104', 'get_data/activities/steps?base_date=2020-01-01&end_date=2024-01-01', '18', 104],
  ] as const)('%s', async (_case, path, user, code) => {
    const answer = await getData(app, path, user);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ meta: { total_count: 0, status_code: code }, objects: [] });
  });

  it.each(BAD_INPUT)('answers 104 to %s', async (_case, path) => {
    const answer = await getData(app, path, '16');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ meta: { total_count: 0, status_code: 104 }, objects: [] });
  });

  it('405 for other methods', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const path of ['get_data/activities/steps', 'get_steps/']) expect((await getData(app, path, '16', method)).status).toBe(405);
    }
  });
});
