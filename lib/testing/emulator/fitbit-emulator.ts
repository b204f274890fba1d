import { daysBetween } from './core/calendar.js';
import { EmulatorClock } from './core/clock.js';
import { FaultInjector, type FaultSpec } from './core/faults.js';
import { EmulatorHttpServer } from './core/http-server.js';
import { RequestLog, type LoggedRequest } from './core/request-log.js';
import { Router } from './core/router.js';
import { UserRegistry, type EmulatorUser, type NewEmulatorUser } from './core/users.js';
import { generateDailyValue } from './data/daily-values.js';
import type { DeliveryResult, EmulatorContext, EmulatorUrls, IssuedTokens, NotificationDelivery, SubscriberVerification } from './emulator-mode.js';
import { resolveEmulatorOptions, type FitbitEmulatorOptions } from './emulator-options.js';
import { needsAltimeter } from './fitbit-web-api/api/time-series-paths.js';
import type { FitbitSubscription } from './fitbit-web-api/api/subscription-store.js';
import { FitbitWebApiMode } from './fitbit-web-api/fitbit-web-api-mode.js';
import type { FitbitNotification } from './fitbit-web-api/outbound/notification-sender.js';

export interface EmulatorFaults {
  inject(spec: FaultSpec): void;
  clear(): void;
}

export interface EmulatorStats {
  /** refresh_token grants received, successful or not; for one user when given. */
  refreshCalls(userId?: string): number;
}

/**
 * An in-process stand-in for Fitbit, on a local port. Start it with `FitbitEmulator.start(options)`,
 * point the module's endpoints at `emulator.urls`, and stop it with `stop()`.
 */
export class FitbitEmulator {
  readonly clock: EmulatorClock;
  readonly faults: EmulatorFaults;
  readonly stats: EmulatorStats;
  readonly urls: EmulatorUrls;

  private constructor(
    readonly baseUrl: string,
    private readonly server: EmulatorHttpServer,
    private readonly context: EmulatorContext,
    private readonly mode: FitbitWebApiMode,
    private readonly log: RequestLog,
    faults: FaultInjector,
  ) {
    this.clock = context.clock;
    this.faults = { inject: (spec) => faults.inject(spec), clear: () => faults.clear() };
    this.stats = { refreshCalls: (userId) => mode.refreshCalls(userId) };
    this.urls = mode.urls(baseUrl);
  }

  static async start(options: FitbitEmulatorOptions): Promise<FitbitEmulator> {
    if (options.mode !== 'fitbit') throw new Error(`FitbitEmulator mode "${String(options.mode)}" is not available`);
    const clock = new EmulatorClock(options.now ?? Date.now(), options.realTime ?? false);
    const context: EmulatorContext = { options: resolveEmulatorOptions(options), clock, users: new UserRegistry(clock) };
    const mode = new FitbitWebApiMode(context);
    const log = new RequestLog();
    const faults = new FaultInjector((status) => mode.faultResponse(status));
    const server = new EmulatorHttpServer({
      router: new Router(mode.routes, mode),
      faults,
      log,
      clock,
      internalError: () => mode.internalError(),
    });
    const baseUrl = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
    return new FitbitEmulator(baseUrl, server, context, mode, log, faults);
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

  /** A token pair as if the user had gone through authorize; all scopes unless given. */
  issueTokens(userId: string, grant: { scopes?: string[] } = {}): IssuedTokens {
    return this.mode.issueTokens(userId, grant.scopes);
  }

  expireAccessTokens(userId?: string): void {
    this.mode.expireAccessTokens(userId);
  }

  /** The value the time series holds for that user, path and local date; null when that day has no entry. */
  dailyValue(userId: string, path: string, date: string): string | null {
    const user = this.context.users.get(userId);
    if (daysBetween(user.memberSince, date) < 0 || daysBetween(date, this.context.users.todayOf(user)) < 0) return null;
    if (needsAltimeter(path) && !user.hasAltimeter) return null;
    return generateDailyValue(userId, path, date);
  }

  get requests(): LoggedRequest[] {
    return this.log.list();
  }

  clearRequests(): void {
    this.log.clear();
  }

  subscriptionsOf(userId: string): FitbitSubscription[] {
    return this.mode.subscriptionsOf(userId);
  }

  /** Notifications for every subscription of the user covering the collection, ready for `sendNotifications`. */
  notificationsFor(userId: string, collectionType: string, date?: string): FitbitNotification[] {
    return this.mode.notificationsFor(userId, collectionType, date);
  }

  sendNotifications(url: string, notifications: readonly FitbitNotification[], delivery?: NotificationDelivery): Promise<DeliveryResult> {
    return this.mode.sendNotifications(url, notifications, delivery);
  }

  verifySubscriber(url: string, code: string): Promise<SubscriberVerification> {
    return this.mode.verifySubscriber(url, code);
  }
}
