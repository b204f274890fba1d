import type { FitbitProviderName } from '../data/entities/user-fitbit.entity.js';
import { FITBIT_WEB_API_DEFAULTS } from './fitbit/fitbit-web-api.defaults.js';
import { GOOGLE_HEALTH_DEFAULTS } from './google-health/google-health.defaults.js';
import type { ProviderDefaults } from './provider-defaults.interface.js';

export const PROVIDER_DEFAULTS: Readonly<Record<FitbitProviderName, ProviderDefaults>> = {
  fitbit: FITBIT_WEB_API_DEFAULTS,
  'google-health': GOOGLE_HEALTH_DEFAULTS,
};

/** Google switched the legacy Fitbit Web API off on 2026-11-02: new installations read Fitbit data through Google Health. */
export const DEFAULT_PROVIDER: FitbitProviderName = 'google-health';
