import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { FitbitModuleExtras, FitbitModuleOptions } from './config/fitbit-module-options.interface.js';
import { FITBIT_MODULE_OPTIONS } from './fitbit.constants.js';
import { shapeFitbitModule } from './fitbit-module-shape.js';

export const {
  ConfigurableModuleClass: FitbitConfigurableModule,
  OPTIONS_TYPE: FITBIT_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: FITBIT_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<FitbitModuleOptions>({ moduleName: 'Fitbit', optionsInjectionToken: FITBIT_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createFitbitOptions')
  .setExtras<FitbitModuleExtras>(
    { isGlobal: false, routePrefix: 'fitbit', subscribe: false, worker: true, commands: false, dataSource: undefined },
    shapeFitbitModule,
  )
  .build();

/** What `FitbitModule.forRoot()` takes: the options and the module-shaping settings beside them. */
export type FitbitModuleRootOptions = typeof FITBIT_OPTIONS_TYPE;

/** What `FitbitModule.forRootAsync()` takes: `useFactory`/`useClass`/`useExisting`, `imports`, `inject`, and the module-shaping settings. */
export type FitbitModuleAsyncOptions = typeof FITBIT_ASYNC_OPTIONS_TYPE;

/**
 * A class for `FitbitModule.forRootAsync({ useClass })` or `({ useExisting })`: Nest creates (or
 * finds) it with its dependencies and calls `createFitbitOptions()`.
 *
 * @example
 * ```ts
 * @Injectable()
 * class FitbitSettings implements FitbitOptionsFactory {
 *   constructor(private readonly config: ConfigService) {}
 *   createFitbitOptions(): FitbitModuleOptions {
 *     return { clientId: this.config.getOrThrow('FITBIT_CLIENT_ID'), clientSecret: this.config.getOrThrow('FITBIT_CLIENT_SECRET') };
 *   }
 * }
 * ```
 */
export interface FitbitOptionsFactory {
  createFitbitOptions(): Promise<FitbitModuleOptions> | FitbitModuleOptions;
}
