import { describe, expect, it } from 'vitest';
import * as api from '../lib/index.js';
import * as testing from '../lib/testing/index.js';

describe('the package surface', () => {
  it('exports the module, its options token, entities, migrations, helpers and the command', () => {
    expect(typeof api.FitbitModule.forRoot).toBe('function');
    expect(typeof api.FitbitModule.forRootAsync).toBe('function');
    expect(api.FITBIT_ENTITIES).toEqual([api.UserFitbit, api.TimeSeriesDataType, api.TimeSeriesData, api.PendingRevocation]);
    expect(api.FITBIT_MIGRATIONS).toHaveLength(4);
    expect(api.TIME_SERIES_TYPES).toHaveLength(36);
    for (const name of ['FitbitService', 'FitbitIntegrationWarning', 'FitbitIntegrationGuard', 'RefreshTokensCommand', 'UserLinkStore', 'TokenRefresher'] as const) {
      expect(typeof api[name]).toBe('function');
    }
  });

  it('exports the emulator from nestjs-fitbit/testing', () => {
    expect(typeof testing.FitbitEmulator.start).toBe('function');
  });

  it('maps the two package entry points to the built files of lib/index.ts and lib/testing/index.ts', async () => {
    const { default: pkg } = await import('../package.json', { with: { type: 'json' } });
    expect(pkg.exports).toEqual({ '.': './dist/lib/index.js', './testing': './dist/lib/testing/index.js' });
  });
});
