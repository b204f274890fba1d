import { Inject } from '@nestjs/common';
import { FitbitConfig } from './config/fitbit-config.js';
import { FITBIT_PROVIDER } from './fitbit.constants.js';

/**
 * Injects the active `FitbitProvider` (the `provider` option's), e.g. to call the upstream API
 * with a link's token. The module must be imported, or registered `isGlobal`.
 *
 * @example
 * ```ts
 * constructor(@InjectFitbitProvider() private readonly provider: FitbitProvider) {}
 * ```
 */
export function InjectFitbitProvider(): PropertyDecorator & ParameterDecorator {
  return Inject(FITBIT_PROVIDER);
}

/**
 * Injects the registration's `FitbitConfig`: the options with every default applied.
 *
 * @example
 * ```ts
 * constructor(@InjectFitbitConfig() private readonly config: FitbitConfig) {}
 * ```
 */
export function InjectFitbitConfig(): PropertyDecorator & ParameterDecorator {
  return Inject(FitbitConfig);
}
