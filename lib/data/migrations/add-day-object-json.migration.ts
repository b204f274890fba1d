import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { DAY_OBJECT_JSON_SQL } from '../entities/day-object-json.sql.js';

const TABLE = 'fitbit_time_series_data';

const objectJson = new TableColumn({
  name: 'object_json',
  type: 'text',
  isNullable: true,
  generatedType: 'STORED',
  asExpression: DAY_OBJECT_JSON_SQL,
});

/**
 * Each stored day as its JSON object of get_data's answer, computed by the database when the day
 * is written, so a read in database mode joins texts instead of building one object per day.
 * SQLite cannot add a stored column in place: TypeORM rebuilds the table, rows included.
 */
export class AddDayObjectJson1764000000002 implements MigrationInterface {
  name = 'AddDayObjectJson1764000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (await queryRunner.hasColumn(TABLE, objectJson.name)) return;
    await queryRunner.addColumn(TABLE, objectJson.clone());
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (await queryRunner.hasColumn(TABLE, objectJson.name)) await queryRunner.dropColumn(TABLE, objectJson.name);
  }
}
