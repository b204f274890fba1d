import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { FITBIT_ENTITIES, FITBIT_MIGRATIONS } from '../../lib/index.js';
import { SampleUser } from '../users/sample-user.entity.js';
import { CreateSampleUserTable1765000000000 } from '../users/create-sample-user-table.migration.js';
import { EnvironmentError, type DatabaseSettings } from './environment.js';

/**
 * TypeORM options for the sample: the module's entities and migrations plus the sample's users,
 * migrated on start. A PostgreSQL connection attempt gives up after `connectTimeoutMs`.
 */
export function databaseOptions(database: DatabaseSettings, connectTimeoutMs: number): DataSourceOptions {
  const common = {
    entities: [...FITBIT_ENTITIES, SampleUser],
    migrations: [...FITBIT_MIGRATIONS, CreateSampleUserTable1765000000000],
    migrationsRun: true,
    synchronize: false,
  };
  if (database.kind === 'postgres') return { type: 'postgres', url: database.url, connectTimeoutMS: connectTimeoutMs, ...common };
  if (database.file !== ':memory:') mkdirSync(dirname(database.file), { recursive: true });
  // WAL lets the web app, a worker and the CLI share the file.
  return { type: 'better-sqlite3', database: database.file, enableWAL: true, ...common };
}

/** Where DATABASE_URL points, for messages: host, port and database, never the password. */
export function describeDatabase(database: DatabaseSettings): string {
  if (database.kind === 'sqlite') return `the SQLite file ${database.file}`;
  const url = new URL(database.url);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/** The messages of an error and its causes, outermost first (an AggregateError's first error stands for it). */
function messagesOf(error: unknown): string[] {
  const messages: string[] = [];
  for (let cause = error; cause !== undefined && messages.length < 5; cause = cause instanceof Error ? cause.cause : undefined) {
    if (cause instanceof AggregateError && cause.errors.length > 0 && cause.message === '') cause = cause.errors[0];
    messages.push(cause instanceof Error ? cause.message || cause.name : String(cause));
  }
  return messages;
}

/**
 * Connects (and migrates) once: the first failure stops start-up with one line naming DATABASE_URL
 * and the address, rather than TypeORM's retries, each logged with its stack.
 */
export async function connectDatabase(options: DataSourceOptions, database: DatabaseSettings, connectTimeoutMs: number): Promise<DataSource> {
  const dataSource = new DataSource(options);
  try {
    return await dataSource.initialize();
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    const messages = messagesOf(error);
    const message = messages.at(-1)!;
    const problem = messages.some((text) => /timeout/i.test(text))
      ? `did not answer within ${connectTimeoutMs} ms`
      : /ECONNREFUSED/.test(message)
        ? `refused the connection (${message})`
        : `could not be used: ${message}`;
    throw new EnvironmentError('DATABASE_URL', `${describeDatabase(database)} ${problem}`);
  }
}
