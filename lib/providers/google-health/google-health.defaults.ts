import type { ProviderDefaults } from '../provider-defaults.interface.js';

export const GOOGLE_HEALTH_SCOPE_PREFIX = 'https://www.googleapis.com/auth/googlehealth.';

export const GOOGLE_HEALTH_SCOPES = {
  activity: `${GOOGLE_HEALTH_SCOPE_PREFIX}activity_and_fitness.readonly`,
  measurements: `${GOOGLE_HEALTH_SCOPE_PREFIX}health_metrics_and_measurements.readonly`,
  sleep: `${GOOGLE_HEALTH_SCOPE_PREFIX}sleep.readonly`,
  nutrition: `${GOOGLE_HEALTH_SCOPE_PREFIX}nutrition.readonly`,
  profile: `${GOOGLE_HEALTH_SCOPE_PREFIX}profile.readonly`,
  settings: `${GOOGLE_HEALTH_SCOPE_PREFIX}settings.readonly`,
} as const;

/** The data source families Google defines; requests name them `users/me/dataSourceFamilies/{family}`. */
export const DATA_SOURCE_FAMILIES = ['all-sources', 'google-sources', 'google-wearables', 'self-sources'] as const;

/** `google-wearables` (or its resource name) → `users/me/dataSourceFamilies/google-wearables`; null for a family Google does not define. */
export function dataSourceFamilyName(family: string): string | null {
  const short = family.replace(/^users\/me\/dataSourceFamilies\//, '');
  return (DATA_SOURCE_FAMILIES as readonly string[]).includes(short) ? `users/me/dataSourceFamilies/${short}` : null;
}

export const GOOGLE_HEALTH_DEFAULTS: ProviderDefaults = {
  endpoints: {
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
    apiUrl: 'https://health.googleapis.com/v4',
    keysetUrl: 'https://www.gstatic.com/googlehealthapi/webhooks/webhooks_public_keyset.json',
  },
  scopes: Object.values(GOOGLE_HEALTH_SCOPES),
};
