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
export type { LoggedRequest } from './emulator/core/request-log.js';
export { generateDailyValue } from './emulator/data/daily-values.js';
export { fitbitSignature } from './emulator/fitbit-web-api/outbound/notification-signature.js';
export type { FitbitNotification } from './emulator/fitbit-web-api/outbound/notification-sender.js';
export type { FitbitSubscription } from './emulator/fitbit-web-api/api/subscription-store.js';
export { SERVED_TIME_SERIES_PATHS, RETIRED_TIME_SERIES_PATHS } from './emulator/fitbit-web-api/api/time-series-paths.js';
export { FITBIT_SCOPES } from './emulator/fitbit-web-api/fitbit-scopes.js';
