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
  'activityCalories',
];
const TRACKER_RESOURCES = ACTIVITY_RESOURCES.filter((resource) => resource !== 'caloriesBMR');

/** Every time-series path Fitbit still serves. */
export const SERVED_TIME_SERIES_PATHS: readonly string[] = [
  ...ACTIVITY_RESOURCES.map((resource) => `activities/${resource}`),
  ...TRACKER_RESOURCES.map((resource) => `activities/tracker/${resource}`),
  'body/weight',
  'body/bmi',
  'body/fat',
  'foods/log/caloriesIn',
  'foods/log/water',
  ...['startTime', 'timeInBed', 'minutesAsleep', 'awakeningsCount', 'minutesAwake', 'minutesToFallAsleep', 'minutesAfterWakeup', 'efficiency'].map(
    (resource) => `sleep/${resource}`,
  ),
];

/** Paths Fitbit once served and now rejects with 400. */
export const RETIRED_TIME_SERIES_PATHS: readonly string[] = ['activities/activeScore', 'activities/tracker/activeScore'];

const ALTIMETER_PATHS = new Set(['activities/floors', 'activities/elevation', 'activities/tracker/floors', 'activities/tracker/elevation']);

export function needsAltimeter(path: string): boolean {
  return ALTIMETER_PATHS.has(path);
}

export function categoryOf(path: string): string {
  return path.split('/')[0]!;
}

/** `activities/tracker/steps` → `activities-tracker-steps` */
export function answerKey(path: string): string {
  return path.replaceAll('/', '-');
}
