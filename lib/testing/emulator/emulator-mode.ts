import type { EmulatorClock } from './core/clock.js';
import type { EmulatorResponse } from './core/http-types.js';
import type { Route, RouteMisses } from './core/router.js';
import type { UserRegistry } from './core/users.js';
import type { ResolvedEmulatorOptions } from './emulator-options.js';

/** The emulator's addresses, shaped like the module's `endpoints` option: pass `endpoints: emulator.urls`. */
export interface EmulatorUrls {
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  /** Base of the data API, e.g. `${apiUrl}/1/user/-/profile.json` (fitbit) or `${apiUrl}/users/me/identity` (google-health, ends in `/v4`). */
  apiUrl: string;
  /** google-health mode only: the Tink public keyset notifications are signed with. */
  keysetUrl?: string;
}

/** What every mode gets from the shared core. */
export interface EmulatorContext {
  options: ResolvedEmulatorOptions;
  clock: EmulatorClock;
  users: UserRegistry;
}

/** Tokens `FitbitEmulator.issueTokens` made, as if the user had consented. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms on the emulator clock. */
  expiresAt: number;
  userId: string;
  /** The user's Google Health id (FitbitEmulator.issueTokens always fills it in). */
  healthUserId?: string;
}

/** fitbit mode: how `sendNotifications` delivers: JSON or the multipart `updates` file, with a valid, invalid or no signature. */
export interface NotificationDelivery {
  format?: 'json' | 'multipart';
  signature?: 'valid' | 'invalid' | 'none';
  /** Give up waiting for the subscriber after this long. Default 10 000 ms. */
  timeoutMs?: number;
}

/** How the app answered a notification the emulator sent: status and body. */
export interface DeliveryResult {
  status: number;
  body: string;
}

/** fitbit mode: how the app answered the `?verify=` handshake with the right and a wrong code. */
export interface SubscriberVerification {
  correctStatus: number;
  incorrectStatus: number;
  /** True when the subscriber answered 204 to the right code and 404 to the wrong one. */
  verified: boolean;
}

/** What every upstream API the emulator can speak offers: its routes plus the token hooks tests use to steer it. */
export interface EmulatorModeCore extends RouteMisses {
  readonly routes: readonly Route[];
  urls(baseUrl: string): EmulatorUrls;
  /** The body an injected fault answers with when the test gave none. */
  faultResponse(status: number): EmulatorResponse;
  internalError(): EmulatorResponse;

  issueTokens(userId: string, scopes?: readonly string[]): IssuedTokens;
  expireAccessTokens(userId?: string): void;
  refreshCalls(userId?: string): number;
}

/** The legacy Fitbit Web API's extra hooks: per-user subscriptions and HMAC-signed notifications. */
export interface EmulatorMode<TSubscription = unknown, TNotification = unknown> extends EmulatorModeCore {
  subscriptionsOf(userId: string): TSubscription[];
  sendNotifications(url: string, notifications: readonly TNotification[], delivery?: NotificationDelivery): Promise<DeliveryResult>;
  verifySubscriber(url: string, code: string): Promise<SubscriberVerification>;
}
