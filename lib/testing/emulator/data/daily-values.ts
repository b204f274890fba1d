import { activityDay, type ActivityDay, type ActivityTotals } from './activity-day.js';
import { bodyDay, type BodyDay } from './body-day.js';
import { foodDay } from './food-day.js';
import { sleepDay, type SleepDay } from './sleep-day.js';

const activityValue = (totals: Omit<ActivityTotals, 'caloriesBMR'>, resource: string): string | null => {
  if (!Object.prototype.hasOwnProperty.call(totals, resource)) return null;
  const value = totals[resource as keyof typeof totals];
  return resource === 'distance' ? value.toFixed(2) : String(value);
};

function activityPath(day: ActivityDay, resource: string): string | null {
  if (resource.startsWith('tracker/')) return activityValue(day.tracker, resource.slice('tracker/'.length));
  if (resource === 'caloriesBMR') return String(day.all.caloriesBMR);
  return activityValue(day.all, resource);
}

const pick = <T extends object>(record: T, key: string): string | null =>
  Object.prototype.hasOwnProperty.call(record, key) ? String(record[key as keyof T]) : null;

/**
 * The value Fitbit's daily time series would hold for `path` (`activities/steps`, `foods/log/water`…)
 * on the user's local `date`: a string, the same for the same (user, path, date) every time.
 * Null for a path that has no daily value (`activities/activeScore`, unknown paths).
 */
export function generateDailyValue(userId: string, path: string, date: string): string | null {
  const [category, ...rest] = path.split('/');
  const resource = rest.join('/');
  switch (category) {
    case 'activities':
      return activityPath(activityDay(userId, date), resource);
    case 'sleep':
      return pick<SleepDay>(sleepDay(userId, date), resource);
    case 'body':
      return pick<BodyDay>(bodyDay(userId, date), resource);
    case 'foods': {
      const food = foodDay(userId, date);
      if (resource === 'log/caloriesIn') return String(food.caloriesIn);
      if (resource === 'log/water') return String(food.water);
      return null;
    }
    default:
      return null;
  }
}
