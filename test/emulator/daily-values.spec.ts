import { describe, expect, it } from 'vitest';
import { generateDailyValue, SERVED_TIME_SERIES_PATHS } from '../../lib/testing/index.js';

const USERS = ['ABC123', 'ZZZ999', 'Q1W2E3'];
const DATES = Array.from({ length: 120 }, (_, i) => new Date(Date.UTC(2023, 0, 1 + i * 3)).toISOString().slice(0, 10));

const number = (userId: string, path: string, date: string): number => Number(generateDailyValue(userId, path, date));
const eachDay = (check: (userId: string, date: string) => void) => {
  for (const userId of USERS) for (const date of DATES) check(userId, date);
};

describe('emulator daily values', () => {
  it('are the same for the same (user, path, date) and differ between users and days', () => {
    const first = SERVED_TIME_SERIES_PATHS.map((path) => generateDailyValue('ABC123', path, '2024-01-05'));
    const again = SERVED_TIME_SERIES_PATHS.map((path) => generateDailyValue('ABC123', path, '2024-01-05'));
    expect(again).toEqual(first);
    const steps = new Set(DATES.map((date) => generateDailyValue('ABC123', 'activities/steps', date)));
    expect(steps.size).toBeGreaterThan(DATES.length * 0.9);
    expect(generateDailyValue('ABC123', 'activities/steps', '2024-01-05')).not.toBe(generateDailyValue('ZZZ999', 'activities/steps', '2024-01-05'));
  });

  it('are null for paths without a daily value', () => {
    expect(generateDailyValue('ABC123', 'activities/activeScore', '2024-01-05')).toBeNull();
    expect(generateDailyValue('ABC123', 'activities/tracker/caloriesBMR', '2024-01-05')).toBeNull();
    expect(generateDailyValue('ABC123', 'heart/rate', '2024-01-05')).toBeNull();
  });

  it('give plausible activity numbers that hang together', () => {
    eachDay((userId, date) => {
      const v = (resource: string) => number(userId, `activities/${resource}`, date);
      const steps = v('steps');
      expect(Number.isInteger(steps) && steps >= 0 && steps <= 20_000).toBe(true);
      expect(generateDailyValue(userId, 'activities/distance', date)).toMatch(/^\d+\.\d{2}$/);
      expect(v('distance')).toBeLessThanOrEqual((steps * 0.8) / 1000 + 0.01);
      for (const resource of ['calories', 'caloriesBMR', 'activityCalories', 'floors', 'elevation']) expect(Number.isInteger(v(resource))).toBe(true);
      expect(v('calories')).toBe(v('caloriesBMR') + v('activityCalories'));
      expect(v('elevation')).toBe(v('floors') * 3);
      const minutes = ['minutesSedentary', 'minutesLightlyActive', 'minutesFairlyActive', 'minutesVeryActive'].map(v);
      for (const m of minutes) expect(Number.isInteger(m) && m >= 0).toBe(true);
      expect(minutes.reduce((a, b) => a + b, 0) + number(userId, 'sleep/timeInBed', date)).toBeLessThanOrEqual(1440);
    });
  });

  it('give tracker values no larger than their non-tracker counterparts', () => {
    const resources = ['steps', 'distance', 'floors', 'elevation', 'calories', 'activityCalories', 'minutesSedentary', 'minutesLightlyActive', 'minutesFairlyActive', 'minutesVeryActive'];
    eachDay((userId, date) => {
      for (const resource of resources) {
        expect(number(userId, `activities/tracker/${resource}`, date)).toBeLessThanOrEqual(number(userId, `activities/${resource}`, date));
      }
    });
  });

  it('give plausible sleep: HH:MM start (or "" without sleep), integer minutes, efficiency 0..100', () => {
    let nightsWithout = 0;
    eachDay((userId, date) => {
      const start = generateDailyValue(userId, 'sleep/startTime', date)!;
      const v = (resource: string) => number(userId, `sleep/${resource}`, date);
      if (start === '') {
        nightsWithout++;
        expect(v('minutesAsleep')).toBe(0);
        return;
      }
      expect(start).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      for (const resource of ['timeInBed', 'minutesAsleep', 'awakeningsCount', 'minutesAwake', 'minutesToFallAsleep', 'minutesAfterWakeup']) {
        expect(Number.isInteger(v(resource))).toBe(true);
      }
      expect(v('minutesAsleep') + v('minutesAwake') + v('minutesToFallAsleep') + v('minutesAfterWakeup')).toBe(v('timeInBed'));
      expect(v('efficiency')).toBeGreaterThanOrEqual(0);
      expect(v('efficiency')).toBeLessThanOrEqual(100);
    });
    expect(nightsWithout).toBeGreaterThan(0);
  });

  it('give a weight that drifts slowly, and bmi and fat with one decimal', () => {
    eachDay((userId, date) => {
      for (const resource of ['weight', 'bmi', 'fat']) expect(generateDailyValue(userId, `body/${resource}`, date)).toMatch(/^\d+(\.\d)?$/);
      const weight = number(userId, 'body/weight', date);
      expect(weight).toBeGreaterThan(45);
      expect(weight).toBeLessThan(100);
    });
    const consecutive = Array.from({ length: 60 }, (_, i) => number('ABC123', 'body/weight', new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)));
    for (let i = 1; i < consecutive.length; i++) expect(Math.abs(consecutive[i]! - consecutive[i - 1]!)).toBeLessThan(0.6);
  });

  it('give integer food calories and water millilitres', () => {
    eachDay((userId, date) => {
      for (const path of ['foods/log/caloriesIn', 'foods/log/water']) expect(generateDailyValue(userId, path, date)).toMatch(/^\d+$/);
      expect(number(userId, 'foods/log/caloriesIn', date)).toBeLessThan(3500);
      expect(number(userId, 'foods/log/water', date)).toBeLessThanOrEqual(3000);
    });
  });
});
