import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { FitbitConfig } from '../config/fitbit-config.js';
import type { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import { FITBIT_PROVIDER } from '../fitbit.constants.js';
import type { FitbitProvider, TokenSet } from '../providers/fitbit-provider.interface.js';
import { UserLinkStore } from './user-link.store.js';

/** Thrown by `TokenRefresher.refresh` when the link was deleted meanwhile (the user disconnected, or another process removed it). */
export class UserLinkGoneError extends Error {
  constructor(userId: string) {
    super(`The Fitbit link of user ${userId} was removed`);
  }
}

/**
 * Refreshes a link's tokens so that, across every process sharing the database, one refresh
 * runs per user at a time: refresh tokens are single-use, and two refreshes lock the user out.
 * The lock is a lease column on the link, taken by a conditional UPDATE.
 */
@Injectable()
export class TokenRefresher {
  private readonly leaseMs: number;

  constructor(
    config: FitbitConfig,
    private readonly links: UserLinkStore,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
  ) {
    this.leaseMs = config.requestTimeoutMs * 3;
  }

  /** Returns the link with fresh tokens: refreshed here, or by whoever held the lease meanwhile. */
  async refresh(link: UserFitbit): Promise<UserFitbit> {
    const staleAccessToken = link.accessToken;
    const giveUpAt = Date.now() + this.leaseMs * 2;
    for (;;) {
      const claimed = await this.links.claimRefreshLease(link.id, Date.now(), this.leaseMs);
      const current = await this.links.findById(link.id);
      if (!current) throw new UserLinkGoneError(link.userId);
      if (current.accessToken !== staleAccessToken) {
        if (claimed) await this.links.releaseRefreshLease(link.id);
        return current;
      }
      if (claimed) return this.refreshHoldingLease(current);
      if (Date.now() > giveUpAt) throw new Error(`Timed out waiting for the token refresh of user ${link.userId}`);
      await sleep(20 + Math.random() * 40);
    }
  }

  /** Refreshes tokens that belong to no stored link (a job holding a removed link's tokens). */
  refreshDetached(refreshToken: string): Promise<TokenSet> {
    return this.provider.refreshTokens(refreshToken);
  }

  private async refreshHoldingLease(link: UserFitbit): Promise<UserFitbit> {
    let tokens: TokenSet;
    try {
      const oldRefreshToken = this.links.refreshToken(link);
      const grant = await this.provider.refreshTokens(oldRefreshToken);
      tokens = { ...grant, refreshToken: grant.refreshToken || oldRefreshToken };
    } catch (error) {
      await this.links.releaseRefreshLease(link.id);
      throw error;
    }
    if (!(await this.links.storeRefreshed(link, tokens))) throw new UserLinkGoneError(link.userId);
    return (await this.links.findById(link.id)) ?? Promise.reject(new UserLinkGoneError(link.userId));
  }
}
