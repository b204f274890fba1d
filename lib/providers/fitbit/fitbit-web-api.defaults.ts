import type { ProviderDefaults } from '../provider-defaults.interface.js';

export const FITBIT_WEB_API_DEFAULTS: ProviderDefaults = {
  endpoints: {
    authorizeUrl: 'https://www.fitbit.com/oauth2/authorize',
    tokenUrl: 'https://api.fitbit.com/oauth2/token',
    revokeUrl: 'https://api.fitbit.com/oauth2/revoke',
    apiUrl: 'https://api.fitbit.com',
    keysetUrl: null,
  },
  scopes: ['activity', 'nutrition', 'profile', 'settings', 'sleep', 'weight'],
};
