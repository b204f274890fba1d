import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { FitbitModuleExtras, FitbitModuleOptions } from './config/fitbit-module-options.interface.js';
import { shapeFitbitModule } from './fitbit-module-shape.js';

export const {
  ConfigurableModuleClass: FitbitConfigurableModule,
  MODULE_OPTIONS_TOKEN: FITBIT_MODULE_OPTIONS,
  OPTIONS_TYPE: FITBIT_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: FITBIT_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<FitbitModuleOptions>({ moduleName: 'Fitbit' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createFitbitOptions')
  .setExtras<FitbitModuleExtras>({ isGlobal: false, routePrefix: 'fitbit', subscribe: false, worker: true }, shapeFitbitModule)
  .build();
