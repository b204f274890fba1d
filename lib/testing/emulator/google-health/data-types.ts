import { googleScope } from './google-scopes.js';

/** The `dataSourceFamily` that holds only what the user's Fitbit devices recorded. */
export const WEARABLES_FAMILY = 'google-wearables';

export type LegacyLookup = (path: string) => string | null;

export interface RollupDefinition {
  /** Longest range (end - start, in days) one call may ask for. */
  capDays: number;
  /** False when the wearables family holds nothing for the type (logged or scale data). */
  fromWearables: boolean;
  /** The roll-up field's value for one day, from the legacy values of `activities/…` (or `activities/tracker/…`), `body/…`, `foods/…`; null when a value is missing. */
  value(activity: LegacyLookup, other: LegacyLookup): Record<string, unknown> | null;
}

export interface GoogleDataType {
  /** As in the URL: `steps`, `total-calories`… */
  name: string;
  /** The data point's / roll-up's field: `steps`, `totalCalories`… */
  field: string;
  scope: string;
  rollup?: RollupDefinition;
  /** `list` serves points of this type (sleep, basal-energy-burned, height). */
  listable: boolean;
  /** Webhook notifications exist for the type. */
  webhooks: boolean;
}

const ACTIVITY = googleScope('activity_and_fitness.readonly');
const METRICS = googleScope('health_metrics_and_measurements.readonly');
const SLEEP = googleScope('sleep.readonly');
const NUTRITION = googleScope('nutrition.readonly');

const SHORT_CAP_DAYS = 14;
const CAP_DAYS = 90;

/** Every read goes through this: a missing legacy value means no bucket that day. */
function numbers(lookup: LegacyLookup, ...paths: string[]): number[] | null {
  const values: number[] = [];
  for (const path of paths) {
    const value = lookup(path);
    if (value === null || value === '') return null;
    values.push(Number(value));
  }
  return values;
}

const activityRollup = (capDays: number, resources: string[], build: (...values: number[]) => Record<string, unknown>): RollupDefinition => ({
  capDays,
  fromWearables: true,
  value: (activity) => {
    const values = numbers(activity, ...resources);
    return values && build(...values);
  },
});

const otherRollup = (path: string, build: (value: number) => Record<string, unknown>): RollupDefinition => ({
  capDays: CAP_DAYS,
  fromWearables: false,
  value: (_activity, other) => {
    const values = numbers(other, path);
    return values && build(values[0]!);
  },
});

const type = (name: string, field: string, scope: string, extra: Partial<GoogleDataType> = {}): GoogleDataType => ({
  name,
  field,
  scope,
  listable: false,
  webhooks: false,
  ...extra,
});

/**
 * The data types the emulator serves and how each derives from the legacy generator's daily values
 * (counts as int64 strings, kcal and measurements as numbers, fixed units: mm, g, ml, kcal, seconds).
 */
export const GOOGLE_DATA_TYPES: readonly GoogleDataType[] = [
  type('steps', 'steps', ACTIVITY, { webhooks: true, rollup: activityRollup(CAP_DAYS, ['steps'], (steps) => ({ countSum: String(steps) })) }),
  type('distance', 'distance', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(CAP_DAYS, ['distance'], (km) => ({ millimetersSum: String(Math.round(km * 1_000_000)) })),
  }),
  type('floors', 'floors', ACTIVITY, { webhooks: true, rollup: activityRollup(CAP_DAYS, ['floors'], (floors) => ({ countSum: String(floors) })) }),
  type('altitude', 'altitude', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(CAP_DAYS, ['elevation'], (metres) => ({ gainMillimetersSum: String(Math.round(metres * 1000)) })),
  }),
  type('total-calories', 'totalCalories', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(SHORT_CAP_DAYS, ['calories'], (kcal) => ({ kcalSum: kcal })),
  }),
  type('active-energy-burned', 'activeEnergyBurned', ACTIVITY, {
    rollup: activityRollup(CAP_DAYS, ['activityCalories'], (kcal) => ({ kcalSum: kcal })),
  }),
  type('active-minutes', 'activeMinutes', ACTIVITY, {
    rollup: activityRollup(SHORT_CAP_DAYS, ['minutesLightlyActive', 'minutesFairlyActive', 'minutesVeryActive'], (light, moderate, vigorous) => ({
      activeMinutesRollupByActivityLevel: [
        { activityLevel: 'LIGHT', activeMinutesSum: String(light) },
        { activityLevel: 'MODERATE', activeMinutesSum: String(moderate) },
        { activityLevel: 'VIGOROUS', activeMinutesSum: String(vigorous) },
      ],
    })),
  }),
  type('sedentary-period', 'sedentaryPeriod', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(CAP_DAYS, ['minutesSedentary'], (minutes) => ({ durationSum: `${minutes * 60}s` })),
  }),
  type('basal-energy-burned', 'basalEnergyBurned', ACTIVITY, { listable: true }),
  type('weight', 'weight', METRICS, { webhooks: true, rollup: otherRollup('body/weight', (kg) => ({ weightGramsAvg: Math.round(kg * 1000) })) }),
  type('body-fat', 'bodyFat', METRICS, { webhooks: true, rollup: otherRollup('body/fat', (percent) => ({ bodyFatPercentageAvg: percent })) }),
  type('height', 'height', METRICS, { listable: true }),
  type('sleep', 'sleep', SLEEP, { listable: true, webhooks: true }),
  type('hydration-log', 'hydrationLog', NUTRITION, {
    webhooks: true,
    rollup: otherRollup('foods/log/water', (ml) => ({ amountConsumed: { millilitersSum: ml } })),
  }),
  type('nutrition-log', 'nutritionLog', NUTRITION, {
    webhooks: true,
    rollup: otherRollup('foods/log/caloriesIn', (kcal) => ({ energy: { kcalSum: kcal } })),
  }),
];

export function dataTypeNamed(name: string): GoogleDataType | undefined {
  return GOOGLE_DATA_TYPES.find((candidate) => candidate.name === name);
}
