import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDailyValue, SERVED_TIME_SERIES_PATHS, type FitbitEmulator } from '../../lib/testing/index.js';
import { TIME_SERIES_TYPES, timeSeriesPath } from '../../lib/data/time-series-data-types.js';
import { callApi, errorTypeOf, seriesOf, startEmulator } from './helpers/emulator-client.js';

/** FIXED_NOW is 2024-03-31 12:00 UTC: 05:00 that day in Los Angeles. */
describe('emulator time series', () => {
  let emulator: FitbitEmulator;
  let userId: string;
  let token: string;

  beforeAll(async () => {
    emulator = await startEmulator({ rateLimitPerHour: 100_000 });
    userId = emulator.addUser({ id: 'TS0001', memberSince: '2020-01-01' }).id;
    token = emulator.issueTokens(userId).accessToken;
  });
  afterAll(() => emulator.stop());

  const get = (path: string, accessToken = token) => callApi(emulator, accessToken, path);
  const datesOf = async (path: string, key = 'activities-steps') => {
    const answer = await get(path);
    expect(answer.status).toBe(200);
    return seriesOf(answer.body, key).map((entry) => entry.dateTime);
  };

  describe('answer shape', () => {
    it('keys the series by the path with / replaced by -, values are strings equal to the generator', async () => {
      for (const [path, key] of [
        ['activities/steps', 'activities-steps'],
        ['activities/tracker/steps', 'activities-tracker-steps'],
        ['foods/log/water', 'foods-log-water'],
        ['body/weight', 'body-weight'],
        ['sleep/minutesAsleep', 'sleep-minutesAsleep'],
      ] as const) {
        const answer = await get(`/1/user/-/${path}/date/2024-03-10/7d.json`);
        expect(Object.keys(answer.body as object)).toEqual([key]);
        for (const entry of seriesOf(answer.body, key)) {
          expect(typeof entry.value).toBe('string');
          expect(entry.value).toBe(generateDailyValue(userId, path, entry.dateTime));
          expect(entry.value).toBe(emulator.dailyValue(userId, path, entry.dateTime));
        }
      }
    });

    it('serves every path Fitbit still serves', async () => {
      const seeded = TIME_SERIES_TYPES.map(timeSeriesPath).filter((path) => !path.endsWith('activeScore'));
      expect([...SERVED_TIME_SERIES_PATHS].sort()).toEqual(seeded.sort());
      expect(SERVED_TIME_SERIES_PATHS).toHaveLength(34);
      for (const path of SERVED_TIME_SERIES_PATHS) {
        const answer = await get(`/1/user/-/${path}/date/2024-03-31/1d.json`);
        expect(answer.status, path).toBe(200);
        expect(seriesOf(answer.body, path.replaceAll('/', '-'))).toHaveLength(1);
      }
    });

    it('answers 404 for an unknown path', async () => {
      const answer = await get('/1/user/-/activities/heartbeats/date/today/1d.json');
      expect(answer.status).toBe(404);
      expect(errorTypeOf(answer.body)).toBe('not_found');
    });
  });

  describe('periods end on the base date', () => {
    it.each([
      ['1d', '2024-03-15', '2024-03-15', 1],
      ['7d', '2024-03-15', '2024-03-09', 7],
      ['1w', '2024-03-15', '2024-03-09', 7],
      ['30d', '2024-03-15', '2024-02-15', 30],
      ['1m', '2024-03-31', '2024-03-01', 31],
      ['1m', '2024-03-15', '2024-02-16', 29],
      ['3m', '2024-03-15', '2023-12-16', 91],
      ['6m', '2024-03-15', '2023-09-16', 182],
      ['1y', '2024-03-15', '2023-03-16', 366],
      ['1m', '2024-02-29', '2024-01-30', 31],
    ])('%s on %s starts on %s (%i days), oldest first', async (period, base, start, days) => {
      const dates = await datesOf(`/1/user/-/activities/steps/date/${base}/${period}.json`);
      expect(dates).toHaveLength(days);
      expect(dates[0]).toBe(start);
      expect(dates.at(-1)).toBe(base);
      expect([...dates].sort()).toEqual(dates);
    });

    it('max runs from memberSince to the base date for body and sleep', async () => {
      const user = emulator.addUser({ memberSince: '2024-01-10' });
      const userToken = emulator.issueTokens(user.id).accessToken;
      const weights = seriesOf((await get('/1/user/-/body/weight/date/2024-03-01/max.json', userToken)).body, 'body-weight');
      expect(weights[0]!.dateTime).toBe('2024-01-10');
      expect(weights.at(-1)!.dateTime).toBe('2024-03-01');
      expect((await get('/1/user/-/sleep/efficiency/date/today/max.json', userToken)).status).toBe(200);
    });

    it.each(['activities/steps', 'activities/tracker/distance', 'foods/log/water', 'foods/log/caloriesIn'])(
      'max is rejected with 400 validation for %s',
      async (path) => {
        const answer = await get(`/1/user/-/${path}/date/today/max.json`);
        expect(answer.status).toBe(400);
        expect(errorTypeOf(answer.body)).toBe('validation');
      },
    );
  });

  describe('today and the edges of the user\'s history', () => {
    it('"today" is today in the user\'s time zone on the emulator clock', async () => {
      const east = emulator.addUser({ timezone: 'Pacific/Kiritimati' });
      const west = emulator.addUser({ timezone: 'Pacific/Honolulu' });
      const eastDates = seriesOf((await get('/1/user/-/activities/steps/date/today/1d.json', emulator.issueTokens(east.id).accessToken)).body, 'activities-steps');
      const westDates = seriesOf((await get('/1/user/-/activities/steps/date/today/1d.json', emulator.issueTokens(west.id).accessToken)).body, 'activities-steps');
      expect(eastDates.map((entry) => entry.dateTime)).toEqual(['2024-04-01']);
      expect(westDates.map((entry) => entry.dateTime)).toEqual(['2024-03-31']);
    });

    it('days after the user\'s today get no entry', async () => {
      const dates = await datesOf('/1/user/-/activities/steps/date/2024-03-28/2024-04-05.json');
      expect(dates).toEqual(['2024-03-28', '2024-03-29', '2024-03-30', '2024-03-31']);
      expect(emulator.dailyValue(userId, 'activities/steps', '2024-04-01')).toBeNull();
    });

    it('days before memberSince get no entry', async () => {
      const user = emulator.addUser({ memberSince: '2024-03-28' });
      const answer = await get('/1/user/-/activities/steps/date/2024-03-31/7d.json', emulator.issueTokens(user.id).accessToken);
      expect(seriesOf(answer.body, 'activities-steps').map((entry) => entry.dateTime)).toEqual(['2024-03-28', '2024-03-29', '2024-03-30', '2024-03-31']);
      expect(emulator.dailyValue(user.id, 'activities/steps', '2024-03-27')).toBeNull();
    });
  });

  describe('date ranges', () => {
    it('answers every day from start to end inclusive', async () => {
      expect(await datesOf('/1/user/-/activities/steps/date/2024-02-27/2024-03-02.json')).toEqual([
        '2024-02-27',
        '2024-02-28',
        '2024-02-29',
        '2024-03-01',
        '2024-03-02',
      ]);
    });

    it('accepts 1095 days and rejects 1096', async () => {
      expect(await datesOf('/1/user/-/activities/steps/date/2021-04-01/2024-03-30.json')).toHaveLength(1095);
      const answer = await get('/1/user/-/activities/steps/date/2021-03-31/2024-03-30.json');
      expect(answer.status).toBe(400);
      expect(errorTypeOf(answer.body)).toBe('validation');
    });

    it.each([
      ['an end before the start', '/1/user/-/activities/steps/date/2024-03-10/2024-03-09.json'],
      ['a date that does not exist', '/1/user/-/activities/steps/date/2024-02-30/2024-03-09.json'],
      ['an end date that does not exist', '/1/user/-/activities/steps/date/2023-02-01/2023-02-29.json'],
      ['a malformed base date', '/1/user/-/activities/steps/date/2024-3-1/7d.json'],
      ['an unknown period', '/1/user/-/activities/steps/date/today/2d.json'],
    ])('answers 400 validation for %s', async (_what, path) => {
      const answer = await get(path);
      expect(answer.status).toBe(400);
      expect(errorTypeOf(answer.body)).toBe('validation');
    });
  });

  describe('refusals', () => {
    it.each(['activities/activeScore', 'activities/tracker/activeScore'])('%s is gone: 400', async (path) => {
      const answer = await get(`/1/user/-/${path}/date/today/7d.json`);
      expect(answer.status).toBe(400);
      expect(errorTypeOf(answer.body)).toBe('validation');
    });

    it('floors and elevation answer 400 for a user without an altimeter', async () => {
      const user = emulator.addUser({ hasAltimeter: false });
      const userToken = emulator.issueTokens(user.id).accessToken;
      for (const path of ['activities/floors', 'activities/elevation', 'activities/tracker/floors', 'activities/tracker/elevation']) {
        const answer = await get(`/1/user/-/${path}/date/today/7d.json`, userToken);
        expect(answer.status, path).toBe(400);
        expect(errorTypeOf(answer.body)).toBe('validation');
        expect((await get(`/1/user/-/${path}/date/today/7d.json`)).status, `${path} with an altimeter`).toBe(200);
      }
      expect((await get('/1/user/-/activities/steps/date/today/7d.json', userToken)).status).toBe(200);
    });

    it.each([
      ['activities/steps', 'activity'],
      ['body/weight', 'weight'],
      ['foods/log/water', 'nutrition'],
      ['sleep/startTime', 'sleep'],
    ])('%s needs the %s scope (403 insufficient_scope without)', async (path, scope) => {
      const otherScopes = ['activity', 'weight', 'nutrition', 'sleep', 'profile'].filter((s) => s !== scope);
      const without = await get(`/1/user/-/${path}/date/today/1d.json`, emulator.issueTokens(userId, { scopes: otherScopes }).accessToken);
      expect(without.status).toBe(403);
      expect(errorTypeOf(without.body)).toBe('insufficient_scope');
      const withIt = await get(`/1/user/-/${path}/date/today/1d.json`, emulator.issueTokens(userId, { scopes: [scope] }).accessToken);
      expect(withIt.status).toBe(200);
    });

    it('refuses another user\'s id in the path with 403 insufficient_permissions; accepts its own id', async () => {
      const other = emulator.addUser();
      const mine = emulator.issueTokens(userId).accessToken;
      const answer = await get(`/1/user/${other.id}/activities/steps/date/today/1d.json`, mine);
      expect(answer.status).toBe(403);
      expect(errorTypeOf(answer.body)).toBe('insufficient_permissions');
      expect((await get(`/1/user/${userId}/activities/steps/date/today/1d.json`, mine)).status).toBe(200);
    });
  });
});
