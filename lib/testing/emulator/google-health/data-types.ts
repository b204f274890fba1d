import { GoogleHealthContract } from '../../google-health-contract/google-health-contract.js';
import { googleScope } from './google-scopes.js';

/** The data source families `dataSourceFamily` may name, as `users/me/dataSourceFamilies/{family}`. */
export const DATA_SOURCE_FAMILIES = ['all-sources', 'google-sources', 'google-wearables', 'self-sources'] as const;
/** One of DATA_SOURCE_FAMILIES. */
export type DataSourceFamily = (typeof DATA_SOURCE_FAMILIES)[number];

/** The family that holds only what the user's Fitbit devices recorded, as a resource name. */
export const WEARABLES_FAMILY = 'users/me/dataSourceFamilies/google-wearables';

/** The legacy value of a seed path (`activities/steps`…) on the day being built; null when it has none. */
export type LegacyLookup = (path: string) => string | null;

/** How `dataPoints:dailyRollUp` serves a type: its range cap and its value per day. */
export interface RollupDefinition {
  /** Longest range (end - start, in days) one call may ask for. */
  capDays: number;
  /** True for what a device measures (steps…); false for what the user logs or a scale sends (weight, water…). */
  fromWearables: boolean;
  /** The roll-up field's value for one day, from the legacy values of `activities/…` (or `activities/tracker/…`), `body/…`, `foods/…`; null when a value is missing. */
  value(activity: LegacyLookup, other: LegacyLookup): Record<string, unknown> | null;
}

/** How `list` serves a type: one point per local day (or a custom source of points, see `GoogleValues.points`). */
export interface ListDefinition {
  /** `day`: an interval over the local day; `sample`: a sample at `sampleTime` local time; `custom`: built by GoogleValues (sleep, height). */
  shape: 'day' | 'sample' | 'custom';
  /** Local `HH:MM:SS` of a daily sample. */
  sampleTime?: string;
  /** The point's value fields besides its time, from the day's legacy values; null when that day has none. */
  value?(lookup: LegacyLookup): Record<string, unknown> | null;
  /** Largest (and default) page; Google's default is 1440 and its largest 10000, sleep and exercise 25. */
  maxPageSize?: number;
}

/** A Health API data type the emulator serves (GOOGLE_DATA_TYPES): name, field, scope, and how roll-ups and lists serve it. */
export interface GoogleDataType {
  /** As in the URL: `steps`, `total-calories`… */
  name: string;
  /** The DataPoint's and the roll-up's field: `steps`, `totalCalories`… (checked against the discovery document). */
  field: string;
  scope: string;
  rollup?: RollupDefinition;
  list?: ListDefinition;
  /** Webhook notifications exist for the type. */
  webhooks: boolean;
}

/** How a data point of the type is timed, as its DataPoint schema says. */
export type RecordKind = 'interval' | 'sample' | 'session' | 'daily';

const ACTIVITY = googleScope('activity_and_fitness.readonly');
const METRICS = googleScope('health_metrics_and_measurements.readonly');
const SLEEP = googleScope('sleep.readonly');
const NUTRITION = googleScope('nutrition.readonly');

const SHORT_CAP_DAYS = 14;
const CAP_DAYS = 90;

/** Every read goes through this: a missing legacy value means no bucket (or point) that day. */
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

/** A point over each local day, valued from one legacy path. */
const dayPoints = (path: string, build: (value: number) => Record<string, unknown>): ListDefinition => ({
  shape: 'day',
  value: (lookup) => {
    const values = numbers(lookup, path);
    return values && build(values[0]!);
  },
});

/** One sample a day at a fixed local time, valued from one legacy path. */
const samplePoints = (path: string, sampleTime: string, build: (value: number) => Record<string, unknown>): ListDefinition => ({
  ...dayPoints(path, build),
  shape: 'sample',
  sampleTime,
});

const type = (name: string, field: string, scope: string, extra: Partial<GoogleDataType> = {}): GoogleDataType => ({ name, field, scope, webhooks: false, ...extra });

const int64 = (value: number) => String(Math.round(value));

/**
 * The data types the emulator serves and how each derives from the legacy generator's daily values
 * (int64 counts as strings, kcal and measurements as numbers, Google's fixed units: mm, g, ml, kcal,
 * seconds). A type here is checked against the discovery document (its field, its record kind), so a
 * new one needs only its name, field, scope and how its values derive. `webhooks` follows Google's
 * webhooks page.
 */
