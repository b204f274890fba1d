import { timeSeriesPath, type TimeSeriesTypeKey } from '../../data/time-series-data-types.js';
import { GOOGLE_HEALTH_SCOPES } from './google-health.defaults.js';

/** One daily bucket of `dailyRollUp`, or one listed data point. */
export type GooglePoint = Record<string, any>;

/**
 * How one seed type is read from the Google Health API, and how its value is converted to the
 * unit the legacy Fitbit API used (so stored rows mean the same whichever provider wrote them).
 */
export interface GoogleTypeMapping {
  /** Google's data type id. */
  dataType: string;
  /**
   * Where the value sits and how it is converted, for people; every dotted path in it is a field of
   * the discovery document's DailyRollupDataPoint or DataPoint (the README's table and the vendored
   * document are both checked against it).
   */
  field: string;
  /** `rollup`: dailyRollUp buckets; `list`: daily points; `sleep`: sleep sessions; `bmi`: weight and height. */
  read: 'rollup' | 'list' | 'sleep' | 'bmi';
  /** The value of one bucket or point in legacy units, or null when it carries none. */
  value: (point: GooglePoint) => number | string | null;
  /** Read from the wearables data source family (the seed's `tracker/` types). */
  tracker: boolean;
  scope: string;
  /** Longest inclusive range of one call. */
  maxDays: number;
  /** Google sends webhooks for it (when the subscriber's config covers it); otherwise it is polled. */
  notifies: boolean;
}

const num = (value: unknown): number | null => {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isFinite(parsed) ? parsed : null;
};
const scaled = (value: unknown, divisor: number): number | null => {
  const parsed = num(value);
  return parsed === null ? null : parsed / divisor;
};
const seconds = (duration: unknown): number | null => (typeof duration === 'string' ? num(duration.replace(/s$/, '')) : null);
const activeMinutes = (level: string) => (point: GooglePoint) =>
  num(
    (point.activeMinutes?.activeMinutesRollupByActivityLevel as { activityLevel?: string; activeMinutesSum?: unknown }[] | undefined)?.find(
      (entry) => entry.activityLevel === level,
    )?.activeMinutesSum ?? 0,
  );

type Base = Omit<GoogleTypeMapping, 'tracker'>;
const activity = (dataType: string, field: string, value: GoogleTypeMapping['value'], options: Partial<Base> = {}): Base => ({
  dataType,
  field,
  read: 'rollup',
  value,
  scope: GOOGLE_HEALTH_SCOPES.activity,
  maxDays: 90,
  notifies: true,
  ...options,
});

/** Activity resources that exist with and without `tracker/`. */
const ACTIVITY: Record<string, Base> = {
  steps: activity('steps', 'steps.countSum', (p) => num(p.steps?.countSum)),
  distance: activity('distance', 'distance.millimetersSum ÷ 1,000,000 (mm → km)', (p) => scaled(p.distance?.millimetersSum, 1_000_000)),
  floors: activity('floors', 'floors.countSum', (p) => num(p.floors?.countSum)),
  elevation: activity('altitude', 'altitude.gainMillimetersSum ÷ 1,000 (mm → m)', (p) => scaled(p.altitude?.gainMillimetersSum, 1000)),
  calories: activity('total-calories', 'totalCalories.kcalSum', (p) => num(p.totalCalories?.kcalSum), { maxDays: 14 }),
  activityCalories: activity('active-energy-burned', 'activeEnergyBurned.kcalSum', (p) => num(p.activeEnergyBurned?.kcalSum), { notifies: false }),
  minutesSedentary: activity('sedentary-period', 'sedentaryPeriod.durationSum ÷ 60 (s → min)', (p) => scaled(seconds(p.sedentaryPeriod?.durationSum), 60)),
  minutesLightlyActive: activity('active-minutes', 'activeMinutes.activeMinutesRollupByActivityLevel[LIGHT].activeMinutesSum', activeMinutes('LIGHT'), { maxDays: 14 }),
  minutesFairlyActive: activity('active-minutes', 'activeMinutes.activeMinutesRollupByActivityLevel[MODERATE].activeMinutesSum', activeMinutes('MODERATE'), { maxDays: 14 }),
  minutesVeryActive: activity('active-minutes', 'activeMinutes.activeMinutesRollupByActivityLevel[VIGOROUS].activeMinutesSum', activeMinutes('VIGOROUS'), { maxDays: 14 }),
};

const sleep = (field: string, value: GoogleTypeMapping['value']): Base => ({
  dataType: 'sleep',
  field,
  read: 'sleep',
  value,
  scope: GOOGLE_HEALTH_SCOPES.sleep,
  maxDays: 90,
  notifies: true,
});

