import { addDays, isRealDate } from '../core/calendar.js';
import { ContractViolationLog } from '../core/contract-violations.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../core/http-types.js';
import type { Route } from '../core/router.js';
import type { EmulatorContext, EmulatorModeCore, EmulatorUrls, IssuedTokens } from '../emulator-mode.js';
import type { GoogleApiGuard } from './api/api-route.js';
import { ContractGate } from './api/contract-gate.js';
import { dailyRollUpRoute } from './api/daily-rollup-route.js';
import { identityRoutes } from './api/identity-routes.js';
import { listRoute } from './api/list-route.js';
import { ManualSubscriptions, type GoogleManualSubscription } from './api/manual-subscriptions.js';
import { MinuteRateLimiter } from './api/rate-limiter.js';
import { civilToInstant, rfc3339 } from './data/civil-time.js';
import { GoogleValues } from './data/google-values.js';
import { DATA_SOURCE_FAMILIES, dataTypeNamed, type DataSourceFamily } from './data-types.js';
import { defaultGoogleError, googleError } from './google-errors.js';
import { GOOGLE_HEALTH_SCOPES } from './google-scopes.js';
import { GoogleAuthorizationCodes } from './oauth/authorization-codes.js';
import { googleAuthorizeRoutes } from './oauth/authorize-routes.js';
import { GoogleTokenStore } from './oauth/google-tokens.js';
import { googleTokenRoutes } from './oauth/token-routes.js';
import {
  sendGoogleNotification,
  verifyGoogleSubscriber,
  type GoogleDelivery,
  type GoogleNotification,
  type GoogleSubscriberVerification,
} from './webhooks/notification-sender.js';
import { WebhookKeyRing, type SignatureChoice, type WebhookKeySpec } from './webhooks/webhook-keys.js';

export const KEYSET_PATH = '/webhooks/webhooks_public_keyset.json';

/** google-health mode: what `googleNotification` builds a notification for: local days and the operation. */
export interface GoogleNotificationSpec {
  /** First affected local date. */
  startDate: string;
  /** Exclusive; default the day after startDate. */
  endDate?: string;
  /** Default UPSERT. */
  operation?: 'UPSERT' | 'DELETE';
  /** Default "emulator-subscription". */
  clientProvidedSubscriptionName?: string;
}

/**
 * The Google Health API: accounts.google.com's authorize page, oauth2.googleapis.com's token and revoke,
 * health.googleapis.com/v4 and gstatic's webhook keyset, all on one emulator host.
 */
export class GoogleHealthMode implements EmulatorModeCore {
  readonly routes: readonly Route[];
  private readonly tokens: GoogleTokenStore;
  private readonly values: GoogleValues;
  private readonly keys = new WebhookKeyRing();
  private readonly subscriptions: ManualSubscriptions;
  private readonly notLinked = new Set<string>();
  readonly violations = new ContractViolationLog();
  private readonly gate: ContractGate;

  constructor(private readonly context: EmulatorContext) {
    const { clock, users, options } = context;
    this.tokens = new GoogleTokenStore(clock);
    this.values = new GoogleValues(users, clock);
    this.subscriptions = new ManualSubscriptions(options, users, this.tokens, clock);
    this.gate = new ContractGate(options.strict, this.violations);
    const codes = new GoogleAuthorizationCodes(clock);
    const guard: GoogleApiGuard = { tokens: this.tokens, users, rateLimiter: new MinuteRateLimiter(clock, options.rateLimitPerMinute), notLinked: this.notLinked };
    this.routes = [
      ...googleAuthorizeRoutes(context, codes, this.tokens),
      ...googleTokenRoutes(context, codes, this.tokens),
      { method: 'GET', pattern: new RegExp(`^${KEYSET_PATH.replaceAll('/', '\\/').replaceAll('.', '\\.')}$`), handle: () => this.keysetResponse() },
      ...identityRoutes(guard, clock),
      dailyRollUpRoute(guard, this.values),
      listRoute(guard, this.values),
      ...this.subscriptions.routes(),
    ];
  }

  urls(baseUrl: string): EmulatorUrls {
    return {
      authorizeUrl: `${baseUrl}/o/oauth2/v2/auth`,
      tokenUrl: `${baseUrl}/token`,
      revokeUrl: `${baseUrl}/revoke`,
      apiUrl: `${baseUrl}/v4`,
      keysetUrl: `${baseUrl}${KEYSET_PATH}`,
    };
  }

  /** Every Health API request and answer passes the discovery document's checks. */
  around(request: EmulatorRequest, route: () => Promise<EmulatorResponse>): Promise<EmulatorResponse> {
    return this.gate.around(request, route);
  }

  notFound(request: EmulatorRequest): EmulatorResponse {
    return googleError(404, 'NOT_FOUND', `The requested URL ${request.path} was not found on this server.`);
  }

  methodNotAllowed(request: EmulatorRequest): EmulatorResponse {
    return googleError(404, 'NOT_FOUND', `The method ${request.method} is not found for ${request.path}.`);
  }

  faultResponse(status: number): EmulatorResponse {
    return defaultGoogleError(status);
  }

  internalError(): EmulatorResponse {
    return defaultGoogleError(500);
  }

