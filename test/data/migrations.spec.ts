import type { QueryRunner, Table } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { TimeSeriesDataType } from '../../lib/data/entities/time-series-data-type.entity.js';
import { TimeSeriesData } from '../../lib/data/entities/time-series-data.entity.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { FITBIT_MIGRATIONS } from '../../lib/data/migrations/index.js';
import { TIME_SERIES_TYPES, TimeSeriesCategory } from '../../lib/data/time-series-data-types.js';
import { DATABASE_KINDS, createDataSource, type TestDataSource } from '../support/databases.js';

const FITBIT_TABLES = ['fitbit_user_link', 'fitbit_time_series_data_type', 'fitbit_time_series_data', 'fitbit_pending_revocation'];

const SEEDED_ROWS = TIME_SERIES_TYPES.map(({ category, resource }) => ({
  category: TimeSeriesCategory[category],
  resource,
}));

async function dataTypeRows(dataSource: TestDataSource): Promise<{ category: number; resource: string }[]> {
  const rows = await dataSource
    .createQueryBuilder()
    .select('t.category', 'category')
    .addSelect('t.resource', 'resource')
    .from(TimeSeriesDataType, 't')
    .orderBy('t.category', 'ASC')
    .addOrderBy('t.resource', 'ASC')
    .getRawMany<{ category: number | string; resource: string }>();
  return rows.map(({ category, resource }) => ({ category: Number(category), resource }));
}

async function withQueryRunner<T>(dataSource: TestDataSource, work: (queryRunner: QueryRunner) => Promise<T>): Promise<T> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    return await work(queryRunner);
  } finally {
    await queryRunner.release();
  }
}

/** Everything about the fitbit tables that a migration could change, without database-assigned noise. */
function describeTable(table: Table) {
  const byName = <T extends { name?: string }>(items: T[]) =>
    [...items].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  return {
    name: table.name,
    columns: table.columns.map(({ name, type, length, isNullable, isPrimary, isGenerated }) => ({
      name,
      type,
      length,
      isNullable,
      isPrimary,
      isGenerated,
    })),
    uniques: byName(table.uniques).map(({ name, columnNames }) => ({ name, columnNames: [...columnNames].sort() })),
    indices: byName(table.indices).map(({ name, columnNames, isUnique }) => ({ name, columnNames, isUnique })),
    foreignKeys: byName(table.foreignKeys).map(({ name, columnNames, referencedColumnNames, onDelete }) => ({
      name,
      columnNames,
      referencedColumnNames,
      onDelete,
    })),
  };
}

async function databaseState(dataSource: TestDataSource) {
  const tables = await withQueryRunner(dataSource, (queryRunner) => queryRunner.getTables(FITBIT_TABLES));
  const migrations = await dataSource.query(`SELECT name FROM migrations ORDER BY id`);
  const types = await dataSource.getRepository(TimeSeriesDataType).find({ order: { id: 'ASC' } });
  return {
    tables: tables.map(describeTable).sort((a, b) => a.name.localeCompare(b.name)),
    migrations,
    types: types.map(({ id, category, resource }) => ({ id, category, resource })),
  };
}

async function columnNames(dataSource: TestDataSource, table: string): Promise<string[]> {
  return withQueryRunner(dataSource, async (queryRunner) => (await queryRunner.getTable(table))!.columns.map((column) => column.name));
}

async function fitbitTablesPresent(dataSource: TestDataSource): Promise<string[]> {
  return withQueryRunner(dataSource, async (queryRunner) => {
    const present: string[] = [];
    for (const table of FITBIT_TABLES) if (await queryRunner.hasTable(table)) present.push(table);
    return present;
  });
}

function userLink(overrides: Partial<UserFitbit> = {}): Partial<UserFitbit> {
  return {
    userId: 'user-1',
    provider: 'fitbit',
    providerUserId: 'ABC123',
    accessToken: 'access',
    refreshToken: 'refresh',
    expiresAt: 1_764_000_000_000,
    createdAt: 1_763_000_000_000,
    ...overrides,
  };
}

async function stepsType(dataSource: TestDataSource): Promise<TimeSeriesDataType> {
  return dataSource
    .getRepository(TimeSeriesDataType)
    .findOneByOrFail({ category: TimeSeriesCategory.activities, resource: 'steps' });
}

