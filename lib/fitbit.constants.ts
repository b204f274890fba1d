/** Injection token of the active `FitbitProvider`; inject it with `@InjectFitbitProvider()`. */
export const FITBIT_PROVIDER = Symbol('FITBIT_PROVIDER');
/** Injection token of the options as given to forRoot/forRootAsync (the module reads them through FitbitConfig). */
export const FITBIT_MODULE_OPTIONS = Symbol('FITBIT_MODULE_OPTIONS');
/** Injection token of the module-shaping settings given beside the options. */
export const FITBIT_MODULE_EXTRAS = Symbol('FITBIT_MODULE_EXTRAS');
/** Name of the Bull queue that carries subscribe, unsubscribe and time-series jobs (`@InjectQueue(FITBIT_QUEUE)`). */
export const FITBIT_QUEUE = 'fitbit';
