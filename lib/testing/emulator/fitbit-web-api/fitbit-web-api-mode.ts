import type { EmulatorRequest, EmulatorResponse } from '../core/http-types.js';
import type { Route } from '../core/router.js';
import type {
  DeliveryResult,
  EmulatorContext,
  EmulatorMode,
  EmulatorUrls,
  IssuedTokens,
  NotificationDelivery,
  SubscriberVerification,
} from '../emulator-mode.js';
import type { ApiGuard } from './api/api-route.js';
import { profileRoute } from './api/profile-route.js';
import { RateLimiter } from './api/rate-limiter.js';
import { subscriptionRoutes } from './api/subscription-routes.js';
import { SubscriptionStore, type FitbitSubscription } from './api/subscription-store.js';
import { timeSeriesRoute } from './api/time-series-route.js';
import { defaultFitbitError, fitbitError } from './fitbit-errors.js';
import { FITBIT_SCOPES } from './fitbit-scopes.js';
import { AuthorizationCodes } from './oauth/authorization-codes.js';
import { authorizeRoutes } from './oauth/authorize-routes.js';
import { revokeRoute } from './oauth/revoke-route.js';
import { tokenRoute } from './oauth/token-route.js';
import { TokenStore } from './oauth/token-store.js';
import { sendFitbitNotifications, type FitbitNotification } from './outbound/notification-sender.js';
import { verifyFitbitSubscriber } from './outbound/subscriber-verifier.js';

/** The legacy Fitbit Web API: www.fitbit.com's authorize page and api.fitbit.com, on one emulator host. */
export class FitbitWebApiMode implements EmulatorMode<FitbitSubscription, FitbitNotification> {
  readonly routes: readonly Route[];
  private readonly tokens: TokenStore;
  private readonly subscriptions = new SubscriptionStore();

  constructor(private readonly context: EmulatorContext) {
    const { clock, users, options } = context;
    this.tokens = new TokenStore(clock, options.clientId);
    const codes = new AuthorizationCodes(clock);
    const guard: ApiGuard = { tokens: this.tokens, rateLimiter: new RateLimiter(clock, options.rateLimitPerHour), users };
    this.routes = [
      ...authorizeRoutes(context, codes),
      tokenRoute(context, codes, this.tokens),
      revokeRoute(context, this.tokens),
      profileRoute(guard, clock),
      ...subscriptionRoutes(guard, this.subscriptions, options.defaultSubscriberId),
      timeSeriesRoute(guard, users),
    ];
  }

  urls(baseUrl: string): EmulatorUrls {
    return {
      authorizeUrl: `${baseUrl}/oauth2/authorize`,
      tokenUrl: `${baseUrl}/oauth2/token`,
      revokeUrl: `${baseUrl}/oauth2/revoke`,
      apiUrl: baseUrl,
    };
  }

  notFound(_request: EmulatorRequest): EmulatorResponse {
    return fitbitError(404, 'not_found', 'The API you are requesting could not be found.');
  }

  methodNotAllowed(request: EmulatorRequest): EmulatorResponse {
    return fitbitError(405, 'request', `The method ${request.method} is not allowed for this resource.`);
  }

  faultResponse(status: number): EmulatorResponse {
    return defaultFitbitError(status);
  }

  internalError(): EmulatorResponse {
    return defaultFitbitError(500);
  }

  issueTokens(userId: string, scopes: readonly string[] = FITBIT_SCOPES): IssuedTokens {
    this.context.users.get(userId);
    const grant = this.tokens.issue(userId, scopes);
    return { accessToken: grant.accessToken, refreshToken: grant.refreshToken, expiresAt: grant.accessExpiresAt, userId };
  }

  expireAccessTokens(userId?: string): void {
    this.tokens.expireAccessTokens(userId);
  }

  refreshCalls(userId?: string): number {
    return this.tokens.refreshCalls(userId);
  }

  subscriptionsOf(userId: string): FitbitSubscription[] {
    return this.subscriptions.list(userId);
  }

  /** One notification per subscription of the user that covers `collectionType`, dated `date`. */
  notificationsFor(userId: string, collectionType: string, date?: string): FitbitNotification[] {
    return this.subscriptions
      .list(userId)
      .filter((s) => s.collectionType === collectionType || s.collectionType === 'user')
      .map((s) => ({ collectionType, ...(date === undefined ? {} : { date }), ownerId: userId, ownerType: 'user', subscriptionId: s.subscriptionId }));
  }

  sendNotifications(url: string, notifications: readonly FitbitNotification[], delivery?: NotificationDelivery): Promise<DeliveryResult> {
    return sendFitbitNotifications(this.context.options.clientSecret, url, notifications, delivery);
  }

  verifySubscriber(url: string, code: string): Promise<SubscriberVerification> {
    return verifyFitbitSubscriber(url, code);
  }
}
