import type { ResolvedEndpoints } from '../config/fitbit-module-options.interface.js';

export interface ProviderDefaults {
  endpoints: ResolvedEndpoints;
  scopes: string[];
}
