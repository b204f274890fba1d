import type { FitbitConfig } from '../config/fitbit-config.js';
import type { FitbitProvider } from './fitbit-provider.interface.js';

/** Picks the configured provider among the registered implementations. */
export function selectFitbitProvider(config: FitbitConfig, ...providers: FitbitProvider[]): FitbitProvider {
  const provider = providers.find((candidate) => candidate.name === config.provider);
  if (!provider) throw new Error(`No implementation of provider "${config.provider}" is registered`);
  return provider;
}
