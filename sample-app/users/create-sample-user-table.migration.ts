import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The sample app's own table, next to the module's (FITBIT_MIGRATIONS). */
export class CreateSampleUserTable1765000000000 implements MigrationInterface {
  name = 'CreateSampleUserTable1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'sample_user',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'username', type: 'varchar', length: '64', isUnique: true },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'is_active', type: 'boolean', default: true },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sample_user', true);
  }
}