export const GOOGLE_DATA_TYPES: readonly GoogleDataType[] = [
  type('steps', 'steps', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(CAP_DAYS, ['steps'], (steps) => ({ countSum: int64(steps) })),
    list: dayPoints('activities/steps', (steps) => ({ count: int64(steps) })),
  }),
  type('distance', 'distance', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(CAP_DAYS, ['distance'], (km) => ({ millimetersSum: int64(km * 1_000_000) })),
    list: dayPoints('activities/distance', (km) => ({ millimeters: int64(km * 1_000_000) })),
  }),
  type('floors', 'floors', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(CAP_DAYS, ['floors'], (floors) => ({ countSum: int64(floors) })),
    list: dayPoints('activities/floors', (floors) => ({ count: int64(floors) })),
  }),
  type('altitude', 'altitude', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(CAP_DAYS, ['elevation'], (metres) => ({ gainMillimetersSum: int64(metres * 1000) })),
    list: dayPoints('activities/elevation', (metres) => ({ gainMillimeters: int64(metres * 1000) })),
  }),
  type('total-calories', 'totalCalories', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(SHORT_CAP_DAYS, ['calories'], (kcal) => ({ kcalSum: kcal })),
  }),
  type('active-energy-burned', 'activeEnergyBurned', ACTIVITY, {
    rollup: activityRollup(CAP_DAYS, ['activityCalories'], (kcal) => ({ kcalSum: kcal })),
    list: dayPoints('activities/activityCalories', (kcal) => ({ kcal })),
  }),
  type('active-minutes', 'activeMinutes', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(SHORT_CAP_DAYS, ['minutesLightlyActive', 'minutesFairlyActive', 'minutesVeryActive'], (light, moderate, vigorous) => ({
      activeMinutesRollupByActivityLevel: [
        { activityLevel: 'LIGHT', activeMinutesSum: int64(light) },
        { activityLevel: 'MODERATE', activeMinutesSum: int64(moderate) },
        { activityLevel: 'VIGOROUS', activeMinutesSum: int64(vigorous) },
      ],
    })),
  }),
  type('sedentary-period', 'sedentaryPeriod', ACTIVITY, {
    webhooks: true,
    rollup: activityRollup(CAP_DAYS, ['minutesSedentary'], (minutes) => ({ durationSum: `${minutes * 60}s` })),
  }),
  type('basal-energy-burned', 'basalEnergyBurned', ACTIVITY, { list: dayPoints('activities/caloriesBMR', (kcal) => ({ kcal })) }),
  type('weight', 'weight', METRICS, {
    webhooks: true,
    rollup: otherRollup('body/weight', (kg) => ({ weightGramsAvg: Math.round(kg * 1000) })),
    list: samplePoints('body/weight', '07:12:00', (kg) => ({ weightGrams: Math.round(kg * 1000) })),
  }),
  type('body-fat', 'bodyFat', METRICS, {
    webhooks: true,
    rollup: otherRollup('body/fat', (percent) => ({ bodyFatPercentageAvg: percent })),
    list: samplePoints('body/fat', '07:12:00', (percent) => ({ percentage: percent })),
  }),
  type('height', 'height', METRICS, { webhooks: true, list: { shape: 'custom' } }),
  type('sleep', 'sleep', SLEEP, { webhooks: true, list: { shape: 'custom', maxPageSize: 25 } }),
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

/** `body-fat` → `body_fat`: the form a filter names the type in. */
export const filterNameOf = (type: GoogleDataType): string => type.name.replaceAll('-', '_');

const recordKinds = new Map<string, RecordKind>();

/** How the discovery document times the type's data points: an observation interval, a sample, a session or a day. */
export function recordKindOf(type: GoogleDataType): RecordKind {
  let kind = recordKinds.get(type.name);
  if (kind === undefined) {
    const contract = GoogleHealthContract.load();
    const reference = contract.schema('DataPoint')?.properties?.[type.field]?.$ref;
    const schema = reference ? contract.schema(reference) : undefined;
    if (!schema) throw new Error(`The discovery document's DataPoint has no field ${type.field} (data type ${type.name})`);
    const properties = schema.properties ?? {};
    if (properties.interval?.$ref === 'SessionTimeInterval') kind = 'session';
    else if (properties.interval?.$ref === 'ObservationTimeInterval') kind = 'interval';
    else if (properties.sampleTime) kind = 'sample';
    else if (properties.date) kind = 'daily';
    else throw new Error(`The discovery document does not say how ${reference} points are timed`);
    recordKinds.set(type.name, kind);
  }
  return kind;
}

/** A filter field and which time of a point it compares. */
export interface FilterField {
  name: string;
  /** `civil`: local `YYYY-MM-DD[THH:mm:ss]`; `physical`: RFC 3339. */
  clock: 'civil' | 'physical';
}

/**
 * The fields a list filter may name for the type (Google's "Filter data" page): interval types filter on
 * their start, samples on their sample time, sleep on its end, other sessions on their start, daily types on the date.
 */
export function filterFieldsOf(type: GoogleDataType): FilterField[] {
  const name = filterNameOf(type);
  switch (recordKindOf(type)) {
    case 'interval':
      return [
        { name: `${name}.interval.start_time`, clock: 'physical' },
        { name: `${name}.interval.civil_start_time`, clock: 'civil' },
      ];
    case 'sample':
      return [
        { name: `${name}.sample_time.physical_time`, clock: 'physical' },
        { name: `${name}.sample_time.civil_time`, clock: 'civil' },
      ];
    case 'session':
      return type.name === 'sleep'
        ? [
            { name: 'sleep.interval.end_time', clock: 'physical' },
            { name: 'sleep.interval.civil_end_time', clock: 'civil' },
          ]
        : [
            { name: `${name}.interval.start_time`, clock: 'physical' },
            { name: `${name}.interval.civil_start_time`, clock: 'civil' },
          ];
    case 'daily':
      return [{ name: `${name}.date`, clock: 'civil' }];
  }
}
