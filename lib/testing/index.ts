export { FitbitTestingModule, type FitbitTestingOptions } from './fitbit-testing.module.js';
export { FitbitEmulator, type EmulatorFaults, type EmulatorStats } from './emulator/fitbit-emulator.js';
export type { FitbitEmulatorOptions, EmulatorModeName } from './emulator/emulator-options.js';
export type {
  DeliveryResult,
  EmulatorUrls,
  IssuedTokens,
  NotificationDelivery,
  SubscriberVerification,
} from './emulator/emulator-mode.js';
export type { EmulatorUser, NewEmulatorUser } from './emulator/core/users.js';
export type { FaultSpec } from './emulator/core/faults.js';
export type { EmulatorClock } from './emulator/core/clock.js';
export type { LoggedRequest } from './emulator/core/request-log.js';
export type { EmulatorRequest } from './emulator/core/http-types.js';
export { generateDailyValue } from './emulator/data/daily-values.js';
export { fitbitSignature } from './emulator/fitbit-web-api/outbound/notification-signature.js';
export type { FitbitNotification } from './emulator/fitbit-web-api/outbound/notification-sender.js';
export type { FitbitSubscription } from './emulator/fitbit-web-api/api/subscription-store.js';
export { SERVED_TIME_SERIES_PATHS, RETIRED_TIME_SERIES_PATHS } from './emulator/fitbit-web-api/api/time-series-paths.js';
export { FITBIT_SCOPES } from './emulator/fitbit-web-api/fitbit-scopes.js';
export { GOOGLE_HEALTH_SCOPES, GOOGLE_HEALTH_SCOPE_PREFIX } from './emulator/google-health/google-scopes.js';
export {
  GOOGLE_DATA_TYPES,
  WEARABLES_FAMILY,
  DATA_SOURCE_FAMILIES,
  type DataSourceFamily,
  type GoogleDataType,
  type LegacyLookup,
  type ListDefinition,
  type RollupDefinition,
} from './emulator/google-health/data-types.js';
export type { ContractViolation } from './emulator/core/contract-violations.js';
export { GoogleHealthContract, describeProblems } from './google-health-contract/google-health-contract.js';
export type { SchemaProblem, SchemaDirection } from './google-health-contract/schema-checker.js';
export type { ContractRequest, MethodResolution, ResolvedMethod } from './google-health-contract/request-checker.js';
export type {
  DiscoveryDocument,
  DiscoveryMethod,
  DiscoveryParameter,
  DiscoveryResource,
  DiscoverySchema,
  GoogleHealthApiVersion,
} from './google-health-contract/discovery-document.js';
export type { GoogleNotificationSpec } from './emulator/google-health/google-health-mode.js';
export type { GoogleManualSubscription } from './emulator/google-health/api/manual-subscriptions.js';
export type {
  GoogleDelivery,
  GoogleNotification,
  GoogleNotificationInterval,
  GoogleSignatureHeader,
  GoogleSubscriberVerification,
} from './emulator/google-health/webhooks/notification-sender.js';
export type { SignatureChoice, TinkKeysetKey, TinkPublicKeyset, WebhookKeySpec } from './emulator/google-health/webhooks/webhook-keys.js';
export type { GoogleSleep, GoogleBasalEnergy, GoogleHeight, GoogleInterval, GoogleSampleTime } from './emulator/google-health/data/google-values.js';
export type { CivilDate, CivilDateTime, TimeOfDay } from './emulator/google-health/data/civil-time.js';