describe.each(DATABASE_KINDS)('fitbit migrations on %s', (kind) => {
  let dataSource: TestDataSource | undefined;

  async function open(migrate = true): Promise<TestDataSource> {
    dataSource = await createDataSource(kind, { migrate });
    return dataSource;
  }

  afterEach(async () => {
    await dataSource?.destroy();
    dataSource = undefined;
  });

  it('creates the three tables and seeds exactly the 36 data types', async () => {
    const db = await open(false);
    expect(await fitbitTablesPresent(db)).toEqual([]);

    const applied = await db.runMigrations();

    expect(applied.map((migration) => migration.name)).toEqual(FITBIT_MIGRATIONS.map((migration) => migration.name));
    expect(await fitbitTablesPresent(db)).toEqual(FITBIT_TABLES);
    expect(SEEDED_ROWS).toHaveLength(36);
    expect(await dataTypeRows(db)).toEqual(SEEDED_ROWS);
  });

  it('names the unique constraints, the index and the cascading foreign key', async () => {
    const db = await open();
    const tables = await withQueryRunner(db, (queryRunner) => queryRunner.getTables(FITBIT_TABLES));
    const described = Object.fromEntries(tables.map((table) => [table.name, describeTable(table)]));

    expect(described.fitbit_user_link?.uniques).toEqual([
      { name: 'UQ_fitbit_user_link_provider_user', columnNames: ['provider', 'provider_user_id'] },
      { name: 'UQ_fitbit_user_link_user', columnNames: ['user_id'] },
    ]);
    expect(described.fitbit_time_series_data_type?.uniques).toEqual([
      { name: 'UQ_fitbit_time_series_data_type_category_resource', columnNames: ['category', 'resource'] },
    ]);
    expect(described.fitbit_time_series_data?.uniques).toEqual([
      { name: 'UQ_fitbit_time_series_data_user_type_date', columnNames: ['date', 'type_id', 'user_id'] },
    ]);
    expect(described.fitbit_time_series_data?.indices).toEqual([
      { name: 'IDX_fitbit_time_series_data_type', columnNames: ['type_id'], isUnique: false },
    ]);
    expect(described.fitbit_pending_revocation?.indices).toEqual([
      { name: 'IDX_fitbit_pending_revocation_next_attempt', columnNames: ['next_attempt_at'], isUnique: false },
    ]);
    expect(described.fitbit_time_series_data?.foreignKeys).toEqual([
      { name: 'FK_fitbit_time_series_data_type', columnNames: ['type_id'], referencedColumnNames: ['id'], onDelete: 'CASCADE' },
    ]);
  });

  it('matches the entities: the schema builder has nothing to change', async () => {
    const db = await open();
    const { upQueries } = await db.driver.createSchemaBuilder().log();
    expect(upQueries.map((query) => query.query)).toEqual([]);
  });

  it('changes nothing when the migrations run a second time', async () => {
    const db = await open();
    const before = await databaseState(db);

    expect(await db.runMigrations()).toEqual([]);
    expect(await databaseState(db)).toEqual(before);
  });

  it("changes nothing when each migration's up runs again on the migrated database", async () => {
    const db = await open();
    const before = await databaseState(db);

    await withQueryRunner(db, async (queryRunner) => {
      for (const Migration of FITBIT_MIGRATIONS) await new Migration().up(queryRunner);
    });

    expect(await databaseState(db)).toEqual(before);
  });

  it('seeds only the data types that are missing', async () => {
    const db = await open();
    const types = db.getRepository(TimeSeriesDataType);
    const kept = await types.findOneByOrFail({ category: TimeSeriesCategory.body, resource: 'weight' });
    await types.delete({ category: TimeSeriesCategory.sleep });

    const [, Seed] = FITBIT_MIGRATIONS;
    await withQueryRunner(db, (queryRunner) => new Seed().up(queryRunner));

    expect(await dataTypeRows(db)).toEqual(SEEDED_ROWS);
    expect(await types.findOneByOrFail({ category: TimeSeriesCategory.body, resource: 'weight' })).toEqual(kept);
  });

  it('rejects a second data type with the same category and resource', async () => {
    const db = await open();
    await expect(
      db.getRepository(TimeSeriesDataType).insert({ category: TimeSeriesCategory.activities, resource: 'steps' }),
    ).rejects.toThrow(/unique|duplicate/i);
  });

  it('rejects a second value for the same user, type and date', async () => {
    const db = await open();
    const data = db.getRepository(TimeSeriesData);
    const { id: typeId } = await stepsType(db);
    await data.insert({ userId: 'user-1', typeId, date: '2026-01-31', value: '9783' });
    await data.insert({ userId: 'user-1', typeId, date: '2026-02-01', value: '10012' });
    await data.insert({ userId: 'user-2', typeId, date: '2026-01-31', value: null });

    await expect(data.insert({ userId: 'user-1', typeId, date: '2026-01-31', value: '1' })).rejects.toThrow(
      /unique|duplicate/i,
    );
  });

  it('keeps each day as its get_data object, written by the database on insert and update', async () => {
    const db = await open();
    const data = db.getRepository(TimeSeriesData);
    const { id: typeId } = await stepsType(db);
    const values = ['9783', null, '', "12:30 a'b", 'x"y', 'back\\slash', 'tab\there', 'caf\u00e9', 'smile\u{1F600}'];
    await data.insert(values.map((value, day) => ({ userId: 'user-1', typeId, date: `2026-01-${String(day + 10)}`, value })));
    await data.update({ userId: 'user-1', typeId, date: '2026-01-10' }, { value: '10001' });

    const rows = await data
      .createQueryBuilder('d')
      .select(['d.date AS "date"', 'd.value AS "value"', 'd.objectJson AS "objectJson"'])
      .orderBy('d.date')
      .getRawMany<{ date: string; value: string | null; objectJson: string | null }>();
    const plain = (value: string | null) => value === null || (/^[\x20-\x7e]*$/.test(value) && !/["\\]/.test(value));
    expect(rows.map((row) => row.value)).toEqual(['10001', ...values.slice(1)]);
    for (const { date, value, objectJson } of rows) {
      expect(objectJson).toBe(plain(value) ? JSON.stringify({ dateTime: date, value }) : null);
    }
    expect(rows.filter((row) => row.objectJson === null)).toHaveLength(5);
  });

  it('fills the day objects of rows stored before the column existed', async () => {
    const db = await open(false);
    await db.runMigrations();
    await db.undoLastMigration();
    const { id: typeId } = await stepsType(db);
    await db.query(
      `INSERT INTO fitbit_time_series_data (user_id, type_id, date, value) VALUES ('user-1', ${typeId}, '2026-01-31', '9783'), ('user-1', ${typeId}, '2026-02-01', NULL)`,
    );

    expect(await db.runMigrations()).toHaveLength(1);
    const rows = await db.query(`SELECT id, date, object_json AS "objectJson" FROM fitbit_time_series_data ORDER BY date`);
    expect(rows.map((row: { objectJson: string }) => row.objectJson)).toEqual([
      '{"dateTime":"2026-01-31","value":"9783"}',
      '{"dateTime":"2026-02-01","value":null}',
    ]);
  });

  it('rejects a second link for the same app user', async () => {
    const db = await open();
    const links = db.getRepository(UserFitbit);
    await links.insert(userLink());

    await expect(links.insert(userLink({ providerUserId: 'OTHER' }))).rejects.toThrow(/unique|duplicate/i);
  });

  it('rejects a second link to the same provider account', async () => {
    const db = await open();
    const links = db.getRepository(UserFitbit);
    await links.insert(userLink());
    await links.insert(userLink({ userId: 'user-2', provider: 'google-health' }));

    await expect(links.insert(userLink({ userId: 'user-3' }))).rejects.toThrow(/unique|duplicate/i);
  });

  it("deletes a data type's values along with it", async () => {
    const db = await open();
    const data = db.getRepository(TimeSeriesData);
    const steps = await stepsType(db);
    const floors = await db
      .getRepository(TimeSeriesDataType)
      .findOneByOrFail({ category: TimeSeriesCategory.activities, resource: 'floors' });
    await data.insert({ userId: 'user-1', typeId: steps.id, date: '2026-01-31', value: '9783' });
    await data.insert({ userId: 'user-1', typeId: floors.id, date: '2026-01-31', value: '12' });

    await db.getRepository(TimeSeriesDataType).delete(steps.id);

    const left = await data.find();
    expect(left.map(({ typeId, value }) => ({ typeId, value }))).toEqual([{ typeId: floors.id, value: '12' }]);
  });

  it('round-trips epoch milliseconds in bigint columns as numbers', async () => {
    const db = await open();
    const links = db.getRepository(UserFitbit);
    await links.insert(userLink({ refreshLockedUntil: 1_764_000_123_456 }));

    const link = await links.findOneByOrFail({ userId: 'user-1' });
    expect(link).toMatchObject({ expiresAt: 1_764_000_000_000, createdAt: 1_763_000_000_000, refreshLockedUntil: 1_764_000_123_456 });
    expect(link.legacyUserId).toBeNull();
  });

  it('takes everything away again when the migrations are undone', async () => {
    const db = await open();
    await db.getRepository(UserFitbit).insert(userLink());

    await db.undoLastMigration();
    expect(await fitbitTablesPresent(db)).toEqual(FITBIT_TABLES.filter((table) => table !== 'fitbit_pending_revocation'));

    await db.undoLastMigration();
    expect(await columnNames(db, 'fitbit_time_series_data')).not.toContain('object_json');
    expect(await dataTypeRows(db)).toEqual(SEEDED_ROWS);

    await db.undoLastMigration();
    expect(await fitbitTablesPresent(db)).toEqual(FITBIT_TABLES.filter((table) => table !== 'fitbit_pending_revocation'));
    expect(await dataTypeRows(db)).toEqual([]);

    await db.undoLastMigration();
    expect(await fitbitTablesPresent(db)).toEqual([]);
    expect(await db.query(`SELECT name FROM migrations`)).toEqual([]);

    expect(await db.runMigrations()).toHaveLength(FITBIT_MIGRATIONS.length);
    expect(await dataTypeRows(db)).toEqual(SEEDED_ROWS);
  });
});
