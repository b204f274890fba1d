import { daysBetween } from './core/calendar.js';
import { describeViolations, type ContractViolation } from './core/contract-violations.js';
import { EmulatorClock } from './core/clock.js';
import { FaultInjector, type FaultSpec } from './core/faults.js';
import { IssuedSecrets } from './core/issued-secrets.js';
import { EmulatorHttpServer } from './core/http-server.js';
import { RequestLog, type LoggedRequest } from './core/request-log.js';
import { Router } from './core/router.js';
import { UserRegistry, type EmulatorUser, type NewEmulatorUser } from './core/users.js';
import { generateDailyValue } from './data/daily-values.js';
import type { DeliveryResult, EmulatorContext, EmulatorUrls, IssuedTokens, NotificationDelivery, SubscriberVerification } from './emulator-mode.js';
import { resolveEmulatorOptions, type EmulatorModeName, type FitbitEmulatorOptions } from './emulator-options.js';
import { needsAltimeter } from './fitbit-web-api/api/time-series-paths.js';
import type { FitbitSubscription } from './fitbit-web-api/api/subscription-store.js';
import { FitbitWebApiMode } from './fitbit-web-api/fitbit-web-api-mode.js';
import type { FitbitNotification } from './fitbit-web-api/outbound/notification-sender.js';
import type { GoogleManualSubscription } from './google-health/api/manual-subscriptions.js';
import { GoogleHealthMode, type GoogleNotificationSpec } from './google-health/google-health-mode.js';
import type { GoogleDelivery, GoogleNotification, GoogleSubscriberVerification } from './google-health/webhooks/notification-sender.js';
import type { SignatureChoice, WebhookKeySpec } from './google-health/webhooks/webhook-keys.js';

/** `emulator.faults`: make matching requests fail (a status, a delay, or both) until cleared. */
export interface EmulatorFaults {
  inject(spec: FaultSpec): void;
  clear(): void;
}

/** `emulator.stats`: counts of what the app asked for. */
export interface EmulatorStats {
  /** refresh_token grants received, successful or not; for one user when given. */
  refreshCalls(userId?: string): number;
}

/**
 * An in-process stand-in for Fitbit, on a local port: the legacy Fitbit Web API (`mode: 'fitbit'`) or the
 * Google Health API (`mode: 'google-health'`). Start it with `FitbitEmulator.start(options)`, point the module's
 * endpoints at `emulator.urls`, and stop it with `stop()`. Helpers that only make sense in one mode throw in the other.
 */
export class FitbitEmulator {
  readonly clock: EmulatorClock;
  readonly faults: EmulatorFaults;
  readonly stats: EmulatorStats;
  readonly urls: EmulatorUrls;
  readonly modeName: EmulatorModeName;

  private constructor(
    readonly baseUrl: string,
    private readonly server: EmulatorHttpServer,
    private readonly context: EmulatorContext,
    private readonly mode: FitbitWebApiMode | GoogleHealthMode,
    private readonly log: RequestLog,
    faults: FaultInjector,
    private readonly issued: IssuedSecrets,
  ) {
    this.clock = context.clock;
    this.faults = { inject: (spec) => faults.inject(spec), clear: () => faults.clear() };
    this.stats = { refreshCalls: (userId) => mode.refreshCalls(userId) };
    this.urls = mode.urls(baseUrl);
    this.modeName = mode instanceof GoogleHealthMode ? 'google-health' : 'fitbit';
  }

  static async start(options: FitbitEmulatorOptions): Promise<FitbitEmulator> {
    if (options.mode !== 'fitbit' && options.mode !== 'google-health') {
      throw new Error(`FitbitEmulator mode "${String(options.mode)}" is not available`);
    }
    const clock = new EmulatorClock(options.now ?? Date.now(), options.realTime ?? false);
    const context: EmulatorContext = { options: resolveEmulatorOptions(options), clock, users: new UserRegistry(clock) };
    const mode = options.mode === 'google-health' ? new GoogleHealthMode(context) : new FitbitWebApiMode(context);
    const log = new RequestLog();
    const faults = new FaultInjector((status) => mode.faultResponse(status));
    const issued = new IssuedSecrets();
    const server = new EmulatorHttpServer({
      router: new Router(mode.routes, mode),
      faults,
      log,
      clock,
      internalError: () => mode.internalError(),
      issued,
      around: mode instanceof GoogleHealthMode ? (request, route) => mode.around(request, route) : undefined,
    });
    const baseUrl = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
    return new FitbitEmulator(baseUrl, server, context, mode, log, faults, issued);
  }

