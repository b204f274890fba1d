// The module and its options
export { FitbitModule } from './fitbit.module.js';
export type { FitbitModuleRootOptions, FitbitModuleAsyncOptions, FitbitOptionsFactory } from './fitbit.module-definition.js';
export type {
  FitbitModuleOptions,
  FitbitModuleExtras,
  FitbitEndpoints,
  ResolvedEndpoints,
  FitbitUserAccessors,
  GoogleHealthOptions,
  RequestLike,
} from './config/fitbit-module-options.interface.js';
export { FitbitConfig, type FitbitUserResolver, type ResolvedGoogleHealthOptions } from './config/fitbit-config.js';
export { FitbitConfigurationError } from './config/fitbit-configuration.error.js';
export { FitbitStartupError } from './health/fitbit-startup.error.js';
export { DEFAULT_DECORATOR_MESSAGE } from './config/resolve-fitbit-config.js';
export { FITBIT_PROVIDER, FITBIT_QUEUE } from './fitbit.constants.js';
export { InjectFitbitConfig, InjectFitbitProvider } from './fitbit.decorators.js';

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
  timeSeriesPath,
  type TimeSeriesCategoryName,
  type TimeSeriesTypeKey,
} from './data/time-series-data-types.js';
export { TIME_SERIES_TYPE_INFO, timeSeriesTypeInfo, type TimeSeriesTypeInfo } from './data/time-series-type-info.js';
export { DataStatus, DataReason, type DataResponse, type DataObject, type ImportStatusResponse } from './data/data-response.js';
export { PERIODS, type Period } from './data/periods.js';

// Integration helpers
export { FitbitService, type FitbitLinkStatus, type FitbitConnection } from './integration/fitbit.service.js';
export type { FitbitImportStatus, FitbitImportTypeStatus, FitbitImportProgressEvent } from './integration/import-status.js';
export type { ImportTypeState as FitbitImportTypeState } from './subscriptions/import-progress.types.js';
export { FitbitIntegrationWarning } from './integration/fitbit-integration-warning.decorator.js';
export { FitbitIntegrationWarningInterceptor, type FitbitPageMessage } from './integration/fitbit-integration-warning.interceptor.js';
export { FitbitIntegrationRequired } from './integration/fitbit-integration-required.decorator.js';
export {
  FitbitIntegrationGuard,
  FitbitIntegrationRedirectException,
  type FitbitIntegrationRequiredOptions,
} from './integration/fitbit-integration.guard.js';
export { isIntegratedWithFitbit } from './integration/template-helpers.js';
export type { FitbitIntegrationMessage } from './integration/integration.constants.js';

// Health
export {
  FitbitHealth,
  type FitbitHealthReport,
  type FitbitHealthCheckOptions,
  type FitbitDependencyState,
  type FitbitQueueState,
} from './health/fitbit-health.service.js';

// Links, tokens and the provider seam
export { UserLinkStore, type NewUserLink } from './auth/user-link.store.js';
export { TokenRefresher, UserLinkGoneError } from './auth/token-refresher.js';
export {
  NotificationFormatError,
  type FitbitProvider,
  type TokenSet,
  type TokenGrant,
  type ProviderIdentity,
  type DailyValue,
  type DailyQuery,
  type DateRange,
  type SubscribeRequest,
  type IncomingNotificationRequest,
  type ProviderNotification,
  type InstantSpan,
  type VerificationAnswer,
} from './providers/fitbit-provider.interface.js';
export * from './providers/provider-errors.js';
export { QueueUnavailableError } from './subscriptions/queue-unavailable.error.js';
