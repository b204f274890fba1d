import type { FitbitProviderName } from '../data/entities/user-fitbit.entity.js';
import type { Period } from '../data/periods.js';
import type { TimeSeriesTypeKey } from '../data/time-series-data-types.js';

/** A user's tokens as the module stores them. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Scopes granted, as the provider names them. */
  scopes: string[];
}

/** What a code exchange or a refresh returns: the tokens and, when the provider says it, whose they are. */
export interface TokenGrant extends TokenSet {
  providerUserId: string | null;
}

/** Whose tokens they are: the provider's user id, the legacy Fitbit id when the provider knows it, and the user's time zone. */
export interface ProviderIdentity {
  providerUserId: string;
  legacyUserId: string | null;
  /** IANA zone the user's local dates are in. */
  timeZone: string | null;
}

/** One day's value, as Fitbit's time series answers it: local date and a string value. */
export interface DailyValue {
  dateTime: string;
  value: string;
}

/** Inclusive local dates, `YYYY-MM-DD`. */
export interface DateRange {
  start: string;
  end: string;
}

/** Which days to fetch: a period ending on `baseDate` (counted the way the provider counts periods), or a date range. */
export type DailyQuery = { period: Period; baseDate: string } | DateRange;

/** A subscription to one user's change notifications. */
export interface SubscribeRequest {
  accessToken: string;
  providerUserId: string;
  /** Our name for the subscription: the app user id. */
  subscriptionId: string;
  subscriberId: string | null;
}

/** What a provider needs from a request to the notification endpoint to verify and read it. */
export interface IncomingNotificationRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  /** The exact bytes the provider signed. */
  rawBody: Buffer | null;
}

/** One notice never makes the module fetch more days than this, whatever interval it names. */
export const MAX_DAYS_PER_NOTIFICATION = 31;

/** An affected stretch of time given as instants (epoch ms, end exclusive; null for a moment): its days depend on the user's zone. */
export interface InstantSpan {
  start: number;
  end: number | null;
}

/** A change notice, reduced to what the jobs need. */
export type ProviderNotification =
  | {
      kind: 'data';
      providerUserId: string;
      category: string;
      resources: string[] | null;
      /** Affected local dates. */
      dates: string[];
      /** Affected instants, when the notice gave no local times: the dates they touch in the user's zone are affected too. */
      spans?: InstantSpan[];
      deleted: boolean;
    }
  | { kind: 'access-revoked'; providerUserId: string };

/** The answer to a provider's subscriber-verification request, when the request is one. */
export interface VerificationAnswer {
  status: number;
}

/**
 * The seam between the module and one upstream API. Calls take an access token and fail with
 * the errors of `provider-errors.ts`; refreshing and retrying is done above the seam.
 */
export interface FitbitProvider {
  readonly name: FitbitProviderName;
  /** What people call the provider, for pages above the seam ("the sign-in at Google was cancelled"). */
  readonly displayName: string;
  readonly defaultScopes: readonly string[];

  /** Extra query parameters for the authorize redirect (beyond client id, scope, state and PKCE). */
  authorizationParams(): Record<string, string>;
  exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<TokenGrant>;
  refreshTokens(refreshToken: string): Promise<TokenGrant>;
  revokeToken(token: string): Promise<void>;
  fetchIdentity(accessToken: string): Promise<ProviderIdentity>;

  /** Whether this provider can serve the type at all (Fitbit no longer serves `activeScore`). */
  supportsType(type: TimeSeriesTypeKey): boolean;
  /** The scope a grant needs for the type; users may leave scopes out at consent. */
  scopeFor(type: TimeSeriesTypeKey): string;
  /** Types the provider sends no change notifications for: kept fresh by polling. */
  typesWithoutNotifications(): TimeSeriesTypeKey[];
  /** The longest inclusive range one call may ask for this type. */
  maxRangeDays(type: TimeSeriesTypeKey): number;
  /** The first local date the user can have data for (used for `max` and history import). */
  historyStart(accessToken: string): Promise<string>;
  /** Daily values oldest first; a period query is answered the way the provider counts periods. */
  fetchDailyValues(accessToken: string, type: TimeSeriesTypeKey, query: DailyQuery): Promise<DailyValue[]>;

  subscribe(request: SubscribeRequest): Promise<void>;
  /** Deletes every subscription of the token's user; returns how many were removed. */
  unsubscribe(accessToken: string, providerUserId: string): Promise<number>;

  /** Answers a verification handshake, or null when the request is not one. */
  answerVerification(request: IncomingNotificationRequest, verificationCode: string | null): VerificationAnswer | null;
  /** True only when the request carries a valid signature over its raw body. */
  verifyNotificationSignature(request: IncomingNotificationRequest): Promise<boolean>;
  /** Throws `NotificationFormatError` on a body that is not a well-formed batch. */
  parseNotifications(body: Buffer): ProviderNotification[];
}

/** Thrown by `FitbitProvider.parseNotifications` for a body that is not a well-formed notification batch. */
export class NotificationFormatError extends Error {}
