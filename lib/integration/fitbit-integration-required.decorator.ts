import { applyDecorators, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import {
  FitbitIntegrationGuard,
  FitbitIntegrationRedirectFilter,
  type FitbitIntegrationRequiredOptions,
} from './fitbit-integration.guard.js';
import { FITBIT_INTEGRATION_REQUIRED } from './integration.constants.js';

/**
 * Lets only users integrated with Fitbit reach a controller or handler (FitbitIntegrationGuard):
 * others get a 403, or with `{ redirect: true }` are sent to the module's `login/` route with
 * `?next=` back here.
 *
 * @example
 * ```ts
 * @Get('charts')
 * @FitbitIntegrationRequired({ redirect: true })
 * charts() {}
 * ```
 */
export function FitbitIntegrationRequired(options: FitbitIntegrationRequiredOptions = {}) {
  return applyDecorators(
    SetMetadata(FITBIT_INTEGRATION_REQUIRED, options),
    UseGuards(FitbitIntegrationGuard),
    UseFilters(FitbitIntegrationRedirectFilter),
  );
}
