import { Inject, type Provider } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { FITBIT_ENTITIES } from './fitbit-entities.js';

type FitbitEntity = (typeof FITBIT_ENTITIES)[number];

const tokens = new Map<FitbitEntity, symbol>(FITBIT_ENTITIES.map((entity) => [entity, Symbol(`FitbitRepository(${entity.name})`)]));

/**
 * The module's own token for an entity's repository. Each registration points it at the repository
 * of its `dataSource` (see `fitbitRepositoryProviders`), so the stores work on a named connection
 * without knowing its name.
 */
export function fitbitRepositoryToken(entity: FitbitEntity): symbol {
  return tokens.get(entity)!;
}

/** `@InjectRepository(entity)` on the registration's data source. */
export function InjectFitbitRepository(entity: FitbitEntity): PropertyDecorator & ParameterDecorator {
  return Inject(fitbitRepositoryToken(entity));
}

/** Aliases from the module's tokens to the repositories `TypeOrmModule.forFeature(FITBIT_ENTITIES, dataSource)` provides. */
export function fitbitRepositoryProviders(dataSource?: DataSource | DataSourceOptions | string): Provider[] {
  return FITBIT_ENTITIES.map((entity) => ({ provide: fitbitRepositoryToken(entity), useExisting: getRepositoryToken(entity, dataSource) }));
}
