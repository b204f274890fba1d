import { Injectable } from '@nestjs/common';
import { InjectFitbitRepository } from '../data/fitbit-repository.js';
import { IsNull, LessThan, QueryFailedError, Repository } from 'typeorm';
import type { FitbitProviderName } from '../data/entities/user-fitbit.entity.js';
import { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import type { TokenSet } from '../providers/fitbit-provider.interface.js';
import { TokenCipher } from './token-cipher.js';

/** The entity's own table name, not the database's: a host's table prefix must not change what a token is bound to. */
const TABLE = 'fitbit_user_link';

/** What `UserLinkStore.save` stores for a user who connected: whose account it is, their time zone and the tokens. */
export interface NewUserLink {
  userId: string;
  provider: FitbitProviderName;
  providerUserId: string;
  legacyUserId: string | null;
  timeZone: string | null;
  tokens: TokenSet;
}

/** Two connects raced for the same user or provider account; the database kept the other one. */
export class UserLinkConflictError extends Error {
  constructor() {
    super('Another connect stored a link for this user or provider account at the same moment');
  }
}

/** The database's answer to a unique-constraint violation (SQLite and PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Reads and writes the UserFitbit rows; tokens go in sealed (bound to their row and column) and come out plain. */
@Injectable()
export class UserLinkStore {
  constructor(
    @InjectFitbitRepository(UserFitbit) private readonly links: Repository<UserFitbit>,
    private readonly cipher: TokenCipher,
  ) {}

  findByUser(userId: string): Promise<UserFitbit | null> {
    return this.links.findOneBy({ userId });
  }

  findById(id: number): Promise<UserFitbit | null> {
    return this.links.findOneBy({ id });
  }

  findByProviderUser(provider: FitbitProviderName, providerUserId: string): Promise<UserFitbit[]> {
    return this.links.findBy({ provider, providerUserId });
  }

  findAll(options: { expiredBefore?: number } = {}): Promise<UserFitbit[]> {
    return this.links.find({
      where: options.expiredBefore === undefined ? {} : { expiresAt: LessThan(options.expiredBefore) },
      order: { id: 'ASC' },
    });
  }

  accessToken(link: UserFitbit): string {
    return this.cipher.openToken(TABLE, link, 'access_token', link.accessToken);
  }

  refreshToken(link: UserFitbit): string {
    return this.cipher.openToken(TABLE, link, 'refresh_token', link.refreshToken);
  }

  /** Creates the user's link or overwrites their old one; a concurrent connect's row wins with UserLinkConflictError. */
  async save(link: NewUserLink): Promise<UserFitbit> {
    const existing = await this.findByUser(link.userId);
    try {
      return await this.links.save(
        this.links.create({
          ...(existing ? { id: existing.id, createdAt: existing.createdAt } : { createdAt: Date.now() }),
          userId: link.userId,
          provider: link.provider,
          providerUserId: link.providerUserId,
          legacyUserId: link.legacyUserId,
          timeZone: link.timeZone,
          ...this.cipher.sealPair(TABLE, link, link.tokens),
          expiresAt: link.tokens.expiresAt,
          scopes: link.tokens.scopes.join(' '),
          refreshLockedUntil: null,
        }),
      );
    } catch (error) {
      // The error carries the INSERT's parameters, tokens included: it goes no further than here.
      if (isUniqueViolation(error)) throw new UserLinkConflictError();
      throw error;
    }
  }

  /** Takes the link's refresh lease unless another process holds a live one. */
  async claimRefreshLease(linkId: number, now: number, leaseMs: number): Promise<boolean> {
    const result = await this.links
      .createQueryBuilder()
      .update(UserFitbit)
      .set({ refreshLockedUntil: now + leaseMs })
      .where('id = :linkId', { linkId })
      .andWhere([{ refreshLockedUntil: IsNull() }, { refreshLockedUntil: LessThan(now) }])
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async releaseRefreshLease(linkId: number): Promise<void> {
    await this.links.update({ id: linkId }, { refreshLockedUntil: null });
  }

  /** Saves a refreshed pair and frees the lease in one statement; false when the link is gone. */
  async storeRefreshed(link: UserFitbit, tokens: TokenSet): Promise<boolean> {
    const result = await this.links.update(
      { id: link.id },
      {
        ...this.cipher.sealPair(TABLE, link, tokens),
        expiresAt: tokens.expiresAt,
        ...(tokens.scopes.length > 0 ? { scopes: tokens.scopes.join(' ') } : {}),
        refreshLockedUntil: null,
      },
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * Seals the link's tokens again with the current key, bound to the row, unless they already are;
   * only if they did not change meanwhile (a refresh wins). True when the row was rewritten.
   */
  async reseal(link: UserFitbit): Promise<boolean> {
    const resealed = this.cipher.resealPair(TABLE, link);
    if (!resealed) return false;
    const result = await this.links.update({ id: link.id, accessToken: link.accessToken, refreshToken: link.refreshToken }, resealed);
    return (result.affected ?? 0) > 0;
  }

  async deleteByUser(userId: string): Promise<void> {
    await this.links.delete({ userId });
  }

  async deleteById(id: number): Promise<void> {
    await this.links.delete({ id });
  }
}
