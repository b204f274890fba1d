/** The data categories, with the numbers django-fitbit stores in `fitbit_time_series_data_type.category`. */
export enum TimeSeriesCategory {
  foods = 0,
  activities = 1,
  sleep = 2,
  body = 3,
}

/** A category name: `foods`, `activities`, `sleep` or `body`. */
export type TimeSeriesCategoryName = keyof typeof TimeSeriesCategory;

/** One data type: its category and resource, e.g. `{ category: 'activities', resource: 'steps' }`. */
export interface TimeSeriesTypeKey {
  category: TimeSeriesCategoryName;
  resource: string;
}

const ACTIVITY_RESOURCES = [
  'calories',
  'caloriesBMR',
  'steps',
  'distance',
  'floors',
  'elevation',
  'minutesSedentary',
  'minutesLightlyActive',
  'minutesFairlyActive',
  'minutesVeryActive',
  'activeScore',
  'activityCalories',
] as const;

const TRACKER_RESOURCES = [
  'minutesSedentary',
  'minutesLightlyActive',
  'minutesFairlyActive',
  'minutesVeryActive',
  'activeScore',
  'activityCalories',
  'calories',
  'steps',
  'distance',
  'floors',
  'elevation',
].map((resource) => `tracker/${resource}`);

/** The resources of each category, in the order django-fitbit seeds them. */
export const TIME_SERIES_RESOURCES: Readonly<Record<TimeSeriesCategoryName, readonly string[]>> = {
  foods: ['log/caloriesIn', 'log/water'],
  activities: [...ACTIVITY_RESOURCES, ...TRACKER_RESOURCES],
  sleep: [
    'startTime',
    'timeInBed',
    'minutesAsleep',
    'awakeningsCount',
    'minutesAwake',
    'minutesToFallAsleep',
    'minutesAfterWakeup',
    'efficiency',
  ],
  body: ['weight', 'bmi', 'fat'],
};

/** The 36 seeded data types, ordered by category number then resource, like the model's ordering. */
export const TIME_SERIES_TYPES: readonly TimeSeriesTypeKey[] = (
  Object.keys(TIME_SERIES_RESOURCES) as TimeSeriesCategoryName[]
)
  .flatMap((category) => TIME_SERIES_RESOURCES[category].map((resource) => ({ category, resource })))
  .sort(
    (a, b) =>
      TimeSeriesCategory[a.category] - TimeSeriesCategory[b.category] ||
      (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0),
  );

export function isTimeSeriesCategory(name: string): name is TimeSeriesCategoryName {
  return Object.prototype.hasOwnProperty.call(TIME_SERIES_RESOURCES, name);
}

export function isKnownTimeSeriesType(category: string, resource: string): boolean {
  return isTimeSeriesCategory(category) && TIME_SERIES_RESOURCES[category].includes(resource);
}

/** `activities/steps`, `foods/log/water`: the type's path as Fitbit spells it. */
export function timeSeriesPath(type: TimeSeriesTypeKey): string {
  return `${type.category}/${type.resource}`;
}
