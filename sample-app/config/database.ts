import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { FITBIT_ENTITIES, FITBIT_MIGRATIONS } from '../../lib/index.js';
import { SampleUser } from '../users/sample-user.entity.js';
import { CreateSampleUserTable1765000000000 } from '../users/create-sample-user-table.migration.js';
import type { DatabaseSettings } from './environment.js';

/** TypeORM options for the sample: the module's entities and migrations plus the sample's users, migrated on start. */
export function databaseOptions(database: DatabaseSettings): DataSourceOptions {
  const common = {
    entities: [...FITBIT_ENTITIES, SampleUser],
    migrations: [...FITBIT_MIGRATIONS, CreateSampleUserTable1765000000000],
    migrationsRun: true,
    synchronize: false,
  };
  if (database.kind === 'postgres') return { type: 'postgres', url: database.url, ...common };
  if (database.file !== ':memory:') mkdirSync(dirname(database.file), { recursive: true });
  // WAL lets the web app, a worker and the CLI share the file.
  return { type: 'better-sqlite3', database: database.file, enableWAL: true, ...common };
}