  /** An offline grant as if the user had gone through authorize: every scope unless given. */
  issueTokens(userId: string, scopes: readonly string[] = GOOGLE_HEALTH_SCOPES): IssuedTokens {
    const user = this.context.users.get(userId);
    const issued = this.tokens.issue(userId, scopes, true);
    return { accessToken: issued.accessToken, refreshToken: issued.refreshToken!, expiresAt: issued.expiresAt, userId, healthUserId: user.healthUserId };
  }

  expireAccessTokens(userId?: string): void {
    this.tokens.expireAccessTokens(userId);
  }

  refreshCalls(userId?: string): number {
    return this.tokens.refreshCalls(userId);
  }

  /** Ends the user's grant as if they removed the app in their Google Account: every token dies, refresh answers invalid_grant. */
  revokeGrant(userId: string): void {
    this.context.users.get(userId);
    this.tokens.revokeUser(userId);
  }

  setAccountNotLinked(userId: string, notLinked: boolean): void {
    this.context.users.get(userId);
    if (notLinked) this.notLinked.add(userId);
    else this.notLinked.delete(userId);
  }

  /**
   * What the API holds for the type on the user's local date: the roll-up field's value for roll-up types
   * (`{countSum: "8421"}`…), the main `sleep` of the night ending that date, the day's `basalEnergyBurned`, or the user's `height`.
   */
  googleValue(userId: string, dataType: string, date: string, options: { dataSourceFamily?: string } = {}): Record<string, unknown> | null {
    const user = this.context.users.get(userId);
    const type = dataTypeNamed(dataType);
    if (!type) throw new Error(`Unknown Google Health data type ${dataType}`);
    if (!isRealDate(date)) throw new Error(`date must be YYYY-MM-DD, got ${date}`);
    if (type.rollup) return this.values.rollup(user, type, date, familyNamed(options.dataSourceFamily));
    if (type.name === 'sleep') return this.values.sleep(user, date) as unknown as Record<string, unknown> | null;
    if (type.name === 'basal-energy-burned') return this.values.basalEnergy(user, date) as unknown as Record<string, unknown> | null;
    return this.values.height(user) as unknown as Record<string, unknown>;
  }

  /** The data points `list` serves for the type whose compared time falls on the user's local date, newest first. */
  googlePoints(userId: string, dataType: string, date: string): Record<string, unknown>[] {
    const user = this.context.users.get(userId);
    const type = dataTypeNamed(dataType);
    if (!type?.list) throw new Error(`The emulator lists no data points of ${dataType}`);
    if (!isRealDate(date)) throw new Error(`date must be YYYY-MM-DD, got ${date}`);
    return this.values
      .points(user, type, date)
      .map((point) => ({
        name: `users/${user.healthUserId}/dataTypes/${type.name}/dataPoints/${point.id}`,
        ...(point.dataSource ? { dataSource: point.dataSource } : {}),
        [type.field]: point.build(),
      }));
  }

  /** A notification body for the user's type over local days [startDate, endDate). */
  googleNotification(userId: string, dataType: string, spec: GoogleNotificationSpec): GoogleNotification {
    const user = this.context.users.get(userId);
    const endDate = spec.endDate ?? addDays(spec.startDate, 1);
    const civilStart = `${spec.startDate}T00:00:00`;
    const civilEnd = `${endDate}T00:00:00`;
    return {
      data: {
        healthUserId: user.healthUserId,
        dataType,
        operation: spec.operation ?? 'UPSERT',
        clientProvidedSubscriptionName: spec.clientProvidedSubscriptionName ?? 'emulator-subscription',
        intervals: [
          {
            civilIso8601TimeInterval: { startTime: civilStart, endTime: civilEnd },
            physicalTimeInterval: { startTime: rfc3339(civilToInstant(user.timezone, civilStart)), endTime: rfc3339(civilToInstant(user.timezone, civilEnd)) },
          },
        ],
      },
    };
  }

  sendGoogleNotification(url: string, notification: GoogleNotification | GoogleNotification[] | Record<string, unknown> | unknown[], delivery?: GoogleDelivery) {
    return sendGoogleNotification(this.keys, this.context.options.webhookAuthorization, url, notification, delivery);
  }

  verifyGoogleSubscriber(url: string, authorization: string): Promise<GoogleSubscriberVerification> {
    return verifyGoogleSubscriber(this.keys, url, authorization);
  }

  googleSignature(body: string | Buffer, choice: SignatureChoice): string | null {
    return this.keys.signature(body, choice);
  }

  rotateWebhookKey(spec?: WebhookKeySpec): number {
    return this.keys.rotate(spec);
  }

  manualSubscriptions(): GoogleManualSubscription[] {
    return this.subscriptions.list();
  }

  private keysetResponse(): EmulatorResponse {
    return jsonResponse(200, this.keys.keyset(), { 'cache-control': 'public, max-age=3600' });
  }
}

/** `google-wearables` or `users/me/dataSourceFamilies/google-wearables` → `google-wearables`; absent: all sources. */
function familyNamed(name: string | undefined): DataSourceFamily {
  if (name === undefined) return 'all-sources';
  const family = name.replace(/^users\/[^/]+\/dataSourceFamilies\//, '') as DataSourceFamily;
  if (!DATA_SOURCE_FAMILIES.includes(family)) throw new Error(`Unknown data source family ${name}: one of ${DATA_SOURCE_FAMILIES.join(', ')}`);
  return family;
}
