import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { FITBIT_ENTITIES } from '../../lib/data/fitbit-entities.js';
import { FITBIT_MIGRATIONS } from '../../lib/data/migrations/index.js';
import { TEST_POSTGRES_URL } from './service-urls.js';

export const DATABASE_KINDS = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

export interface TestDataSourceOptions {
  /** Run FITBIT_MIGRATIONS while initializing (default true); false leaves the database empty. */
  migrate?: boolean;
}

export interface SqliteTestDataSourceOptions extends TestDataSourceOptions {
  /** A file path; in memory when omitted. */
  database?: string;
}

const moduleOptions = (migrate: boolean) => ({
  entities: [...FITBIT_ENTITIES],
  migrations: [...FITBIT_MIGRATIONS],
  migrationsRun: migrate,
  synchronize: false,
  logging: false,
});

/** An initialized data source over a database of its own; `destroy` also throws that database away. */
export class TestDataSource extends DataSource {
  constructor(
    readonly kind: DatabaseKind,
    options: DataSourceOptions,
    private readonly discardDatabase: () => Promise<void> = async () => undefined,
  ) {
    super(options);
  }

  /** The options this data source was built from, e.g. for `TypeOrmModule.forRoot(...)` (same database). */
  get typeOrmOptions(): DataSourceOptions {
    return this.options;
  }

  override async destroy(): Promise<void> {
    if (this.isInitialized) await super.destroy();
    await this.discardDatabase();
  }
}

async function initialized(dataSource: TestDataSource): Promise<TestDataSource> {
  try {
    await dataSource.initialize();
    return dataSource;
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}

export function createSqliteDataSource(options: SqliteTestDataSourceOptions = {}): Promise<TestDataSource> {
  const { database = ':memory:', migrate = true } = options;
  return initialized(new TestDataSource('sqlite', { type: 'better-sqlite3', database, ...moduleOptions(migrate) }));
}

export async function withPostgresClient(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL database on the test server, for a process that connects by URL; `drop` throws it away. */
export async function createPostgresDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${label}_${randomUUID().replaceAll('-', '')}`;
  await withPostgresClient((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => withPostgresClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)) };
}

/** A fresh schema in database `test`, used as the search path too, so raw SQL stays inside it. */
export async function createPostgresDataSource(options: TestDataSourceOptions = {}): Promise<TestDataSource> {
  const { migrate = true } = options;
  const schema = `fitbit_test_${randomUUID().replaceAll('-', '')}`;
  await withPostgresClient((client) => client.query(`CREATE SCHEMA "${schema}"`));
  const dropSchema = () => withPostgresClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  return initialized(
    new TestDataSource(
      'postgres',
      {
        type: 'postgres',
        url: TEST_POSTGRES_URL,
        schema,
        extra: { options: `-c search_path=${schema}` },
        ...moduleOptions(migrate),
      },
      dropSchema,
    ),
  );
}

export function createDataSource(kind: DatabaseKind, options: TestDataSourceOptions = {}): Promise<TestDataSource> {
  return kind === 'sqlite' ? createSqliteDataSource(options) : createPostgresDataSource(options);
}
