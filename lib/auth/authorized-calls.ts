import { Injectable } from '@nestjs/common';
import type { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import { ProviderUnauthorizedError } from '../providers/provider-errors.js';
import { TokenRefresher } from './token-refresher.js';
import { UserLinkStore } from './user-link.store.js';

/**
 * Runs provider calls with a link's access token: refreshes first when the stored expiry has
 * passed, and once more (then retries once) when the provider says the token expired.
 */
@Injectable()
export class AuthorizedCalls {
  constructor(
    private readonly links: UserLinkStore,
    private readonly refresher: TokenRefresher,
  ) {}

  async run<T>(link: UserFitbit, call: (accessToken: string) => Promise<T>): Promise<T> {
    let current = link.expiresAt <= Date.now() ? await this.refresher.refresh(link) : link;
    try {
      return await call(this.links.accessToken(current));
    } catch (error) {
      if (!(error instanceof ProviderUnauthorizedError && error.tokenExpired)) throw error;
      current = await this.refresher.refresh(current);
      return call(this.links.accessToken(current));
    }
  }
}
