import { TIME_SERIES_TYPES, timeSeriesPath, type TimeSeriesTypeKey } from './time-series-data-types.js';

/** How to show a type's values to a person. */
export interface TimeSeriesTypeInfo {
  /** `activities/steps` */
  path: string;
  /** A short name for a heading or a picker: `Steps`, `Very active minutes (tracker)`. */
  label: string;
  /** The unit of the stored value (`steps`, `km`, `kg`, `min`, `kcal`, `ml`, `%`, …); null for a time of day. */
  unit: string | null;
  /** `number`: a decimal number as text; `time`: a time of day, `HH:MM` (sleep/startTime). */
  kind: 'number' | 'time';
}

type Info = [label: string, unit: string | null, kind?: 'time'];

/**
 * Units are the legacy Fitbit Web API's metric units (what it answers without an Accept-Language
 * header), which every provider's values are converted to before they are stored.
 */
const ACTIVITY: Record<string, Info> = {
  calories: ['Calories burned', 'kcal'],
  caloriesBMR: ['Calories burned at rest (BMR)', 'kcal'],
  steps: ['Steps', 'steps'],
  distance: ['Distance', 'km'],
  floors: ['Floors climbed', 'floors'],
  elevation: ['Elevation gained', 'm'],
  minutesSedentary: ['Sedentary minutes', 'min'],
  minutesLightlyActive: ['Lightly active minutes', 'min'],
  minutesFairlyActive: ['Fairly active minutes', 'min'],
  minutesVeryActive: ['Very active minutes', 'min'],
  activeScore: ['Active score', 'points'],
  activityCalories: ['Activity calories', 'kcal'],
};

const INFO: Record<string, Info> = {
  'foods/log/caloriesIn': ['Calories eaten', 'kcal'],
  'foods/log/water': ['Water drunk', 'ml'],
  ...Object.fromEntries(Object.entries(ACTIVITY).map(([resource, info]) => [`activities/${resource}`, info])),
  ...Object.fromEntries(Object.entries(ACTIVITY).filter(([resource]) => resource !== 'caloriesBMR').map(([resource, [label, unit]]) => [`activities/tracker/${resource}`, [`${label} (tracker)`, unit]])),
  'sleep/startTime': ['Fell asleep at', null, 'time'],
  'sleep/timeInBed': ['Time in bed', 'min'],
  'sleep/minutesAsleep': ['Minutes asleep', 'min'],
  'sleep/awakeningsCount': ['Awakenings', 'times'],
  'sleep/minutesAwake': ['Minutes awake', 'min'],
  'sleep/minutesToFallAsleep': ['Minutes to fall asleep', 'min'],
  'sleep/minutesAfterWakeup': ['Minutes in bed after waking', 'min'],
  'sleep/efficiency': ['Sleep efficiency', '%'],
  'body/weight': ['Weight', 'kg'],
  'body/bmi': ['BMI', 'kg/m²'],
  'body/fat': ['Body fat', '%'],
};

/** The label and unit of each of the 36 types, in the order of TIME_SERIES_TYPES, for hosts to render values with. */
export const TIME_SERIES_TYPE_INFO: readonly TimeSeriesTypeInfo[] = TIME_SERIES_TYPES.map((type) => {
  const path = timeSeriesPath(type);
  const [label, unit, kind] = INFO[path]!;
  return { path, label, unit, kind: kind ?? 'number' };
});

const BY_PATH = new Map(TIME_SERIES_TYPE_INFO.map((info) => [info.path, info]));

/** The label and unit of a type (a key or its path); undefined for an unknown type. */
export function timeSeriesTypeInfo(type: TimeSeriesTypeKey | string): TimeSeriesTypeInfo | undefined {
  return BY_PATH.get(typeof type === 'string' ? type : timeSeriesPath(type));
}
