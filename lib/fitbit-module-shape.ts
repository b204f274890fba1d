import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FitbitAuthController } from './auth/fitbit-auth.controller.js';
import type { FitbitModuleExtras } from './config/fitbit-module-options.interface.js';
import { loadOptionalFeature } from './config/optional-feature.js';
import { resolveModuleShape } from './config/resolve-fitbit-config.js';
import { FitbitDataController } from './data/fitbit-data.controller.js';
import { FITBIT_ENTITIES } from './data/fitbit-entities.js';
import { fitbitRepositoryProviders } from './data/fitbit-repository.js';
import { FitbitCoreModule } from './fitbit-core.module.js';
import { FITBIT_MODULE_EXTRAS } from './fitbit.constants.js';
import { routedController } from './routed-controller.js';

/** The optional peers each optional part needs (see `peerDependenciesMeta` in package.json). */
const SUBSCRIPTIONS_FEATURE = { option: 'subscribe', packages: ['@nestjs/bull', 'bull'] } as const;
const COMMANDS_FEATURE = { option: 'commands', packages: ['nest-commander'] } as const;

/**
 * Builds one registration from what `forRoot`/`forRootAsync` made and the module-shaping settings:
 * the core services on the chosen TypeORM connection, this registration's routes under its prefix,
 * and, only when asked for, the subscription jobs and the command, each loaded from its own file
 * so that their packages are needed only then.
 */
export function shapeFitbitModule(definition: DynamicModule, extras: FitbitModuleExtras): DynamicModule {
  const shape = resolveModuleShape(extras);
  const core: DynamicModule = {
    module: FitbitCoreModule,
    imports: [...(definition.imports ?? []), TypeOrmModule.forFeature(FITBIT_ENTITIES, shape.dataSource)],
    providers: [...(definition.providers ?? []), { provide: FITBIT_MODULE_EXTRAS, useValue: shape }, ...fitbitRepositoryProviders(shape.dataSource)],
    exports: [...(definition.exports ?? [])],
  };
  const subscriptions = shape.subscribe
    ? [
        loadOptionalFeature(SUBSCRIPTIONS_FEATURE, async () =>
          (await import('./subscriptions/fitbit-subscriptions.module.js')).FitbitSubscriptionsModule.register(core, shape),
        ),
      ]
    : [];
  const commands = shape.commands
    ? [loadOptionalFeature(COMMANDS_FEATURE, async () => (await import('./commands/fitbit-commands.module.js')).FitbitCommandsModule.register(core))]
    : [];
  return {
    module: definition.module,
    global: shape.isGlobal,
    imports: [core, ...subscriptions, ...commands],
    controllers: [routedController(FitbitAuthController, shape.routePrefix), routedController(FitbitDataController, shape.routePrefix)],
    exports: [core],
  };
}
