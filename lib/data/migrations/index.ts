import { AddDayObjectJson1764000000002 } from './add-day-object-json.migration.js';
import { CreateFitbitSchema1764000000000 } from './create-fitbit-schema.migration.js';
import { CreatePendingRevocation1764000000003 } from './create-pending-revocation.migration.js';
import { SeedTimeSeriesDataTypes1764000000001 } from './seed-time-series-data-types.migration.js';

export { AddDayObjectJson1764000000002, CreateFitbitSchema1764000000000, CreatePendingRevocation1764000000003, SeedTimeSeriesDataTypes1764000000001 };

/** For the host's `TypeOrmModule.forRoot({ migrations: [...FITBIT_MIGRATIONS], migrationsRun: true })`. */
export const FITBIT_MIGRATIONS = [CreateFitbitSchema1764000000000, SeedTimeSeriesDataTypes1764000000001, AddDayObjectJson1764000000002, CreatePendingRevocation1764000000003];
