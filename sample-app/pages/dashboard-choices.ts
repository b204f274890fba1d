import { todayIn } from '../../lib/data/calendar.js';
import { periodStart } from '../../lib/data/periods.js';
import { PERIODS, TIME_SERIES_TYPE_INFO, TIME_SERIES_TYPES, type TimeSeriesCategoryName, type TimeSeriesTypeKey } from '../../lib/index.js';

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

/**
 * The 36 data types grouped by category for the picker, each with the module's label and unit,
 * and the periods, with the chosen ones marked. Types the provider cannot serve (`supports` false:
 * Google has no active score or awakenings count) are listed last in their group, marked and not
 * selectable; a link to one still shows why there is nothing to chart.
 */
export function dashboardChoices(type: string, period: string, supports: (type: TimeSeriesTypeKey) => boolean = () => true, unavailable = 'not available') {
  const categories = [...new Set(TIME_SERIES_TYPES.map((entry) => entry.category))];
  return {
    typeGroups: categories.map((category) => ({
      label: CATEGORY_LABELS[category],
      types: TIME_SERIES_TYPE_INFO.filter((info) => info.path.startsWith(`${category}/`))
        .map((info) => {
          const unsupported = !supports({ category, resource: info.path.slice(category.length + 1) });
          return { ...info, option: unsupported ? `${info.label} (${unavailable})` : info.label, selected: info.path === type, unsupported };
        })
        .sort((a, b) => Number(a.unsupported) - Number(b.unsupported)),
    })),
    periods: PERIODS.map((value) => ({ value, label: PERIOD_LABELS[value] ?? value, selected: value === period })),
  };
}

/**
 * The days each period covers, ending today in the user's zone, counted the way the module (and
 * Fitbit) count them; `max` starts at the first stored day, which only the data knows.
 */
export function periodRanges(timeZone: string | null): { today: string; ranges: Record<string, { from: string; to: string }> } {
  const today = todayIn(timeZone);
  const ranges: Record<string, { from: string; to: string }> = {};
  for (const period of PERIODS) if (period !== 'max') ranges[period] = { from: periodStart(period, today), to: today };
  return { today, ranges };
}

export function isTypePath(path: unknown): path is string {
  return typeof path === 'string' && TIME_SERIES_TYPES.some((entry) => `${entry.category}/${entry.resource}` === path);
}

export function isPeriodName(period: unknown): period is string {
  return typeof period === 'string' && (PERIODS as readonly string[]).includes(period);
}
