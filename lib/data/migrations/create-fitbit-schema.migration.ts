import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' } as const;

const userLink = new Table({
  name: 'fitbit_user_link',
  columns: [
    id,
    { name: 'user_id', type: 'varchar', length: '255' },
    { name: 'provider', type: 'varchar', length: '32' },
    { name: 'provider_user_id', type: 'varchar', length: '64' },
    { name: 'legacy_user_id', type: 'varchar', length: '32', isNullable: true },
    { name: 'access_token', type: 'text' },
    { name: 'refresh_token', type: 'text' },
    { name: 'expires_at', type: 'bigint' },
    { name: 'scopes', type: 'text', isNullable: true },
    { name: 'time_zone', type: 'varchar', length: '64', isNullable: true },
    { name: 'refresh_locked_until', type: 'bigint', isNullable: true },
    { name: 'created_at', type: 'bigint' },
  ],
  uniques: [
    { name: 'UQ_fitbit_user_link_user', columnNames: ['user_id'] },
    { name: 'UQ_fitbit_user_link_provider_user', columnNames: ['provider', 'provider_user_id'] },
  ],
});

const timeSeriesDataType = new Table({
  name: 'fitbit_time_series_data_type',
  columns: [id, { name: 'category', type: 'smallint' }, { name: 'resource', type: 'varchar', length: '128' }],
  uniques: [{ name: 'UQ_fitbit_time_series_data_type_category_resource', columnNames: ['category', 'resource'] }],
});

const timeSeriesData = new Table({
  name: 'fitbit_time_series_data',
  columns: [
    id,
    { name: 'user_id', type: 'varchar', length: '255' },
    { name: 'type_id', type: 'integer' },
    { name: 'date', type: 'varchar', length: '10' },
    { name: 'value', type: 'varchar', length: '32', isNullable: true },
  ],
  uniques: [{ name: 'UQ_fitbit_time_series_data_user_type_date', columnNames: ['user_id', 'type_id', 'date'] }],
  indices: [{ name: 'IDX_fitbit_time_series_data_type', columnNames: ['type_id'] }],
  foreignKeys: [
    {
      name: 'FK_fitbit_time_series_data_type',
      columnNames: ['type_id'],
      referencedTableName: 'fitbit_time_series_data_type',
      referencedColumnNames: ['id'],
      onDelete: 'CASCADE',
      onUpdate: 'NO ACTION',
    },
  ],
});

/** The tables of the three entities; safe to run on a database that already has them. */
export class CreateFitbitSchema1764000000000 implements MigrationInterface {
  name = 'CreateFitbitSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of [userLink, timeSeriesDataType, timeSeriesData]) {
      await queryRunner.createTable(table.clone(), true);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [timeSeriesData, timeSeriesDataType, userLink]) {
      await queryRunner.dropTable(table.name, true);
    }
  }
}
