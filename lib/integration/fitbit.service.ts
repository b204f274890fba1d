import { Injectable } from '@nestjs/common';
import { UserLinkStore } from '../auth/user-link.store.js';
import { FitbitConfig } from '../config/fitbit-config.js';
import type { RequestLike } from '../config/fitbit-module-options.interface.js';

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
    if (user === null || user === undefined || !this.config.users.isActive(user)) return false;
    return (await this.links.findByUser(this.config.users.id(user))) !== null;
  }

  /** `isIntegrated` for the request's user (the `users.fromRequest` accessor); false when anonymous. */
  isIntegratedRequest(req: RequestLike): Promise<boolean> {
    return this.isIntegrated(this.config.users.fromRequest(req));
  }
}
