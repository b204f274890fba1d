import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

const pendingRevocation = new Table({
  name: 'fitbit_pending_revocation',
  columns: [
    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
    { name: 'user_id', type: 'varchar', length: '255' },
    { name: 'provider', type: 'varchar', length: '32' },
    { name: 'provider_user_id', type: 'varchar', length: '64' },
    { name: 'access_token', type: 'text' },
    { name: 'refresh_token', type: 'text' },
    { name: 'expires_at', type: 'bigint' },
    { name: 'unsubscribe', type: 'boolean' },
    { name: 'revoke', type: 'boolean' },
    { name: 'attempts', type: 'integer', default: 0 },
    { name: 'next_attempt_at', type: 'bigint' },
    { name: 'created_at', type: 'bigint' },
  ],
  indices: [{ name: 'IDX_fitbit_pending_revocation_next_attempt', columnNames: ['next_attempt_at'] }],
});

/** Withdrawals waiting for the provider's confirmation; safe to run on a database that already has the table. */
export class CreatePendingRevocation1764000000003 implements MigrationInterface {
  name = 'CreatePendingRevocation1764000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(pendingRevocation.clone(), true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(pendingRevocation.name, true);
  }
}
