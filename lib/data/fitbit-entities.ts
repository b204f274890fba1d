import { PendingRevocation } from './entities/pending-revocation.entity.js';
import { TimeSeriesData } from './entities/time-series-data.entity.js';
import { TimeSeriesDataType } from './entities/time-series-data-type.entity.js';
import { UserFitbit } from './entities/user-fitbit.entity.js';

/** For the host's `TypeOrmModule.forRoot({ entities: [...FITBIT_ENTITIES] })`, or use `autoLoadEntities`. */
export const FITBIT_ENTITIES = [UserFitbit, TimeSeriesDataType, TimeSeriesData, PendingRevocation];
