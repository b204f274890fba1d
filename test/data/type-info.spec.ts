import { describe, expect, it } from 'vitest';
import { TIME_SERIES_TYPE_INFO, TIME_SERIES_TYPES, timeSeriesPath, timeSeriesTypeInfo } from '../../lib/index.js';

describe('the label and unit of each data type (exported for hosts to render values)', () => {
  it('covers the 36 types in their order, each with a label, and a unit unless it is a time of day', () => {
    expect(TIME_SERIES_TYPE_INFO.map((info) => info.path)).toEqual(TIME_SERIES_TYPES.map(timeSeriesPath));
    for (const info of TIME_SERIES_TYPE_INFO) {
      expect(info.label, info.path).toMatch(/^[A-Z]/);
      if (info.kind === 'time') expect(info.unit).toBeNull();
      else expect(info.unit, info.path).toMatch(/\S/);
    }
    expect(new Set(TIME_SERIES_TYPE_INFO.map((info) => info.label)).size).toBe(36);
  });

  it('gives the units the stored values are in: the legacy API\'s metric units', () => {
    const unitOf = (path: string) => timeSeriesTypeInfo(path)?.unit;
    expect(unitOf('activities/steps')).toBe('steps');
    expect(unitOf('activities/distance')).toBe('km');
    expect(unitOf('activities/tracker/elevation')).toBe('m');
    expect(unitOf('body/weight')).toBe('kg');
    expect(unitOf('foods/log/water')).toBe('ml');
    expect(unitOf('sleep/minutesAsleep')).toBe('min');
    expect(unitOf('sleep/efficiency')).toBe('%');
    expect(timeSeriesTypeInfo({ category: 'sleep', resource: 'startTime' })).toEqual({ path: 'sleep/startTime', label: 'Fell asleep at', unit: null, kind: 'time' });
    expect(timeSeriesTypeInfo('activities/tracker/minutesVeryActive')?.label).toBe('Very active minutes (tracker)');
    expect(timeSeriesTypeInfo('weather/rain')).toBeUndefined();
  });
});
