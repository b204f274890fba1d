import { Module } from '@nestjs/common';
import { AuthorizedCalls } from './auth/authorized-calls.js';
import { SameOriginIntentGuard } from './auth/cross-site-request.js';
import { OriginPolicy } from './auth/origin-policy.js';
import { PendingRevocationStore } from './auth/pending-revocation.store.js';
import { Withdrawals } from './auth/withdrawals.service.js';
import { RefreshTokensCommand } from './commands/refresh-tokens.command.js';
import { FitbitOAuthStrategy } from './auth/fitbit-oauth.strategy.js';
import { SignedInUsers } from './auth/signed-in-user.js';
import { TokenCipher } from './auth/token-cipher.js';
import { TokenRefresher } from './auth/token-refresher.js';
import { UserLinkStore } from './auth/user-link.store.js';
import { TimeSeriesDataStore } from './data/time-series-data.store.js';
import { TimeSeriesReader } from './data/time-series-reader.service.js';
import { TimeSeriesTypeRegistry } from './data/time-series-type.registry.js';
import { FitbitConfig } from './config/fitbit-config.js';
import type { FitbitModuleExtras, FitbitModuleOptions } from './config/fitbit-module-options.interface.js';
import { resolveFitbitConfig } from './config/resolve-fitbit-config.js';
import { FITBIT_MODULE_EXTRAS, FITBIT_PROVIDER } from './fitbit.constants.js';
import { FitbitConfigurableModule, FITBIT_MODULE_OPTIONS } from './fitbit.module-definition.js';
import { FitbitIntegrationWarningInterceptor } from './integration/fitbit-integration-warning.interceptor.js';
import { FitbitIntegrationGuard } from './integration/fitbit-integration.guard.js';
import { FitbitService } from './integration/fitbit.service.js';
import { selectFitbitProvider } from './providers/select-fitbit-provider.js';
import { FitbitWebApiClient } from './providers/fitbit/fitbit-web-api.client.js';
import { FitbitWebApiProvider } from './providers/fitbit/fitbit-web-api.provider.js';
import { GoogleHealthClient } from './providers/google-health/google-health.client.js';
import { GoogleHealthProvider } from './providers/google-health/google-health.provider.js';

/**
 * Connects app users' Fitbit accounts, keeps their tokens fresh, takes the provider's change
 * notifications and stores and serves their daily data. Register with `forRoot` or `forRootAsync`.
 */
@Module({
  providers: [
    {
      provide: FitbitConfig,
      inject: [FITBIT_MODULE_OPTIONS, FITBIT_MODULE_EXTRAS],
      useFactory: (options: FitbitModuleOptions, extras: FitbitModuleExtras) => resolveFitbitConfig(options, extras),
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
    RefreshTokensCommand,
  ],
  exports: [FitbitConfig, FITBIT_PROVIDER, UserLinkStore, TokenRefresher, AuthorizedCalls, FitbitService, FitbitIntegrationWarningInterceptor, FitbitIntegrationGuard],
})
export class FitbitModule extends FitbitConfigurableModule {}
