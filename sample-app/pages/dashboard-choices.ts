import { PERIODS, TIME_SERIES_TYPES, type TimeSeriesCategoryName, type TimeSeriesTypeKey } from '../../lib/index.js';

export const DEFAULT_TYPE = 'activities/steps';
export const DEFAULT_PERIOD = '30d';

const CATEGORY_LABELS: Record<TimeSeriesCategoryName, string> = {
  activities: 'Activity',
  body: 'Body',
  foods: 'Food and water',
  sleep: 'Sleep',
};

const PERIOD_LABELS: Record<string, string> = {
  '1d': '1 day',
  '7d': '7 days',
  '30d': '30 days',
  '1w': '1 week',
  '1m': '1 month',
  '3m': '3 months',
  '6m': '6 months',
  '1y': '1 year',
  max: 'All',
};

/** `tracker/minutesVeryActive` → `Minutes very active (tracker only)`, `caloriesBMR` → `Calories BMR`. */
function resourceLabel(resource: string): string {
  const parts = resource.split('/');
  const words = parts
    .pop()!
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\b(bmr|bmi)\b/g, (acronym) => acronym.toUpperCase());
  const label = words.charAt(0).toUpperCase() + words.slice(1);
  return parts[0] === 'tracker' ? `${label} (tracker only)` : label;
}

/**
 * The 36 data types grouped by category for the picker, and the periods, with the chosen ones marked.
 * Types the provider cannot serve (`supports` false: Google has no active score or awakenings count)
 * stay in the list, marked, so the page can say why their chart is empty.
 */
export function dashboardChoices(type: string, period: string, supports: (type: TimeSeriesTypeKey) => boolean = () => true) {
  const categories = [...new Set(TIME_SERIES_TYPES.map((entry) => entry.category))];
  return {
    typeGroups: categories.map((category) => ({
      label: CATEGORY_LABELS[category],
      types: TIME_SERIES_TYPES.filter((entry) => entry.category === category).map((entry) => {
        const path = `${entry.category}/${entry.resource}`;
        return { path, label: resourceLabel(entry.resource), selected: path === type, unsupported: !supports(entry) };
      }),
    })),
    periods: PERIODS.map((value) => ({ value, label: PERIOD_LABELS[value] ?? value, selected: value === period })),
  };
}

export function isTypePath(path: unknown): path is string {
  return typeof path === 'string' && TIME_SERIES_TYPES.some((entry) => `${entry.category}/${entry.resource}` === path);
}

export function isPeriodName(period: unknown): period is string {
  return typeof period === 'string' && (PERIODS as readonly string[]).includes(period);
}
