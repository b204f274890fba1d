import { Module, type Provider } from '@nestjs/common';
import { AuthorizedCalls } from './auth/authorized-calls.js';
import { SameOriginIntentGuard } from './auth/cross-site-request.js';
import { OriginPolicy } from './auth/origin-policy.js';
import { PendingRevocationStore } from './auth/pending-revocation.store.js';
import { Withdrawals } from './auth/withdrawals.service.js';
import { FitbitOAuthStrategy } from './auth/fitbit-oauth.strategy.js';
import { SignedInUsers } from './auth/signed-in-user.js';
import { TokenCipher } from './auth/token-cipher.js';
import { TokenRefresher } from './auth/token-refresher.js';
import { UserLinkStore } from './auth/user-link.store.js';
import { FitbitConfig } from './config/fitbit-config.js';
import type { FitbitModuleOptions, FitbitModuleShape } from './config/fitbit-module-options.interface.js';
import { resolveFitbitConfig } from './config/resolve-fitbit-config.js';
import { TimeSeriesDataStore } from './data/time-series-data.store.js';
import { TimeSeriesReader } from './data/time-series-reader.service.js';
import { TimeSeriesTypeRegistry } from './data/time-series-type.registry.js';
import { FITBIT_MODULE_EXTRAS, FITBIT_MODULE_OPTIONS, FITBIT_PROVIDER } from './fitbit.constants.js';
import { FitbitIntegrationWarningInterceptor } from './integration/fitbit-integration-warning.interceptor.js';
import { FitbitIntegrationGuard } from './integration/fitbit-integration.guard.js';
import { FitbitService } from './integration/fitbit.service.js';
import { FitbitHealth } from './health/fitbit-health.service.js';
import { FitbitStartupCheck } from './health/fitbit-startup.check.js';
import { SubscriptionParts } from './subscription-parts.js';
import { FitbitWebApiClient } from './providers/fitbit/fitbit-web-api.client.js';
import { FitbitWebApiProvider } from './providers/fitbit/fitbit-web-api.provider.js';
import { GoogleHealthClient } from './providers/google-health/google-health.client.js';
import { GoogleHealthProvider } from './providers/google-health/google-health.provider.js';
import { selectFitbitProvider } from './providers/select-fitbit-provider.js';

const PROVIDERS: Provider[] = [
  {
    provide: FitbitConfig,
    inject: [FITBIT_MODULE_OPTIONS, FITBIT_MODULE_EXTRAS],
    useFactory: (options: FitbitModuleOptions, shape: FitbitModuleShape) => resolveFitbitConfig(options, shape),
  },
  FitbitWebApiClient,
  FitbitWebApiProvider,
  GoogleHealthClient,
  GoogleHealthProvider,
  { provide: FITBIT_PROVIDER, inject: [FitbitConfig, FitbitWebApiProvider, GoogleHealthProvider], useFactory: selectFitbitProvider },
  TokenCipher,
  UserLinkStore,
  PendingRevocationStore,
  TokenRefresher,
  Withdrawals,
  OriginPolicy,
  SameOriginIntentGuard,
  AuthorizedCalls,
  SignedInUsers,
  FitbitOAuthStrategy,
  FitbitService,
  FitbitIntegrationWarningInterceptor,
  FitbitIntegrationGuard,
  TimeSeriesTypeRegistry,
  TimeSeriesDataStore,
  TimeSeriesReader,
  SubscriptionParts,
  FitbitStartupCheck,
  FitbitHealth,
];

/**
 * The services of one registration: configuration, the provider, tokens, links and stored data.
 * FitbitModule, its routes and the optional subscription and command parts all import the same
 * instance, so they share one configuration and one refresh lock. Not part of the package's
 * surface: hosts see what FitbitModule re-exports from it.
 */
@Module({
  providers: PROVIDERS,
  exports: PROVIDERS.map((provider) => ('provide' in provider ? provider.provide : provider)),
})
export class FitbitCoreModule {}
