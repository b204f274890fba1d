import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Repository } from 'typeorm';
import type { FitbitProviderName } from '../data/entities/user-fitbit.entity.js';
import { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import type { TokenSet } from '../providers/fitbit-provider.interface.js';
import { TokenCipher } from './token-cipher.js';

export interface NewUserLink {
  userId: string;
  provider: FitbitProviderName;
  providerUserId: string;
  legacyUserId: string | null;
  timeZone: string | null;
  tokens: TokenSet;
}

/** Reads and writes the UserFitbit rows; tokens go in sealed and come out plain. */
@Injectable()
export class UserLinkStore {
  constructor(
    @InjectRepository(UserFitbit) private readonly links: Repository<UserFitbit>,
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
    return this.cipher.decrypt(link.accessToken);
  }

  refreshToken(link: UserFitbit): string {
    return this.cipher.decrypt(link.refreshToken);
  }

  /** Creates the user's link or overwrites their old one. */
  async save(link: NewUserLink): Promise<UserFitbit> {
    const existing = await this.findByUser(link.userId);
    return this.links.save(
      this.links.create({
        ...(existing ? { id: existing.id, createdAt: existing.createdAt } : { createdAt: Date.now() }),
        userId: link.userId,
        provider: link.provider,
        providerUserId: link.providerUserId,
        legacyUserId: link.legacyUserId,
        timeZone: link.timeZone,
        accessToken: this.cipher.encrypt(link.tokens.accessToken),
        refreshToken: this.cipher.encrypt(link.tokens.refreshToken),
        expiresAt: link.tokens.expiresAt,
        scopes: link.tokens.scopes.join(' '),
        refreshLockedUntil: null,
      }),
    );
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
  async storeRefreshed(linkId: number, tokens: TokenSet): Promise<boolean> {
    const result = await this.links.update(
      { id: linkId },
      {
        accessToken: this.cipher.encrypt(tokens.accessToken),
        refreshToken: this.cipher.encrypt(tokens.refreshToken),
        expiresAt: tokens.expiresAt,
        ...(tokens.scopes.length > 0 ? { scopes: tokens.scopes.join(' ') } : {}),
        refreshLockedUntil: null,
      },
    );
    return (result.affected ?? 0) > 0;
  }

  async deleteByUser(userId: string): Promise<void> {
    await this.links.delete({ userId });
  }

  async deleteById(id: number): Promise<void> {
    await this.links.delete({ id });
  }
}
