/** Injection token of the active `FitbitProvider`. */
export const FITBIT_PROVIDER = Symbol('FITBIT_PROVIDER');
/** Injection token of the module-shaping settings given beside the options. */
export const FITBIT_MODULE_EXTRAS = Symbol('FITBIT_MODULE_EXTRAS');
/** Name of the Bull queue that carries subscribe, unsubscribe and time-series jobs. */
export const FITBIT_QUEUE = 'fitbit';
