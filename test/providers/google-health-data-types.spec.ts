import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TIME_SERIES_TYPES, timeSeriesPath } from '../../lib/data/time-series-data-types.js';
import { formatLegacyValue, GOOGLE_TYPE_MAPPINGS, googleMappingOf } from '../../lib/providers/google-health/google-health-data-types.js';
import { GoogleHealthContract, type DiscoverySchema } from '../../lib/testing/index.js';

const contract = GoogleHealthContract.load();

/** Follows `a.b[ITEM].c` through the discovery schemas; the schema of the last field, or undefined. */
function fieldSchema(schemaName: string, path: string): DiscoverySchema | undefined {
  let schema = contract.schema(schemaName);
  for (const part of path.split('.')) {
    const name = part.replace(/\[[A-Z_]+\]$/, '');
    let property = schema?.properties?.[name];
    if (property?.$ref) property = { ...contract.schema(property.$ref), ...property, $ref: undefined };
    if (part !== name) property = property?.items?.$ref ? contract.schema(property.items.$ref) : property?.items;
    schema = property;
  }
  return schema;
}

const mapping = (path: string) => GOOGLE_TYPE_MAPPINGS.get(path)!;

describe('the Google Health mapping of the seed types', () => {
  it('covers every seed type but the three with no Google equivalent', () => {
    const unsupported = TIME_SERIES_TYPES.filter((type) => !googleMappingOf(type)).map(timeSeriesPath);
    expect(unsupported.sort()).toEqual(['activities/activeScore', 'activities/tracker/activeScore', 'sleep/awakeningsCount']);
  });

  it('converts roll-up buckets to the legacy units', () => {
    const bucket = {
      steps: { countSum: '8421' },
      distance: { millimetersSum: '7420000' },
      altitude: { gainMillimetersSum: '36000' },
      sedentaryPeriod: { durationSum: '41400s' },
      weight: { weightGramsAvg: 72400 },
      activeMinutes: { activeMinutesRollupByActivityLevel: [{ activityLevel: 'LIGHT', activeMinutesSum: '180' }, { activityLevel: 'VIGOROUS', activeMinutesSum: '12' }] },
    };
    expect(contract.checkSchema('DailyRollupDataPoint', bucket)).toEqual([]);
    expect(mapping('activities/steps').value(bucket)).toBe(8421);
    expect(mapping('activities/distance').value(bucket)).toBe(7.42);
    expect(mapping('activities/elevation').value(bucket)).toBe(36);
    expect(mapping('activities/minutesSedentary').value(bucket)).toBe(690);
    expect(mapping('body/weight').value(bucket)).toBe(72.4);
    expect(mapping('activities/minutesLightlyActive').value(bucket)).toBe(180);
    expect(mapping('activities/minutesFairlyActive').value(bucket)).toBe(0);
    expect(mapping('activities/minutesVeryActive').value(bucket)).toBe(12);
    expect(mapping('activities/tracker/steps')).toMatchObject({ dataType: 'steps', tracker: true });
  });

  it('computes sleep efficiency and writes values like Fitbit did', () => {
    expect(mapping('sleep/efficiency').value({ minutesAsleep: 421, minutesInSleepPeriod: 473 })).toBe(89);
    expect(formatLegacyValue('activities/distance', 7.4213)).toBe('7.4213');
    expect(formatLegacyValue('activities/calories', 2345.4)).toBe('2345');
    expect(formatLegacyValue('body/bmi', 22.4567)).toBe('22.46');
    expect(formatLegacyValue('sleep/startTime', '23:12')).toBe('23:12');
  });

  it('keeps the 14-day cap for active minutes and total calories, 90 days elsewhere', () => {
    const capped = [...GOOGLE_TYPE_MAPPINGS].filter(([, m]) => m.maxDays === 14).map(([, m]) => m.dataType);
    expect(new Set(capped)).toEqual(new Set(['active-minutes', 'total-calories']));
  });

  it('reads fields the discovery document has, of the types it gives them', () => {
    const camel = (dataType: string) => dataType.replace(/-([a-z])/g, (_dash, letter: string) => letter.toUpperCase());
    for (const [path, m] of GOOGLE_TYPE_MAPPINGS) {
      const schemas = m.read === 'rollup' || m.read === 'bmi' ? ['DailyRollupDataPoint', 'DataPoint'] : ['DataPoint'];
      expect(contract.schema(schemas[0]!)!.properties, `${path}: ${m.dataType}`).toHaveProperty(camel(m.dataType));
      const fields = m.field.match(/\b[a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*(?:\[[A-Z]+\])?)+/g) ?? [];
      expect(fields.length, path).toBeGreaterThan(0);
      for (const field of fields) {
        expect(schemas.some((schema) => fieldSchema(schema, field) !== undefined), `${path}: ${field}`).toBe(true);
      }
    }
    expect(fieldSchema('DataPoint', 'sleep.summary.minutesAsleep')).toMatchObject({ type: 'string', format: 'int64' });
    expect(fieldSchema('DataPoint', 'sleep.interval.civilStartTime')).toMatchObject({ id: 'CivilDateTime' });
    expect(fieldSchema('DataPoint', 'sleep.metadata.mainSleep')).toMatchObject({ type: 'boolean' });
    expect(fieldSchema('DailyRollupDataPoint', 'activeMinutes.activeMinutesRollupByActivityLevel[LIGHT].activeMinutesSum')).toMatchObject({ format: 'int64' });
    expect(fieldSchema('DataPoint', 'sleep.summary.efficiency')).toBeUndefined();
  });

  it('is written down in the README exactly as in the code', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const type of TIME_SERIES_TYPES) {
      const path = timeSeriesPath(type);
      const m = GOOGLE_TYPE_MAPPINGS.get(path);
      const row = m
        ? `| \`${path}\` | \`${m.dataType}\`${m.tracker ? ' (google-wearables)' : ''} | ${m.field} | ${m.maxDays} | ${m.notifies ? 'webhook' : 'polled'} |`
        : `| \`${path}\` | none: unsupported | — | — | — |`;
      expect(readme).toContain(row);
    }
  });
});
