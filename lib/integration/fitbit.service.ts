import { Injectable } from '@nestjs/common';
import { UserLinkStore } from '../auth/user-link.store.js';
import { FitbitConfig } from '../config/fitbit-config.js';
import type { RequestLike } from '../config/fitbit-module-options.interface.js';
import { timeSeriesPath } from '../data/time-series-data-types.js';
import { TimeSeriesDataStore } from '../data/time-series-data.store.js';
import { SubscriptionParts } from '../subscription-parts.js';
import { importStatusOf, type FitbitImportProgressEvent, type FitbitImportStatus } from './import-status.js';

/**
 * A user's link: `linked` through the configured provider, `not-linked` (or anonymous, or inactive),
 * or `needs-reconnect` (linked through another provider, e.g. the legacy Fitbit API after the switch to Google).
 */
export type FitbitLinkStatus = 'linked' | 'not-linked' | 'needs-reconnect';

/** What a page may say about a user's connection. */
export interface FitbitConnection {
  status: FitbitLinkStatus;
  /** The account as the person knows it: the legacy Fitbit user id when the provider reports one, else the provider's id; null when not linked. */
  accountId: string | null;
  /** The IANA zone the user's dates are in (the provider's setting), when known. */
  timeZone: string | null;
  connectedAt: Date | null;
}

export const RECONNECT_MESSAGE = 'Fitbit now shares data through Google: please connect your Fitbit account again.';

/** Integration status of app users: django-fitbit's `fitapp.utils.is_integrated()`. */
@Injectable()
export class FitbitService {
  constructor(
    private readonly config: FitbitConfig,
    private readonly links: UserLinkStore,
    private readonly rows: TimeSeriesDataStore,
    // The import's record is there with `subscribe` only: without it nothing is imported.
    private readonly parts: SubscriptionParts,
  ) {}

  /**
   * True when `user` is present, active (the `users.isActive` accessor) and has a Fitbit link
   * row. The tokens are not checked: an expired or revoked grant still counts as integrated.
   */
  async isIntegrated(user: unknown): Promise<boolean> {
    return (await this.linkStatus(user)) === 'linked';
  }

  /**
   * `needs-reconnect`: the user is linked through another provider than the configured one
   * (a legacy Fitbit link after the switch to Google Health); their stored rows stay theirs.
   */
  async linkStatus(user: unknown): Promise<FitbitLinkStatus> {
    if (user === null || user === undefined || !this.config.users.isActive(user)) return 'not-linked';
    const link = await this.links.findByUser(this.config.users.id(user));
    if (!link) return 'not-linked';
    return link.provider === this.config.provider ? 'linked' : 'needs-reconnect';
  }

  /** `linkStatus` and what a page can show about the link ("connected as …", the user's zone). */
  async connectionOf(user: unknown): Promise<FitbitConnection> {
    const none: FitbitConnection = { status: 'not-linked', accountId: null, timeZone: null, connectedAt: null };
    if (user === null || user === undefined || !this.config.users.isActive(user)) return none;
    const link = await this.links.findByUser(this.config.users.id(user));
    if (!link) return none;
    return {
      status: link.provider === this.config.provider ? 'linked' : 'needs-reconnect',
      accountId: link.legacyUserId ?? link.providerUserId,
      timeZone: link.timeZone,
      connectedAt: new Date(link.createdAt),
    };
  }

  /** `isIntegrated` for the request's user (the `users.fromRequest` accessor); false when anonymous. */
  isIntegratedRequest(req: RequestLike): Promise<boolean> {
    return this.isIntegrated(this.config.users.fromRequest(req));
  }

  linkStatusOfRequest(req: RequestLike): Promise<FitbitLinkStatus> {
    return this.linkStatus(this.config.users.fromRequest(req));
  }

  /**
   * Where the user's history import stands: types done, pending and failed, days stored, when it
   * started and finished, the last error. Read from Redis (the import's record, written by the
   * connect and the workers) and the database (the rows), so every app process gives the same
   * answer. Null when the user has no link.
   */
  async importStatus(userId: string | number): Promise<FitbitImportStatus | null> {
    const link = await this.links.findByUser(String(userId));
    if (!link) return null;
    const [plan, rows] = await Promise.all([this.parts.importProgress?.read(link.providerUserId) ?? null, this.rows.countByType(link.userId)]);
    return importStatusOf(plan, rows, this.config.subscribedTypes.map(timeSeriesPath));
  }

  /**
   * Calls `listener` whenever a type of some user's history import changes state, wherever the
   * worker ran. Without `subscribe` nothing is imported and it is never called. Returns the
   * function that stops it; `ready` resolves once changes are being listened for.
   */
  onImportProgress(listener: (event: FitbitImportProgressEvent) => void): { stop: () => void; ready: Promise<void> } {
    const progress = this.parts.importProgress;
    if (!progress) return { stop: () => undefined, ready: Promise.resolve() };
    const stop = progress.listen((message) => {
      void this.links.findByProviderUser(this.config.provider, message.providerUserId).then(
        (links) => {
          for (const link of links) listener({ userId: link.userId, type: message.type, state: message.state, finished: message.finished, total: message.total });
        },
        () => undefined,
      );
    });
    return { stop, ready: progress.listening() };
  }
}
