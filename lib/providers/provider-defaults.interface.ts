import type { FitbitEndpoints } from '../config/fitbit-module-options.interface.js';

export interface ProviderDefaults {
  endpoints: Required<FitbitEndpoints>;
  scopes: string[];
}