  async stop(): Promise<void> {
    await this.server.close();
  }

  addUser(details: NewEmulatorUser = {}): EmulatorUser {
    return this.context.users.add(details);
  }

  user(id: string): EmulatorUser {
    return { ...this.context.users.get(id) };
  }

  /** Whom auto-approve (and the consent page's default choice) signs in as. */
  setConsentUser(id: string): void {
    this.context.users.setConsentUser(id);
  }

  /** The user's local date on the emulator clock. */
  todayOf(userId: string): string {
    return this.context.users.todayOf(this.context.users.get(userId));
  }

  /**
   * A token pair as if the user had gone through authorize (google-health: with access_type=offline); all scopes
   * unless given (google-health: full scope URLs).
   */
  issueTokens(userId: string, grant: { scopes?: string[] } = {}): IssuedTokens & { healthUserId: string } {
    const tokens = this.mode.issueTokens(userId, grant.scopes);
    this.issued.add(tokens.accessToken, tokens.refreshToken);
    return { ...tokens, healthUserId: this.context.users.get(userId).healthUserId };
  }

  expireAccessTokens(userId?: string): void {
    this.mode.expireAccessTokens(userId);
  }

  /**
   * The value the legacy time series holds for that user, path (`activities/steps`…) and local date; null when that
   * day has no entry. In google-health mode, the legacy number the Google values are derived from.
   */
  dailyValue(userId: string, path: string, date: string): string | null {
    const user = this.context.users.get(userId);
    if (daysBetween(user.memberSince, date) < 0 || daysBetween(date, this.context.users.todayOf(user)) < 0) return null;
    if (needsAltimeter(path) && !user.hasAltimeter) return null;
    return generateDailyValue(userId, path, date);
  }

  /**
   * Every secret this emulator knows a client holds: the authorization codes and tokens it issued,
   * the client secret, and the webhook and project credentials. None of them should ever appear in
   * a log line, a queue or a page of the app under test.
   */
  issuedSecrets(): string[] {
    const { clientSecret, webhookAuthorization, projectAccessToken } = this.context.options;
    return [...this.issued.list(), clientSecret, ...(webhookAuthorization ? [webhookAuthorization] : []), projectAccessToken];
  }

  /**
   * google-health mode with `strict`: the contract violations seen so far (requests the real API would
   * refuse as malformed, answers of the emulator's that break the discovery schema), oldest first.
   */
  contractViolations(): ContractViolation[] {
    return this.mode instanceof GoogleHealthMode ? this.mode.violations.list() : [];
  }

  /** Like `contractViolations()`, and forgets them: for a test that provokes violations on purpose. */
  takeContractViolations(): ContractViolation[] {
    return this.mode instanceof GoogleHealthMode ? this.mode.violations.take() : [];
  }

  /**
   * Throws one error listing every contract violation seen since the last call (and forgets them).
   * Call it in an `afterEach` hook of a suite that starts the emulator with `strict: true`, so that the
   * test that caused a violation fails.
   */
  assertContractKept(): void {
    const violations = this.takeContractViolations();
    if (violations.length > 0) {
      throw new Error(`The Google Health contract was broken ${violations.length} time(s):\n${describeViolations(violations)}`);
    }
  }

  get requests(): LoggedRequest[] {
    return this.log.list();
  }

  clearRequests(): void {
    this.log.clear();
  }

  /** fitbit mode. */
  subscriptionsOf(userId: string): FitbitSubscription[] {
    return this.fitbit('subscriptionsOf').subscriptionsOf(userId);
  }

  /** fitbit mode: notifications for every subscription of the user covering the collection, ready for `sendNotifications`. */
  notificationsFor(userId: string, collectionType: string, date?: string): FitbitNotification[] {
    return this.fitbit('notificationsFor').notificationsFor(userId, collectionType, date);
  }

  /** fitbit mode. */
  sendNotifications(url: string, notifications: readonly FitbitNotification[], delivery?: NotificationDelivery): Promise<DeliveryResult> {
    return this.fitbit('sendNotifications').sendNotifications(url, notifications, delivery);
  }

