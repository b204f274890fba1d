import type { FitbitProviderName } from '../data/entities/user-fitbit.entity.js';
import { FITBIT_WEB_API_DEFAULTS } from './fitbit/fitbit-web-api.defaults.js';
import type { ProviderDefaults } from './provider-defaults.interface.js';

export const PROVIDER_DEFAULTS: Readonly<Record<FitbitProviderName, ProviderDefaults | undefined>> = {
  fitbit: FITBIT_WEB_API_DEFAULTS,
  'google-health': undefined,
};

export const DEFAULT_PROVIDER: FitbitProviderName = 'fitbit';
