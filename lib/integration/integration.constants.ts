import type { RequestLike } from '../config/fitbit-module-options.interface.js';

/** A warning text, or a function of the request that returns it (django-fitbit's callable `msg`). */
export type FitbitIntegrationMessage = string | ((req: RequestLike) => string);

/** Metadata set by `@FitbitIntegrationWarning()`: `{ message?: FitbitIntegrationMessage }`. */
export const FITBIT_INTEGRATION_WARNING = 'fitbit:integration-warning';

/** Metadata set by `@FitbitIntegrationRequired()`: `FitbitIntegrationRequiredOptions`. */
export const FITBIT_INTEGRATION_REQUIRED = 'fitbit:integration-required';

/** The `res.locals` key the warning interceptor sets to the user's integration status. */
export const FITBIT_INTEGRATED_LOCAL = 'fitbitIntegrated';

/** The level of the messages the warning interceptor adds. */
export const FITBIT_WARNING_LEVEL = 'warning';
