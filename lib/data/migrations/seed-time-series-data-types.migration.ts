import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TIME_SERIES_TYPES, TimeSeriesCategory } from '../time-series-data-types.js';

interface DataTypeRow {
  category: number;
  resource: string;
}

const SEEDED_ROWS: readonly DataTypeRow[] = TIME_SERIES_TYPES.map(({ category, resource }) => ({
  category: TimeSeriesCategory[category],
  resource,
}));

const rowKey = (row: DataTypeRow): string => `${Number(row.category)}/${row.resource}`;

/** Qualified with the configured schema the way TypeORM qualifies its own migrations table. */
function dataTypeTablePath(queryRunner: QueryRunner): string {
  const { driver } = queryRunner.connection;
  const schema = 'schema' in driver.options && typeof driver.options.schema === 'string' ? driver.options.schema : undefined;
  return driver.buildTableName('fitbit_time_series_data_type', schema, driver.database);
}

/** The 36 time-series data types; inserts only the ones that are missing. */
export class SeedTimeSeriesDataTypes1764000000001 implements MigrationInterface {
  name = 'SeedTimeSeriesDataTypes1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = dataTypeTablePath(queryRunner);
    const existing = await queryRunner.manager
      .createQueryBuilder()
      .select('t.category', 'category')
      .addSelect('t.resource', 'resource')
      .from(table, 't')
      .getRawMany<DataTypeRow>();
    const present = new Set(existing.map(rowKey));
    const missing = SEEDED_ROWS.filter((row) => !present.has(rowKey(row)));
    if (missing.length === 0) return;
    await queryRunner.manager.createQueryBuilder().insert().into(table, ['category', 'resource']).values(missing).execute();
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const table = dataTypeTablePath(queryRunner);
    for (const { category, resource } of SEEDED_ROWS) {
      await queryRunner.manager
        .createQueryBuilder()
        .delete()
        .from(table)
        .where('category = :category AND resource = :resource', { category, resource })
        .execute();
    }
  }
}