/** Sleep values come from the night's sessions (see `summariseNight`): totals summed, the rest from the main sleep. */
const SLEEP: Record<string, Base> = {
  startTime: sleep('sleep.interval.civilStartTime of the sleep.metadata.mainSleep session, HH:MM', (night) => night.startTime ?? null),
  timeInBed: sleep('sleep.summary.minutesInSleepPeriod, summed over the night', (night) => num(night.minutesInSleepPeriod)),
  minutesAsleep: sleep('sleep.summary.minutesAsleep, summed over the night', (night) => num(night.minutesAsleep)),
  minutesAwake: sleep('sleep.summary.minutesAwake, summed over the night', (night) => num(night.minutesAwake)),
  minutesToFallAsleep: sleep('sleep.summary.minutesToFallAsleep of the main sleep', (night) => num(night.minutesToFallAsleep)),
  minutesAfterWakeup: sleep('sleep.summary.minutesAfterWakeUp of the main sleep', (night) => num(night.minutesAfterWakeUp)),
  efficiency: sleep('100 × sleep.summary.minutesAsleep ÷ sleep.summary.minutesInSleepPeriod', (night) => {
    const inPeriod = num(night.minutesInSleepPeriod);
    const asleep = num(night.minutesAsleep);
    return inPeriod && asleep !== null ? Math.round((100 * asleep) / inPeriod) : null;
  }),
};

const measurement = (dataType: string, field: string, read: GoogleTypeMapping['read'], value: GoogleTypeMapping['value']): Base => ({
  dataType,
  field,
  read,
  value,
  scope: GOOGLE_HEALTH_SCOPES.measurements,
  maxDays: 90,
  notifies: true,
});

const nutrition = (dataType: string, field: string, value: GoogleTypeMapping['value']): Base => ({
  dataType,
  field,
  read: 'rollup',
  value,
  scope: GOOGLE_HEALTH_SCOPES.nutrition,
  maxDays: 90,
  notifies: true,
});

/** The seed's types by path; a type absent here has no Google Health equivalent. */
export const GOOGLE_TYPE_MAPPINGS: ReadonlyMap<string, GoogleTypeMapping> = new Map([
  ...Object.entries(ACTIVITY).flatMap(([resource, mapping]): [string, GoogleTypeMapping][] => [
    [`activities/${resource}`, { ...mapping, tracker: false }],
    [`activities/tracker/${resource}`, { ...mapping, tracker: true }],
  ]),
  [
    'activities/caloriesBMR',
    {
      dataType: 'basal-energy-burned',
      field: 'basalEnergyBurned.kcal, summed by the local day of basalEnergyBurned.interval.civilStartTime',
      read: 'list',
      value: (p) => num(p.basalEnergyBurned?.kcal),
      tracker: false,
      scope: GOOGLE_HEALTH_SCOPES.activity,
      maxDays: 90,
      notifies: false,
    },
  ],
  ...Object.entries(SLEEP).map(([resource, mapping]): [string, GoogleTypeMapping] => [`sleep/${resource}`, { ...mapping, tracker: false }]),
  ['body/weight', { ...measurement('weight', 'weight.weightGramsAvg ÷ 1,000 (g → kg)', 'rollup', (p) => scaled(p.weight?.weightGramsAvg, 1000)), tracker: false }],
  ['body/fat', { ...measurement('body-fat', 'bodyFat.bodyFatPercentageAvg', 'rollup', (p) => num(p.bodyFat?.bodyFatPercentageAvg)), tracker: false }],
  [
    'body/bmi',
    { ...measurement('weight', 'weight.weightGramsAvg ÷ 1,000 ÷ (latest height.heightMillimeters ÷ 1,000)²', 'bmi', (p) => scaled(p.weight?.weightGramsAvg, 1000)), tracker: false },
  ],
  ['foods/log/caloriesIn', { ...nutrition('nutrition-log', 'nutritionLog.energy.kcalSum', (p) => num(p.nutritionLog?.energy?.kcalSum)), tracker: false }],
  ['foods/log/water', { ...nutrition('hydration-log', 'hydrationLog.amountConsumed.millilitersSum', (p) => num(p.hydrationLog?.amountConsumed?.millilitersSum)), tracker: false }],
]);

export function googleMappingOf(type: TimeSeriesTypeKey): GoogleTypeMapping | undefined {
  return GOOGLE_TYPE_MAPPINGS.get(timeSeriesPath(type));
}

/** `basal-energy-burned` → `basal_energy_burned`: how list filters name a data type. */
export const filterNameOf = (dataType: string): string => dataType.replaceAll('-', '_');

/** Google data types whose changes reach us by webhook when the subscriber's config covers them (Google's webhooks page). */
export const WEBHOOK_DATA_TYPES: readonly string[] = [...new Set([...GOOGLE_TYPE_MAPPINGS.values()].filter((m) => m.notifies).map((m) => m.dataType)), 'height'];

/** Seed types (as `category/resource` paths) that a change of one Google data type affects. */
export function seedPathsOf(dataType: string): string[] {
  const paths = [...GOOGLE_TYPE_MAPPINGS].filter(([, mapping]) => mapping.dataType === dataType).map(([path]) => path);
  return dataType === 'height' ? ['body/bmi'] : paths;
}

const DECIMALS: Record<string, number> = { distance: 6, elevation: 3, weight: 3, fat: 3, bmi: 2, water: 2 };

/** Legacy-style text of a converted number: integers for counts and kcal, a few decimals for the rest. */
export function formatLegacyValue(path: string, value: number | string): string {
  if (typeof value === 'string') return value;
  const decimals = Object.entries(DECIMALS).find(([suffix]) => path.endsWith(suffix))?.[1] ?? 0;
  return String(Number(value.toFixed(decimals)));
}
