import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as api from '../lib/index.js';
import * as terminus from '../lib/terminus/index.js';
import * as testing from '../lib/testing/index.js';
import { readPublicSurface } from './support/public-surface.js';

/** What `import … from 'nestjs-fitbit'` gives at run time; types are checked below with the compiler. */
const MAIN_VALUES = [
  'DEFAULT_DECORATOR_MESSAGE',
  'DataReason',
  'DataStatus',
  'FITBIT_ENTITIES',
  'FITBIT_MIGRATIONS',
  'FITBIT_PROVIDER',
  'FITBIT_QUEUE',
  'FitbitConfig',
  'FitbitConfigurationError',
  'FitbitHealth',
  'FitbitIntegrationGuard',
  'FitbitIntegrationRedirectException',
  'FitbitIntegrationRequired',
  'FitbitIntegrationWarning',
  'FitbitIntegrationWarningInterceptor',
  'FitbitModule',
  'FitbitService',
  'FitbitStartupError',
  'InjectFitbitConfig',
  'InjectFitbitProvider',
  'NotificationFormatError',
  'PERIODS',
  'PendingRevocation',
  'ProviderBadRequestError',
  'ProviderConflictError',
  'ProviderError',
  'ProviderForbiddenError',
  'ProviderNotFoundError',
  'ProviderRateLimitError',
  'ProviderServerError',
  'ProviderUnauthorizedError',
  'ProviderUnavailableError',
  'QueueUnavailableError',
  'TIME_SERIES_RESOURCES',
  'TIME_SERIES_TYPES',
  'TIME_SERIES_TYPE_INFO',
  'TimeSeriesCategory',
  'TimeSeriesData',
  'TimeSeriesDataType',
  'TokenRefresher',
  'UserFitbit',
  'UserLinkGoneError',
  'UserLinkStore',
  'isGrantGone',
  'isIntegratedWithFitbit',
  'isInvalidGrant',
  'timeSeriesPath',
  'timeSeriesTypeInfo',
];

const TESTING_VALUES = [
  'DATA_SOURCE_FAMILIES',
  'FITBIT_SCOPES',
  'FitbitEmulator',
  'FitbitTestingModule',
  'GOOGLE_DATA_TYPES',
  'GOOGLE_HEALTH_SCOPES',
  'GOOGLE_HEALTH_SCOPE_PREFIX',
  'GoogleHealthContract',
  'RETIRED_TIME_SERIES_PATHS',
  'SERVED_TIME_SERIES_PATHS',
  'WEARABLES_FAMILY',
  'describeProblems',
  'fitbitSignature',
  'generateDailyValue',
];

describe('the package surface', () => {
  it('exports exactly the public values from nestjs-fitbit, nestjs-fitbit/testing and nestjs-fitbit/terminus', () => {
    expect(Object.keys(api).sort()).toEqual(MAIN_VALUES);
    expect(Object.keys(testing).sort()).toEqual(TESTING_VALUES);
    expect(Object.keys(terminus).sort()).toEqual(['FitbitHealthIndicator']);
    expect(api.FITBIT_ENTITIES).toEqual([api.UserFitbit, api.TimeSeriesDataType, api.TimeSeriesData, api.PendingRevocation]);
    expect(api.FITBIT_MIGRATIONS).toHaveLength(4);
    expect(api.TIME_SERIES_TYPES).toHaveLength(36);
  });

  // Read once: a program over lib/ takes a few seconds.
  const surfaces = readPublicSurface(['lib/index.ts', 'lib/testing/index.ts', 'lib/terminus/index.ts']);

  it.each(['lib/index.ts', 'lib/testing/index.ts', 'lib/terminus/index.ts'])('%s: every type a public signature uses is exported, and every export has JSDoc', (entry) => {
    const surface = surfaces.get(entry)!;
    expect(surface.names.length).toBeGreaterThan(0);
    expect(surface.unexported).toEqual([]);
    expect(surface.undocumented).toEqual([]);
  });

  it('exports no internals: no metadata keys, module tokens or helpers the decorators and the module keep to themselves', () => {
    const names = [...surfaces.get('lib/index.ts')!.names, ...surfaces.get('lib/testing/index.ts')!.names];
    for (const internal of [
      'AuthorizedCalls',
      'CommandOutput',
      'RefreshTokensCommand',
      'FITBIT_INTEGRATION_WARNING',
      'FITBIT_INTEGRATION_REQUIRED',
      'FITBIT_INTEGRATED_LOCAL',
      'FITBIT_MODULE_OPTIONS',
      'FitbitIntegrationRedirectFilter',
      'FitbitCoreModule',
      'TokenCipher',
    ]) {
      expect(names).not.toContain(internal);
    }
    for (const publicType of ['GoogleHealthOptions', 'FitbitLinkStatus', 'FitbitOptionsFactory', 'FitbitModuleAsyncOptions', 'FitbitTestingOptions']) {
      expect(names).toContain(publicType);
    }
  });

  it('maps each entry point, with its types, to the built files of its lib/ source', async () => {
    const { default: pkg } = await import('../package.json', { with: { type: 'json' } });
    expect(pkg.exports).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './testing': { types: './dist/testing/index.d.ts', default: './dist/testing/index.js' },
      './terminus': { types: './dist/terminus/index.d.ts', default: './dist/terminus/index.js' },
      './package.json': './package.json',
    });
    expect(pkg.types).toBe(pkg.exports['.'].types);
  });

  it('loads @nestjs/terminus (an optional peer) only from nestjs-fitbit/terminus', () => {
    const lib = fileURLToPath(new URL('../lib/', import.meta.url));
    const importers = (readdirSync(lib, { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !file.startsWith('terminus/'))
      .filter((file) => readFileSync(`${lib}${file}`, 'utf8').includes(`'@nestjs/terminus'`));
    expect(importers).toEqual([]);
  });
});
