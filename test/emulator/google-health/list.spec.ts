import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorUser, FitbitEmulator } from '../../../lib/testing/index.js';
import { errorOf, listPoints, startGoogleEmulator } from './helpers/google-client.js';

const endFilter = (from: string, to: string) => `sleep.interval.civil_end_time >= "${from}" AND sleep.interval.civil_end_time < "${to}"`;

function datesBetween(start: string, endExclusive: string): string[] {
  const dates: string[] = [];
  for (let day = Date.parse(`${start}T00:00:00Z`); day < Date.parse(`${endExclusive}T00:00:00Z`); day += 86_400_000) dates.push(new Date(day).toISOString().slice(0, 10));
  return dates;
}

type Civil = { date: { year: number; month: number; day: number }; time?: { hours?: number; minutes?: number; seconds?: number } };
const pad = (value: number | undefined) => String(value ?? 0).padStart(2, '0');
/** A CivilDateTime object as `YYYY-MM-DDTHH:MM:SS` (hours, minutes and seconds that are zero are left out of the object). */
const civilText = (civil: Civil) =>
  `${civil.date.year}-${pad(civil.date.month)}-${pad(civil.date.day)}T${pad(civil.time?.hours)}:${pad(civil.time?.minutes)}:${pad(civil.time?.seconds)}`;

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

  it('lists sleep sessions newest first by their civil end, as CivilDateTime objects, with naps beside the main sleep', async () => {
    const answer = await listPoints(emulator, token, 'sleep', { filter: endFilter('2026-02-20', '2026-03-08') });
    expect(answer.status).toBe(200);
    expect(answer.body.nextPageToken).toBeUndefined();
    const sessions = (answer.body.dataPoints as any[]).map((point) => point.sleep);
    const ends = sessions.map((sleep) => civilText(sleep.interval.civilEndTime));
    expect(ends).toEqual([...ends].sort().reverse());
    const dates = [...new Set(ends.map((end) => end.slice(0, 10)))];
    expect(dates).toEqual(nightsWithSleep('2026-02-20', '2026-03-08').reverse());
    const naps = sessions.filter((sleep) => sleep.metadata.nap);
    expect(naps.length).toBeGreaterThan(0);
    expect(sessions.filter((sleep) => sleep.metadata.mainSleep)).toHaveLength(dates.length);
    expect(sessions.some((sleep) => civilText(sleep.interval.civilStartTime).slice(0, 10) < civilText(sleep.interval.civilEndTime).slice(0, 10))).toBe(true);
    for (const date of dates) {
      const nightly = sessions.filter((sleep) => civilText(sleep.interval.civilEndTime).startsWith(date));
      const main = nightly.find((sleep) => sleep.metadata.mainSleep);
      const value = (resource: string) => emulator.dailyValue(user.id, `sleep/${resource}`, date);
      const total = (field: string) => nightly.reduce((sum, sleep) => sum + Number(sleep.summary[field]), 0);
      // Together the sessions hold the legacy day; the main one keeps its start and the minutes around sleep.
      expect(total('minutesInSleepPeriod')).toBe(Number(value('timeInBed')));
      expect(total('minutesAsleep')).toBe(Number(value('minutesAsleep')));
      expect(total('minutesAwake')).toBe(Number(value('minutesAwake')));
      expect(main.summary.minutesToFallAsleep).toBe(value('minutesToFallAsleep'));
      expect(main.summary.minutesAfterWakeUp).toBe(value('minutesAfterWakeup'));
      expect(civilText(main.interval.civilStartTime).slice(11, 16)).toBe(value('startTime'));
      expect(main.type).toBe('STAGES');
      if (nightly.length === 2) expect(nightly[0]).toMatchObject({ type: 'CLASSIC', metadata: { mainSleep: false, nap: true } });
      for (const sleep of nightly) {
        // Berlin is UTC+1 in February and early March.
        expect(sleep.interval).toMatchObject({ startUtcOffset: '3600s', endUtcOffset: '3600s' });
        expect(Date.parse(sleep.interval.startTime)).toBe(Date.parse(`${civilText(sleep.interval.civilStartTime)}Z`) - 3_600_000);
        expect(Date.parse(sleep.interval.endTime) - Date.parse(sleep.interval.startTime)).toBe(Number(sleep.summary.minutesInSleepPeriod) * 60_000);
      }
      expect(emulator.googleValue(user.id, 'sleep', date)).toEqual(main);
      expect(emulator.googlePoints(user.id, 'sleep', date).map((point) => point.sleep)).toEqual(nightly);
    }
  });

  it('has no point for a night without sleep', async () => {
    const sleepless = datesBetween('2026-01-01', '2026-03-16').filter((date) => emulator.dailyValue(user.id, 'sleep/startTime', date) === '');
    expect(sleepless.length).toBeGreaterThan(0);
    for (const date of sleepless) expect(emulator.googleValue(user.id, 'sleep', date)).toBeNull();
    const answer = await listPoints(emulator, token, 'sleep', { filter: endFilter(sleepless[0]!, datesBetween(sleepless[0]!, '2026-12-31')[1]!) });
    expect(answer.body.dataPoints).toEqual([]);
  });

  it('pages sleep 25 at a time (a bigger pageSize is capped) with nextPageToken until the last page', async () => {
    const expected = nightsWithSleep('2026-01-01', '2026-03-16')
      .reverse()
      .flatMap((date) => emulator.googlePoints(user.id, 'sleep', date).map((point) => point.name));
    expect(expected.length).toBeGreaterThan(50);
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const answer = await listPoints(emulator, token, 'sleep', { pageSize: '100', ...(pageToken ? { pageToken } : {}) });
      expect(answer.status).toBe(200);
      const points = answer.body.dataPoints as any[];
      expect(points.length).toBeLessThanOrEqual(25);
      seen.push(...points.map((point) => point.name));
      pageToken = answer.body.nextPageToken;
      pages++;
      if (pageToken) expect(points).toHaveLength(25);
    } while (pageToken);
    expect(pages).toBe(Math.ceil(expected.length / 25));
    expect(seen).toEqual(expected);
    const small = await listPoints(emulator, token, 'sleep', { pageSize: '5' });
    expect(small.body.dataPoints).toHaveLength(5);
    const second = await listPoints(emulator, token, 'sleep', { pageSize: '5', pageToken: small.body.nextPageToken });
    expect(second.body.dataPoints[0].name).toBe(expected[5]);
  });

  it('refuses a page token from another query and a malformed one, and a negative page size', async () => {
    const first = await listPoints(emulator, token, 'sleep', { pageSize: '5' });
    const other = await listPoints(emulator, token, 'sleep', { filter: endFilter('2026-01-01', '2026-03-01'), pageToken: first.body.nextPageToken });
    expect(other.status).toBe(400);
    expect((await listPoints(emulator, token, 'sleep', { pageToken: 'garbage!' })).status).toBe(400);
    expect((await listPoints(emulator, token, 'sleep', { pageSize: '-1' })).status).toBe(400);
    expect((await listPoints(emulator, token, 'sleep', { pageSize: '05' })).status).toBe(400);
    expect(emulator.takeContractViolations()).toHaveLength(4);
  });

  it('takes AIP-160 filters on the type\'s snake_case time fields: >= and <, AND, OR, parentheses, civil or physical times', async () => {
    const ok = [
      endFilter('2026-03-01', '2026-03-08'),
      'sleep.interval.civil_end_time >= "2026-03-01"',
      'sleep.interval.civil_end_time < "2026-03-08T12:00:00"',
      'sleep.interval.civil_end_time < "2026-03-08" AND sleep.interval.civil_end_time >= "2026-03-01"',
      'sleep.interval.civil_end_time < "2026-01-10" OR sleep.interval.civil_end_time >= "2026-03-10"',
      '(sleep.interval.civil_end_time >= "2026-03-01" AND sleep.interval.civil_end_time < "2026-03-03") OR sleep.interval.civil_end_time >= "2026-03-14"',
      'sleep.interval.end_time >= "2026-03-01T00:00:00Z" AND sleep.interval.end_time < "2026-03-08T00:00:00+01:00"',
    ];
    for (const filter of ok) expect((await listPoints(emulator, token, 'sleep', { filter })).status, filter).toBe(200);
    const either = await listPoints(emulator, token, 'sleep', { filter: ok[4]! });
    const ends = (either.body.dataPoints as any[]).map((point) => civilText(point.sleep.interval.civilEndTime).slice(0, 10));
    expect(ends.length).toBeGreaterThan(0);
    expect(ends.every((date) => date < '2026-01-10' || date >= '2026-03-10')).toBe(true);
    expect(ends).toEqual(expect.arrayContaining(['2026-03-15', '2026-01-02']));
    expect(emulator.takeContractViolations()).toEqual([]);

    const bad = [
      'sleep.interval.civil_start_time >= "2026-03-01"',
      'sleep.interval.civil_end_time > "2026-03-01"',
      'sleep.interval.civil_end_time <= "2026-03-08"',
      'sleep.interval.civil_end_time = "2026-03-08"',
      'sleep.interval.civil_end_time >= 2026-03-01',
      'sleep.interval.civil_end_time >= "2026-02-30"',
      'sleep.interval.civil_end_time >= "2026-3-1"',
      'sleep.interval.end_time >= "2026-03-01"',
      'sleep.interval.civilEndTime >= "2026-03-01"',
      '(sleep.interval.civil_end_time >= "2026-03-01"',
      'sleep.interval.civil_end_time >= "2026-03-01" AND',
      'steps',
    ];
    for (const filter of bad) {
      const answer = await listPoints(emulator, token, 'sleep', { filter });
      expect(answer.status, filter).toBe(400);
      expect(errorOf(answer.body)).toMatchObject({ status: 'INVALID_ARGUMENT', reason: 'INVALID_DATA_POINT_FILTER' });
    }
    expect(emulator.takeContractViolations().map((violation) => violation.side)).toEqual(bad.map(() => 'request'));
  });

  it('lists basal energy one point per local day, filtered on basal_energy_burned.interval.civil_start_time (never the camelCase or hyphenated name)', async () => {
    const filter = 'basal_energy_burned.interval.civil_start_time >= "2026-03-01" AND basal_energy_burned.interval.civil_start_time < "2026-03-08"';
    const answer = await listPoints(emulator, token, 'basal-energy-burned', { filter });
    expect(answer.status).toBe(200);
    const points = answer.body.dataPoints as any[];
    expect(points.map((point) => civilText(point.basalEnergyBurned.interval.civilStartTime))).toEqual(
      datesBetween('2026-03-01', '2026-03-08').reverse().map((date) => `${date}T00:00:00`),
    );
    for (const point of points) {
      const date = civilText(point.basalEnergyBurned.interval.civilStartTime).slice(0, 10);
      expect(point.basalEnergyBurned.kcal).toBe(Number(emulator.dailyValue(user.id, 'activities/caloriesBMR', date)));
      expect(point.basalEnergyBurned.interval.civilEndTime.time).toEqual({});
      expect(point.dataSource).toMatchObject({ platform: 'FITBIT' });
    }
    const all = await listPoints(emulator, token, 'basal-energy-burned', { pageSize: '1000' });
    expect(all.body.dataPoints).toHaveLength(74);
    expect(all.body.nextPageToken).toBeUndefined();
    for (const wrong of ['basalEnergyBurned.interval.civil_start_time >= "2026-03-01"', 'basal-energy-burned.interval.civil_start_time >= "2026-03-01"', 'sleep.interval.civil_end_time >= "2026-03-01"']) {
      expect((await listPoints(emulator, token, 'basal-energy-burned', { filter: wrong })).status, wrong).toBe(400);
    }
    expect(emulator.takeContractViolations()).toHaveLength(3);
  });

  it('lists one constant height sample (1550–1950 mm, an int64 string) that gives back the legacy BMI', async () => {
    const answer = await listPoints(emulator, token, 'height');
    expect(answer.status).toBe(200);
    expect(answer.body.dataPoints).toHaveLength(1);
    const { height } = answer.body.dataPoints[0];
    expect(height.sampleTime.civilTime).toEqual({ date: { year: 2026, month: 1, day: 1 }, time: { hours: 8 } });
    expect(height.sampleTime.utcOffset).toBe('3600s');
    expect(height.heightMillimeters).toMatch(/^\d+$/);
    const millimetres = Number(height.heightMillimeters);
    expect(millimetres).toBeGreaterThanOrEqual(1550);
    expect(millimetres).toBeLessThanOrEqual(1950);
    expect(emulator.googleValue(user.id, 'height', '2026-03-01')).toEqual(height);
    for (const date of ['2026-03-01', '2026-03-10']) {
      const kg = Number(emulator.dailyValue(user.id, 'body/weight', date));
      const bmi = Math.round((kg / (millimetres / 1000) ** 2) * 10) / 10;
      expect(Math.abs(bmi - Number(emulator.dailyValue(user.id, 'body/bmi', date)))).toBeLessThanOrEqual(0.1);
    }
    const filtered = await listPoints(emulator, token, 'height', { filter: 'height.sample_time.civil_time >= "2026-02-01"' });
    expect(filtered.body.dataPoints).toEqual([]);
  });

  it('lists steps (a point over each local day) and weight (a daily sample), as the API serves them', async () => {
    const steps = await listPoints(emulator, token, 'steps', { filter: 'steps.interval.civil_start_time >= "2026-03-10"' });
    expect((steps.body.dataPoints as any[]).map((point) => [civilText(point.steps.interval.civilStartTime).slice(0, 10), point.steps.count])).toEqual(
      datesBetween('2026-03-10', '2026-03-16')
        .reverse()
        .map((date) => [date, emulator.dailyValue(user.id, 'activities/steps', date)]),
    );
    const weight = await listPoints(emulator, token, 'weight', { filter: 'weight.sample_time.physical_time >= "2026-03-14T00:00:00Z"' });
    expect((weight.body.dataPoints as any[]).map((point) => point.weight.weightGrams / 1000)).toEqual(
      ['2026-03-15', '2026-03-14'].map((date) => Number(emulator.dailyValue(user.id, 'body/weight', date))),
    );
  });

  it('answers 1440 points unless asked, and at most 10000 however many are asked for', async () => {
    const long = emulator.addUser({ timezone: 'UTC', memberSince: '2019-06-01' });
    const longToken = emulator.issueTokens(long.id).accessToken;
    const first = await listPoints(emulator, longToken, 'steps');
    expect(first.body.dataPoints).toHaveLength(1440);
    expect(first.body.nextPageToken).toEqual(expect.any(String));
    const big = await listPoints(emulator, longToken, 'steps', { pageSize: '20000' });
    expect(big.body.dataPoints).toHaveLength(datesBetween('2019-06-01', '2026-03-16').length);
    expect(big.body.nextPageToken).toBeUndefined();
  });

  it('does not list roll-up-only types, and checks the type\'s scope', async () => {
    expect(errorOf((await listPoints(emulator, token, 'total-calories')).body).status).toBe('INVALID_ARGUMENT');
    expect(emulator.takeContractViolations()).toHaveLength(1);
    const sleepless = emulator.issueTokens(user.id, { scopes: ['https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly'] }).accessToken;
    const refused = await listPoints(emulator, sleepless, 'sleep');
    expect(refused.status).toBe(403);
    expect(errorOf(refused.body).reason).toBe('ACCESS_TOKEN_SCOPE_INSUFFICIENT');
    expect((await listPoints(emulator, sleepless, 'basal-energy-burned')).status).toBe(200);
  });
});
