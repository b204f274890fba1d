// The module and its options
export { FitbitModule } from './fitbit.module.js';
export { FITBIT_MODULE_OPTIONS, FITBIT_OPTIONS_TYPE, FITBIT_ASYNC_OPTIONS_TYPE } from './fitbit.module-definition.js';
export type {
  FitbitModuleOptions,
  FitbitModuleExtras,
  FitbitEndpoints,
  FitbitUserAccessors,
  RequestLike,
} from './config/fitbit-module-options.interface.js';
export { FitbitConfig } from './config/fitbit-config.js';
export { FitbitConfigurationError } from './config/fitbit-configuration.error.js';
export { DEFAULT_DECORATOR_MESSAGE } from './config/resolve-fitbit-config.js';
export { FITBIT_PROVIDER, FITBIT_QUEUE } from './fitbit.constants.js';

// Entities, migrations, data types
export { UserFitbit, type FitbitProviderName } from './data/entities/user-fitbit.entity.js';
export { TimeSeriesDataType } from './data/entities/time-series-data-type.entity.js';
export { TimeSeriesData } from './data/entities/time-series-data.entity.js';
export { PendingRevocation } from './data/entities/pending-revocation.entity.js';
export { FITBIT_ENTITIES } from './data/fitbit-entities.js';
export { FITBIT_MIGRATIONS } from './data/migrations/index.js';
export {
  TimeSeriesCategory,
  TIME_SERIES_RESOURCES,
  TIME_SERIES_TYPES,
  type TimeSeriesCategoryName,
  type TimeSeriesTypeKey,
} from './data/time-series-data-types.js';
export { DataStatus, type DataResponse, type DataObject } from './data/data-response.js';
export { PERIODS, type Period } from './data/periods.js';

// Integration helpers
export { FitbitService } from './integration/fitbit.service.js';
export { FitbitIntegrationWarning } from './integration/fitbit-integration-warning.decorator.js';
export { FitbitIntegrationWarningInterceptor, type FitbitPageMessage } from './integration/fitbit-integration-warning.interceptor.js';
export { FitbitIntegrationRequired } from './integration/fitbit-integration-required.decorator.js';
export {
  FitbitIntegrationGuard,
  FitbitIntegrationRedirectException,
  FitbitIntegrationRedirectFilter,
  type FitbitIntegrationRequiredOptions,
} from './integration/fitbit-integration.guard.js';
export { isIntegratedWithFitbit } from './integration/template-helpers.js';
export {
  FITBIT_INTEGRATED_LOCAL,
  FITBIT_INTEGRATION_REQUIRED,
  FITBIT_INTEGRATION_WARNING,
  type FitbitIntegrationMessage,
} from './integration/integration.constants.js';

// Tokens and the provider seam
export { UserLinkStore } from './auth/user-link.store.js';
export { TokenRefresher } from './auth/token-refresher.js';
export { AuthorizedCalls } from './auth/authorized-calls.js';
export type {
  FitbitProvider,
  TokenSet,
  TokenGrant,
  ProviderIdentity,
  DailyValue,
  DailyQuery,
  DateRange,
  ProviderNotification,
} from './providers/fitbit-provider.interface.js';
export * from './providers/provider-errors.js';

// Command
export { RefreshTokensCommand, type RefreshTokensOptions, type RefreshTokensSummary } from './commands/refresh-tokens.command.js';
export { CommandOutput, type CommandOutputStream } from './commands/command-output.js';
