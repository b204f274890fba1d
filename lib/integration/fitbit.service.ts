import { Injectable } from '@nestjs/common';
import { UserLinkStore } from '../auth/user-link.store.js';
import { FitbitConfig } from '../config/fitbit-config.js';
import type { RequestLike } from '../config/fitbit-module-options.interface.js';

/**
 * A user's link: `linked` through the configured provider, `not-linked` (or anonymous, or inactive),
 * or `needs-reconnect` (linked through another provider, e.g. the legacy Fitbit API after the switch to Google).
 */
export type FitbitLinkStatus = 'linked' | 'not-linked' | 'needs-reconnect';

export const RECONNECT_MESSAGE = 'Fitbit now shares data through Google: please connect your Fitbit account again.';

/** Integration status of app users: django-fitbit's `fitapp.utils.is_integrated()`. */
@Injectable()
export class FitbitService {
  constructor(
    private readonly config: FitbitConfig,
    private readonly links: UserLinkStore,
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

  /** `isIntegrated` for the request's user (the `users.fromRequest` accessor); false when anonymous. */
  isIntegratedRequest(req: RequestLike): Promise<boolean> {
    return this.isIntegrated(this.config.users.fromRequest(req));
  }

  linkStatusOfRequest(req: RequestLike): Promise<FitbitLinkStatus> {
    return this.linkStatus(this.config.users.fromRequest(req));
  }
}
