import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { FitbitIntegrationWarningInterceptor } from './fitbit-integration-warning.interceptor.js';
import { FITBIT_INTEGRATION_WARNING, type FitbitIntegrationMessage } from './integration.constants.js';

/**
 * django-fitbit's `fitbit_integration_warning(msg=None)`, for a controller or a handler: when the
 * user is not integrated with Fitbit, adds a warning to the page's messages (see
 * `FitbitIntegrationWarningInterceptor`). It never blocks the handler; use
 * `@FitbitIntegrationRequired()` for that.
 *
 * @param message The text, or a function called with the request that returns it. Default: the
 *   module's `decoratorMessage` option. A handler's decorator overrides its controller's.
 *
 * The controller's module must see FitbitModule's exports (import it, or register it `isGlobal`).
 *
 * @example
 * ```ts
 * @Get('dashboard')
 * @FitbitIntegrationWarning('Integrate your account with Fitbit!')
 * @Render('dashboard')
 * dashboard() {}
 * ```
 */
export function FitbitIntegrationWarning(message?: FitbitIntegrationMessage) {
  if (message !== undefined && typeof message !== 'string' && typeof message !== 'function') {
    throw new TypeError('@FitbitIntegrationWarning(message): message must be a string or a function of the request');
  }
  return applyDecorators(
    SetMetadata(FITBIT_INTEGRATION_WARNING, { message }),
    UseInterceptors(FitbitIntegrationWarningInterceptor),
  );
}