  /** fitbit mode: the `?verify=` handshake. */
  verifySubscriber(url: string, code: string): Promise<SubscriberVerification> {
    return this.fitbit('verifySubscriber').verifySubscriber(url, code);
  }

  /**
   * google-health mode: what the API serves for the type on the user's local date — the roll-up field's value for
   * roll-up types (`{ countSum: "8421" }`; `dataSourceFamily: 'google-wearables'` for the tracker-only values), the
   * `sleep` of the night ending that date, the day's `basalEnergyBurned`, or the user's (constant) `height`; null for no data.
   */
  googleValue(userId: string, dataType: string, date: string, options: { dataSourceFamily?: string } = {}): Record<string, unknown> | null {
    return this.google('googleValue').googleValue(userId, dataType, date, options);
  }

  /** google-health mode: the data points `list` serves for the type on the user's local date (sleep: the nap and the main sleep ending then), newest first. */
  googlePoints(userId: string, dataType: string, date: string): Record<string, unknown>[] {
    return this.google('googlePoints').googlePoints(userId, dataType, date);
  }

  /** google-health mode: a notification body for the user's type over local days [startDate, endDate), ready for `sendGoogleNotification`. */
  googleNotification(userId: string, dataType: string, spec: GoogleNotificationSpec): GoogleNotification {
    return this.google('googleNotification').googleNotification(userId, dataType, spec);
  }

  /**
   * google-health mode: POSTs the notification (raw JSON) with `Authorization` (default the `webhookAuthorization`
   * option; null for none) and a Tink ECDSA signature in X-HEALTHAPI-SIGNATURE (or GOOGLE-HEALTH-API-SIGNATURE).
   */
  sendGoogleNotification(url: string, notification: GoogleNotification | GoogleNotification[] | Record<string, unknown> | unknown[], delivery?: GoogleDelivery): Promise<DeliveryResult> {
    return this.google('sendGoogleNotification').sendGoogleNotification(url, notification, delivery);
  }

  /** google-health mode: the X-HEALTHAPI-SIGNATURE value the emulator sends with these exact bytes (base64 Tink signature of its primary key). */
  googleSignature(body: string | Buffer, choice: SignatureChoice = 'valid'): string | null {
    return this.google('googleSignature').googleSignature(body, choice);
  }

  /** google-health mode: two POSTs of {"type":"verification"}, with and without the Authorization value; verified when 201 then 401/403. */
  verifyGoogleSubscriber(url: string, authorization: string): Promise<GoogleSubscriberVerification> {
    return this.google('verifyGoogleSubscriber').verifyGoogleSubscriber(url, authorization);
  }

  /**
   * google-health mode: a new signing key with a new id becomes primary (the old one stays in the keyset); returns its id.
   * ECDSA P-256 SHA-256 DER with the TINK prefix unless `spec` names another algorithm, hash, encoding or output prefix.
   */
  rotateWebhookKey(spec?: WebhookKeySpec): number {
    return this.google('rotateWebhookKey').rotateWebhookKey(spec);
  }

  /** google-health mode: the subscriptions created through the project-level MANUAL subscription API. */
  manualSubscriptions(): GoogleManualSubscription[] {
    return this.google('manualSubscriptions').manualSubscriptions();
  }

  /** google-health mode: the user removes the app's access; every token of the grant dies (refresh: invalid_grant). */
  revokeGrant(userId: string): void {
    this.google('revokeGrant').revokeGrant(userId);
  }

  /** google-health mode: while set, the user's API calls answer 400 FAILED_PRECONDITION, reason ACCOUNT_NOT_LINKED. */
  setAccountNotLinked(userId: string, notLinked = true): void {
    this.google('setAccountNotLinked').setAccountNotLinked(userId, notLinked);
  }

  private fitbit(helper: string): FitbitWebApiMode {
    if (!(this.mode instanceof FitbitWebApiMode)) throw new Error(`FitbitEmulator.${helper} is only available in fitbit mode`);
    return this.mode;
  }

  private google(helper: string): GoogleHealthMode {
    if (!(this.mode instanceof GoogleHealthMode)) throw new Error(`FitbitEmulator.${helper} is only available in google-health mode`);
    return this.mode;
  }
}
