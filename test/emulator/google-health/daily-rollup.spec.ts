import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorUser, FitbitEmulator } from '../../../lib/testing/index.js';
import { civil, dateOfCivil, errorOf, range, rollUp, startGoogleEmulator } from './helpers/google-client.js';

const WEARABLES = 'users/me/dataSourceFamilies/google-wearables';
const WEEK = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07'];

describe('google-health dataPoints:dailyRollUp', () => {
  let emulator: FitbitEmulator;
  let user: EmulatorUser;
  let token: string;

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    user = emulator.addUser({ timezone: 'Europe/Berlin', memberSince: '2026-01-01' });
    token = emulator.issueTokens(user.id).accessToken;
  });
  afterAll(() => emulator.stop());

  const legacy = (path: string, date: string) => Number(emulator.dailyValue(user.id, path, date));
  const buckets = async (dataType: string, start = '2026-03-01', end = '2026-03-08', extra: Record<string, unknown> = {}) => {
    const answer = await rollUp(emulator, token, dataType, range(start, end, extra));
    expect(answer.status).toBe(200);
    return answer.body.rollupDataPoints as Record<string, any>[];
  };

  it('answers one bucket per local day, oldest first, civil dates end-exclusive, steps as an int64 string', async () => {
    const points = await buckets('steps');
    expect(points.map((point) => dateOfCivil(point.civilStartTime))).toEqual(WEEK);
    expect(points[0]!.civilStartTime).toEqual(civil('2026-03-01'));
    expect(points[0]!.civilEndTime).toEqual(civil('2026-03-02'));
    expect(points[6]!.civilEndTime).toEqual(civil('2026-03-08'));
    for (const [index, date] of WEEK.entries()) {
      expect(points[index]!.steps).toEqual({ countSum: emulator.dailyValue(user.id, 'activities/steps', date) });
    }
    expect(Object.keys(points[0]!).sort()).toEqual(['civilEndTime', 'civilStartTime', 'steps']);
  });

  it('treats the end as exclusive: [d, d+1) is that one day', async () => {
    const points = await buckets('steps', '2026-03-04', '2026-03-05');
    expect(points).toHaveLength(1);
    expect(dateOfCivil(points[0]!.civilStartTime)).toBe('2026-03-04');
  });

  it('converts the legacy values with the contract\'s factors', async () => {
    const date = '2026-03-03';
    const one = async (dataType: string) => (await buckets(dataType, date, '2026-03-04'))[0]!;
    expect((await one('distance')).distance).toEqual({ millimetersSum: String(Math.round(legacy('activities/distance', date) * 1e6)) });
    expect(Number((await one('distance')).distance.millimetersSum) / 1e6).toBe(legacy('activities/distance', date));
    expect((await one('floors')).floors).toEqual({ countSum: String(legacy('activities/floors', date)) });
    expect(Number((await one('altitude')).altitude.gainMillimetersSum) / 1000).toBe(legacy('activities/elevation', date));
    expect((await one('total-calories')).totalCalories).toEqual({ kcalSum: legacy('activities/calories', date) });
    expect((await one('active-energy-burned')).activeEnergyBurned).toEqual({ kcalSum: legacy('activities/activityCalories', date) });
    expect((await one('sedentary-period')).sedentaryPeriod).toEqual({ durationSum: `${legacy('activities/minutesSedentary', date) * 60}s` });
    expect((await one('weight')).weight.weightGramsAvg / 1000).toBe(legacy('body/weight', date));
    expect((await one('body-fat')).bodyFat).toEqual({ bodyFatPercentageAvg: legacy('body/fat', date) });
    expect((await one('hydration-log')).hydrationLog).toEqual({ amountConsumed: { millilitersSum: legacy('foods/log/water', date) } });
    expect((await one('nutrition-log')).nutritionLog).toEqual({ energy: { kcalSum: legacy('foods/log/caloriesIn', date) } });
  });

  it('splits active minutes by activity level: LIGHT, MODERATE, VIGOROUS from the lightly, fairly and very active minutes', async () => {
    const points = await buckets('active-minutes');
    expect(points).toHaveLength(7);
    for (const [index, date] of WEEK.entries()) {
      expect(points[index]!.activeMinutes.activeMinutesRollupByActivityLevel).toEqual([
        { activityLevel: 'LIGHT', activeMinutesSum: emulator.dailyValue(user.id, 'activities/minutesLightlyActive', date) },
        { activityLevel: 'MODERATE', activeMinutesSum: emulator.dailyValue(user.id, 'activities/minutesFairlyActive', date) },
        { activityLevel: 'VIGOROUS', activeMinutesSum: emulator.dailyValue(user.id, 'activities/minutesVeryActive', date) },
      ]);
    }
  });

  it('serves the tracker-only values for dataSourceFamily users/me/dataSourceFamilies/google-wearables', async () => {
    const all = await buckets('steps');
    const wearables = await buckets('steps', '2026-03-01', '2026-03-08', { dataSourceFamily: WEARABLES });
    for (const [index, date] of WEEK.entries()) {
      expect(wearables[index]!.steps.countSum).toBe(emulator.dailyValue(user.id, 'activities/tracker/steps', date));
      expect(Number(wearables[index]!.steps.countSum)).toBeLessThanOrEqual(Number(all[index]!.steps.countSum));
    }
    const calories = await buckets('total-calories', '2026-03-01', '2026-03-08', { dataSourceFamily: WEARABLES });
    expect(calories[2]!.totalCalories.kcalSum).toBe(legacy('activities/tracker/calories', '2026-03-03'));
    const minutes = await buckets('active-minutes', '2026-03-01', '2026-03-02', { dataSourceFamily: `users/${user.healthUserId}/dataSourceFamilies/google-wearables` });
    expect(minutes[0]!.activeMinutes.activeMinutesRollupByActivityLevel[2].activeMinutesSum).toBe(
      emulator.dailyValue(user.id, 'activities/tracker/minutesVeryActive', '2026-03-01'),
    );
    expect(emulator.googleValue(user.id, 'distance', '2026-03-02', { dataSourceFamily: 'google-wearables' })).toEqual({
      millimetersSum: String(Math.round(legacy('activities/tracker/distance', '2026-03-02') * 1e6)),
    });
    expect(await buckets('weight', '2026-03-01', '2026-03-08', { dataSourceFamily: WEARABLES })).toEqual([]);
  });

  it('reads all sources by default and for all-sources or google-sources, and only logged data for self-sources', async () => {
    const all = await buckets('steps');
    for (const family of ['all-sources', 'google-sources']) {
      expect(await buckets('steps', '2026-03-01', '2026-03-08', { dataSourceFamily: `users/me/dataSourceFamilies/${family}` })).toEqual(all);
    }
    expect(await buckets('steps', '2026-03-01', '2026-03-08', { dataSourceFamily: 'users/me/dataSourceFamilies/self-sources' })).toEqual([]);
    expect(await buckets('weight', '2026-03-01', '2026-03-08', { dataSourceFamily: 'users/me/dataSourceFamilies/self-sources' })).toEqual(await buckets('weight'));
  });

  it('refuses a family that is not a resource name (the bare word, another user, an unknown family), and records it', async () => {
    for (const family of ['google-wearables', 'users/12345678901234567890/dataSourceFamilies/google-wearables', 'users/me/dataSourceFamilies/phones']) {
      const answer = await rollUp(emulator, token, 'steps', range('2026-03-01', '2026-03-08', { dataSourceFamily: family }));
      expect(answer.status, family).toBe(400);
      expect(errorOf(answer.body).message).toContain('users/me/dataSourceFamilies/');
    }
    expect(emulator.takeContractViolations().map((violation) => violation.side)).toEqual(['request', 'request', 'request']);
  });

  it('googleValue gives exactly the bucket\'s field', async () => {
    const points = await buckets('sedentary-period');
    expect(points[4]!.sedentaryPeriod).toEqual(emulator.googleValue(user.id, 'sedentary-period', WEEK[4]!));
    expect((await buckets('weight'))[1]!.weight).toEqual(emulator.googleValue(user.id, 'weight', WEEK[1]!));
  });

  it('has no buckets before memberSince or after the user\'s local today', async () => {
    expect(emulator.todayOf(user.id)).toBe('2026-03-15');
    const points = await buckets('steps', '2025-12-28', '2026-03-20');
    expect(dateOfCivil(points[0]!.civilStartTime)).toBe('2026-01-01');
    expect(dateOfCivil(points.at(-1)!.civilStartTime)).toBe('2026-03-15');
    expect(points).toHaveLength(74);
    expect(emulator.googleValue(user.id, 'steps', '2026-03-16')).toBeNull();
  });

  it('has no floors or altitude buckets for a user without an altimeter', async () => {
    const flat = emulator.addUser({ hasAltimeter: false, memberSince: '2026-01-01' });
    const flatToken = emulator.issueTokens(flat.id).accessToken;
    expect((await rollUp(emulator, flatToken, 'floors', range('2026-03-01', '2026-03-08'))).body).toEqual({ rollupDataPoints: [] });
    expect((await rollUp(emulator, flatToken, 'altitude', range('2026-03-01', '2026-03-08'))).body).toEqual({ rollupDataPoints: [] });
    expect((await rollUp(emulator, flatToken, 'steps', range('2026-03-01', '2026-03-08'))).body.rollupDataPoints).toHaveLength(7);
  });

  it('caps ranges at 14 days for active-minutes and total-calories, 90 days for the rest', async () => {
    const status = async (dataType: string, start: string, end: string) => (await rollUp(emulator, token, dataType, range(start, end))).status;
    expect(await status('active-minutes', '2026-03-01', '2026-03-15')).toBe(200);
    expect(await status('active-minutes', '2026-03-01', '2026-03-16')).toBe(400);
    expect(await status('total-calories', '2026-03-01', '2026-03-15')).toBe(200);
    expect(await status('total-calories', '2026-02-28', '2026-03-15')).toBe(400);
    expect(await status('steps', '2025-12-15', '2026-03-15')).toBe(200);
    expect(await status('steps', '2025-12-14', '2026-03-15')).toBe(400);
    expect(await status('weight', '2025-12-14', '2026-03-15')).toBe(400);
    const over = await rollUp(emulator, token, 'active-minutes', range('2026-03-01', '2026-03-16'));
    expect(errorOf(over.body)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(emulator.takeContractViolations()).toHaveLength(5);
  });

  it('insists on JSON integers for year, month and day, and on a well-formed body', async () => {
    const bad = [
      { range: { start: { date: { year: 2026, month: '03', day: 1 } }, end: civil('2026-03-08') }, windowSizeDays: 1 },
      { range: { start: { date: { year: '2026', month: 3, day: 1 } }, end: civil('2026-03-08') }, windowSizeDays: 1 },
      { range: { start: { date: { year: 2026, month: 3.5, day: 1 } }, end: civil('2026-03-08') }, windowSizeDays: 1 },
      { range: { start: { date: { year: 2026, month: 2, day: 30 } }, end: civil('2026-03-08') }, windowSizeDays: 1 },
      { range: { start: civil('2026-03-01') }, windowSizeDays: 1 },
      range('2026-03-08', '2026-03-01'),
      range('2026-03-01', '2026-03-01'),
      range('2026-03-01', '2026-03-08', { windowSizeDays: 7 }),
      range('2026-03-01', '2026-03-08', { dataSourceFamily: 'phones' }),
      range('2026-03-01', '2026-03-08', { pageSize: -1 }),
      range('2026-03-01', '2026-03-08', { pageSize: '10' }),
      range('2026-03-01', '2026-03-08', { bucketSize: 1 }),
    ];
    for (const body of bad) {
      const answer = await rollUp(emulator, token, 'steps', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(answer.body).status).toBe('INVALID_ARGUMENT');
    }
    expect((await rollUp(emulator, token, 'steps', '{"range": ')).status).toBe(400);
    const text = '{"range":{"start":{"date":{"year":2026,"month":03,"day":1}},"end":{"date":{"year":2026,"month":3,"day":8}}},"windowSizeDays":1}';
    expect((await rollUp(emulator, token, 'steps', text)).status).toBe(400);
    expect(emulator.takeContractViolations()).toHaveLength(bad.length + 2);
  });

  it('accepts pageSize and pageToken, which the method declares', async () => {
    expect(await buckets('steps', '2026-03-01', '2026-03-08', { pageSize: 10, pageToken: '' })).toEqual(await buckets('steps'));
  });

  it('refuses types without a daily roll-up (sleep, basal-energy-burned, height) and unknown types with 400 INVALID_ARGUMENT', async () => {
    for (const dataType of ['sleep', 'basal-energy-burned', 'height', 'heart-rate-variability', 'bmi']) {
      const answer = await rollUp(emulator, token, dataType, range('2026-03-01', '2026-03-08'));
      expect(answer.status, dataType).toBe(400);
      expect(errorOf(answer.body).status).toBe('INVALID_ARGUMENT');
    }
    expect(emulator.takeContractViolations()).toHaveLength(5);
  });
});
