import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TimeSeriesData } from '../../lib/data/entities/time-series-data.entity.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { TimeSeriesDataStore } from '../../lib/data/time-series-data.store.js';
import { TimeSeriesTypeRegistry } from '../../lib/data/time-series-type.registry.js';
import { createDataSource, DATABASE_KINDS, type TestDataSource } from '../support/databases.js';
import { datesBetween, storedRows } from './support/subscriptions-fixture.js';

describe.each(DATABASE_KINDS)('TimeSeriesDataStore.upsert on %s', (kind) => {
  let dataSource: TestDataSource;
  let store: TimeSeriesDataStore;

  beforeAll(async () => {
    dataSource = await createDataSource(kind);
    const rows = dataSource.getRepository(TimeSeriesData);
    store = new TimeSeriesDataStore(rows, dataSource.getRepository(UserFitbit), new TimeSeriesTypeRegistry(dataSource.getRepository('TimeSeriesDataType')));
  });
  afterAll(() => dataSource.destroy());

  it('writes a whole fetched batch (1095 days) with one statement, and overwrites on the next', async () => {
    const days = datesBetween('2021-01-01', '2023-12-31');
    expect(days).toHaveLength(1095);
    await store.upsert('1', { category: 'body', resource: 'fat' }, [{ dateTime: '2020-01-01', value: '1' }]); // type ids loaded
    const query = vi.spyOn(dataSource.getRepository(TimeSeriesData), 'query');
    try {
      await store.upsert('1', { category: 'activities', resource: 'steps' }, days.map((dateTime, i) => ({ dateTime, value: String(i) })));
      expect(query).toHaveBeenCalledTimes(1);
      expect(query.mock.calls[0]![0]).toMatch(/^INSERT INTO .* ON CONFLICT/);
    } finally {
      query.mockRestore();
    }
    await store.upsert('1', { category: 'activities', resource: 'steps' }, days.slice(0, 3).map((dateTime) => ({ dateTime, value: 'new' })));
    const rows = await storedRows(dataSource, '1');
    expect(rows).toHaveLength(1096);
    expect(rows.slice(0, 4)).toEqual([
      '1 activities/steps 2021-01-01 new',
      '1 activities/steps 2021-01-02 new',
      '1 activities/steps 2021-01-03 new',
      '1 activities/steps 2021-01-04 3',
    ]);
  });

  it('keeps users and types apart, stores empty and null values, and lets the last of a repeated day win', async () => {
    await store.upsert('2', { category: 'foods', resource: 'log/water' }, [
      { dateTime: '2024-02-01', value: '' },
      { dateTime: '2024-02-02', value: null },
      { dateTime: '2024-02-03', value: '07:12' },
      { dateTime: '2024-02-03', value: '1234.5' },
    ]);
    await store.upsert('3', { category: 'foods', resource: 'log/water' }, [{ dateTime: '2024-02-01', value: '9' }]);
    await store.upsert('2', { category: 'body', resource: 'weight' }, [{ dateTime: '2024-02-01', value: '80.5' }]);
    expect(await storedRows(dataSource, '2')).toEqual([
      '2 body/weight 2024-02-01 80.5',
      '2 foods/log/water 2024-02-01 ',
      '2 foods/log/water 2024-02-02 null',
      '2 foods/log/water 2024-02-03 1234.5',
    ]);
    expect(await store.read('2', { category: 'foods', resource: 'log/water' }, '2024-02-01', '2024-02-03')).toEqual([
      { dateTime: '2024-02-01', value: '' },
      { dateTime: '2024-02-02', value: null },
      { dateTime: '2024-02-03', value: '1234.5' },
    ]);
    expect(await storedRows(dataSource, '3')).toEqual(['3 foods/log/water 2024-02-01 9']);
  });

  it('does nothing for an empty batch', async () => {
    const query = vi.spyOn(dataSource.getRepository(TimeSeriesData), 'query');
    try {
      await store.upsert('4', { category: 'activities', resource: 'steps' }, []);
      expect(query).not.toHaveBeenCalled();
    } finally {
      query.mockRestore();
    }
  });

  it('two concurrent writers of the same days leave one row per day', async () => {
    const days = datesBetween('2024-01-01', '2024-03-31');
    await Promise.all(
      Array.from({ length: 4 }, (_, writer) =>
        store.upsert('5', { category: 'sleep', resource: 'efficiency' }, days.map((dateTime) => ({ dateTime, value: String(writer) }))),
      ),
    );
    const rows = await storedRows(dataSource, '5');
    expect(rows).toHaveLength(days.length);
    expect(new Set(rows.map((row) => row.split(' ')[2])).size).toBe(days.length);
  });
});
