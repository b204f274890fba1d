import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorUser, FitbitEmulator } from '../../../lib/testing/index.js';
import { errorOf, listPoints, startGoogleEmulator } from './helpers/google-client.js';

const endFilter = (from: string, to: string) => `sleep.interval.civil_end_time >= "${from}" AND sleep.interval.civil_end_time < "${to}"`;

function datesBetween(start: string, endExclusive: string): string[] {
  const dates: string[] = [];
  for (let day = Date.parse(`${start}T00:00:00Z`); day < Date.parse(`${endExclusive}T00:00:00Z`); day += 86_400_000) dates.push(new Date(day).toISOString().slice(0, 10));
  return dates;
}

describe('google-health dataPoints list', () => {
  let emulator: FitbitEmulator;
  let user: EmulatorUser;
  let token: string;

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    user = emulator.addUser({ timezone: 'Europe/Berlin', memberSince: '2026-01-01' });
    token = emulator.issueTokens(user.id).accessToken;
  });
  afterAll(() => emulator.stop());

  const nightsWithSleep = (start: string, endExclusive: string) =>
    datesBetween(start, endExclusive).filter((date) => emulator.dailyValue(user.id, 'sleep/startTime', date) !== '');

  it('lists sleep newest first, each night dated by its civil end, with the legacy summary', async () => {
    const answer = await listPoints(emulator, token, 'sleep', { filter: endFilter('2026-03-01', '2026-03-08') });
    expect(answer.status).toBe(200);
    expect(answer.body.nextPageToken).toBeUndefined();
    const points = answer.body.dataPoints as any[];
    const expected = nightsWithSleep('2026-03-01', '2026-03-08').reverse();
    expect(points.map((point) => point.sleep.interval.civilEndTime.slice(0, 10))).toEqual(expected);
    for (const point of points) {
      const date = point.sleep.interval.civilEndTime.slice(0, 10);
      const value = (resource: string) => emulator.dailyValue(user.id, `sleep/${resource}`, date);
      const { sleep } = point;
      expect(sleep.type).toBe('MAIN');
      expect(sleep.summary).toEqual({
        minutesAsleep: value('minutesAsleep'),
        minutesAwake: value('minutesAwake'),
        minutesInSleepPeriod: value('timeInBed'),
        minutesToFallAsleep: value('minutesToFallAsleep'),
        minutesAfterWakeUp: value('minutesAfterWakeup'),
      });
      expect(sleep.summary.efficiency).toBeUndefined();
      expect(sleep.interval.civilStartTime.slice(11, 16)).toBe(value('startTime'));
      const startDate = sleep.interval.civilStartTime.slice(0, 10);
      expect(startDate === date || Number(value('startTime')!.slice(0, 2)) >= 12).toBe(true);
      expect(Date.parse(sleep.interval.endTime) - Date.parse(sleep.interval.startTime)).toBe(Number(value('timeInBed')) * 60_000);
      // Berlin is UTC+1 in early March.
      expect(Date.parse(sleep.interval.startTime)).toBe(Date.parse(`${sleep.interval.civilStartTime}Z`) - 3_600_000);
      expect(sleep.interval.startTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(emulator.googleValue(user.id, 'sleep', date)).toEqual(sleep);
    }
  });

  it('has no point for a night without sleep', async () => {
    const all = datesBetween('2026-01-01', '2026-03-16');
    const sleepless = all.filter((date) => emulator.dailyValue(user.id, 'sleep/startTime', date) === '');
    expect(sleepless.length).toBeGreaterThan(0);
    for (const date of sleepless) expect(emulator.googleValue(user.id, 'sleep', date)).toBeNull();
    const answer = await listPoints(emulator, token, 'sleep', { filter: endFilter(sleepless[0]!, datesBetween(sleepless[0]!, '2026-12-31')[1]!) });
    expect(answer.body.dataPoints).toEqual([]);
  });

  it('pages sleep 25 at a time (a bigger pageSize is capped) with nextPageToken until the last page', async () => {
    const expected = nightsWithSleep('2026-01-01', '2026-03-16').reverse();
    expect(expected.length).toBeGreaterThan(50);
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const answer = await listPoints(emulator, token, 'sleep', { pageSize: '100', ...(pageToken ? { pageToken } : {}) });
      expect(answer.status).toBe(200);
      const points = answer.body.dataPoints as any[];
      expect(points.length).toBeLessThanOrEqual(25);
      seen.push(...points.map((point) => point.sleep.interval.civilEndTime.slice(0, 10)));
      pageToken = answer.body.nextPageToken;
      pages++;
      if (pageToken) expect(points).toHaveLength(25);
    } while (pageToken);
    expect(pages).toBe(Math.ceil(expected.length / 25));
    expect(seen).toEqual(expected);
    const small = await listPoints(emulator, token, 'sleep', { pageSize: '5' });
    expect(small.body.dataPoints).toHaveLength(5);
    const second = await listPoints(emulator, token, 'sleep', { pageSize: '5', pageToken: small.body.nextPageToken });
    expect(second.body.dataPoints[0].sleep.interval.civilEndTime.slice(0, 10)).toBe(expected[5]);
  });

  it('refuses a page token from another query and a malformed one', async () => {
    const first = await listPoints(emulator, token, 'sleep', { pageSize: '5' });
    const other = await listPoints(emulator, token, 'sleep', { filter: endFilter('2026-01-01', '2026-03-01'), pageToken: first.body.nextPageToken });
    expect(other.status).toBe(400);
    expect((await listPoints(emulator, token, 'sleep', { pageToken: 'garbage!' })).status).toBe(400);
    expect((await listPoints(emulator, token, 'sleep', { pageSize: '-1' })).status).toBe(400);
  });

  it('accepts only the >= / < AND form on the type\'s own field; anything else is 400 INVALID_ARGUMENT', async () => {
    const ok = [
      endFilter('2026-03-01', '2026-03-08'),
      'sleep.interval.civil_end_time >= "2026-03-01"',
      'sleep.interval.civil_end_time < "2026-03-08"',
      'sleep.interval.civil_end_time < "2026-03-08" AND sleep.interval.civil_end_time >= "2026-03-01"',
    ];
    for (const filter of ok) expect((await listPoints(emulator, token, 'sleep', { filter })).status, filter).toBe(200);
    const bad = [
      'sleep.interval.civil_start_time >= "2026-03-01"',
      'sleep.interval.civil_end_time > "2026-03-01"',
      'sleep.interval.civil_end_time <= "2026-03-08"',
      'sleep.interval.civil_end_time >= "2026-03-01" OR sleep.interval.civil_end_time < "2026-03-08"',
      'sleep.interval.civil_end_time >= 2026-03-01',
      'sleep.interval.civil_end_time >= "2026-02-30"',
      'sleep.interval.civil_end_time >= "2026-03-01" AND sleep.interval.civil_end_time >= "2026-03-02"',
      'steps',
    ];
    for (const filter of bad) {
      const answer = await listPoints(emulator, token, 'sleep', { filter });
      expect(answer.status, filter).toBe(400);
      expect(errorOf(answer.body).status).toBe('INVALID_ARGUMENT');
    }
  });

  it('lists basal energy one point per local day with the legacy caloriesBMR, filtered on civil_start_time', async () => {
    const filter = 'basalEnergyBurned.interval.civil_start_time >= "2026-03-01" AND basalEnergyBurned.interval.civil_start_time < "2026-03-08"';
    const answer = await listPoints(emulator, token, 'basal-energy-burned', { filter });
    expect(answer.status).toBe(200);
    const points = answer.body.dataPoints as any[];
    expect(points.map((point) => point.basalEnergyBurned.interval.civilStartTime)).toEqual(
      datesBetween('2026-03-01', '2026-03-08').reverse().map((date) => `${date}T00:00:00`),
    );
    for (const point of points) {
      const date = point.basalEnergyBurned.interval.civilStartTime.slice(0, 10);
      expect(point.basalEnergyBurned.kcal).toBe(Number(emulator.dailyValue(user.id, 'activities/caloriesBMR', date)));
      expect(point.basalEnergyBurned.interval.civilEndTime.slice(11)).toBe('00:00:00');
    }
    const all = await listPoints(emulator, token, 'basal-energy-burned', { pageSize: '1000' });
    expect(all.body.dataPoints).toHaveLength(74);
    expect(all.body.nextPageToken).toBeUndefined();
    expect((await listPoints(emulator, token, 'basal-energy-burned', { filter: 'sleep.interval.civil_end_time >= "2026-03-01"' })).status).toBe(400);
  });

  it('lists one constant height sample (1550–1950 mm) that gives back the legacy BMI', async () => {
    const answer = await listPoints(emulator, token, 'height');
    expect(answer.status).toBe(200);
    expect(answer.body.dataPoints).toHaveLength(1);
    const { height } = answer.body.dataPoints[0];
    expect(height.sampleTime.civilTime).toBe('2026-01-01T08:00:00');
    expect(height.heightMillimeters).toBeGreaterThanOrEqual(1550);
    expect(height.heightMillimeters).toBeLessThanOrEqual(1950);
    expect(emulator.googleValue(user.id, 'height', '2026-03-01')).toEqual(height);
    for (const date of ['2026-03-01', '2026-03-10']) {
      const kg = Number(emulator.dailyValue(user.id, 'body/weight', date));
      const bmi = Math.round((kg / (height.heightMillimeters / 1000) ** 2) * 10) / 10;
      expect(Math.abs(bmi - Number(emulator.dailyValue(user.id, 'body/bmi', date)))).toBeLessThanOrEqual(0.1);
    }
    const filtered = await listPoints(emulator, token, 'height', { filter: 'height.sample_time.civil_time >= "2026-02-01"' });
    expect(filtered.body.dataPoints).toEqual([]);
  });

  it('does not list roll-up-only types, and checks the type\'s scope', async () => {
    expect(errorOf((await listPoints(emulator, token, 'steps')).body).status).toBe('INVALID_ARGUMENT');
    const sleepless = emulator.issueTokens(user.id, { scopes: ['https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly'] }).accessToken;
    const refused = await listPoints(emulator, sleepless, 'sleep');
    expect(refused.status).toBe(403);
    expect(errorOf(refused.body).reason).toBe('ACCESS_TOKEN_SCOPE_INSUFFICIENT');
    expect((await listPoints(emulator, sleepless, 'basal-energy-burned')).status).toBe(200);
  });
});
