import { Injectable } from '@nestjs/common';
import { InjectFitbitRepository } from '../data/fitbit-repository.js';
import { LessThanOrEqual, Repository } from 'typeorm';
import { PendingRevocation } from '../data/entities/pending-revocation.entity.js';
import type { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import type { TokenSet } from '../providers/fitbit-provider.interface.js';
import { TokenCipher } from './token-cipher.js';

const TABLE = 'fitbit_pending_revocation';
import { UserLinkStore } from './user-link.store.js';

export interface WithdrawalSteps {
  /** Delete the user's subscriptions at the provider first. */
  unsubscribe: boolean;
  /** Revoke the grant. */
  revoke: boolean;
}

/** The rows of withdrawals waiting for the provider; their tokens are sealed like the link's and bound to this table. */
@Injectable()
export class PendingRevocationStore {
  constructor(
    @InjectFitbitRepository(PendingRevocation) private readonly rows: Repository<PendingRevocation>,
    private readonly cipher: TokenCipher,
    private readonly links: UserLinkStore,
  ) {}

  /** Copies the link's tokens into a new pending row, due at `dueAt`. Call before deleting the link. */
  async record(link: UserFitbit, steps: WithdrawalSteps, dueAt: number = Date.now()): Promise<PendingRevocation> {
    const owner = { userId: link.userId, provider: link.provider, providerUserId: link.providerUserId };
    return this.rows.save(
      this.rows.create({
        ...owner,
        ...this.cipher.sealPair(TABLE, owner, { accessToken: this.links.accessToken(link), refreshToken: this.links.refreshToken(link) }),
        expiresAt: link.expiresAt,
        unsubscribe: steps.unsubscribe,
        revoke: steps.revoke,
        attempts: 0,
        nextAttemptAt: dueAt,
        createdAt: Date.now(),
      }),
    );
  }

  findById(id: number): Promise<PendingRevocation | null> {
    return this.rows.findOneBy({ id });
  }

  findDue(now: number): Promise<PendingRevocation[]> {
    return this.rows.find({ where: { nextAttemptAt: LessThanOrEqual(now) }, order: { id: 'ASC' } });
  }

  findAll(): Promise<PendingRevocation[]> {
    return this.rows.find({ order: { id: 'ASC' } });
  }

  /**
   * Takes the row for one attempt when it is due: moves `nextAttemptAt` to the end of a lease (so
   * no other process attempts it meanwhile) and counts the attempt. Null when it is gone or not due.
   */
  async claim(id: number, now: number, leaseMs: number): Promise<PendingRevocation | null> {
    const result = await this.rows
      .createQueryBuilder()
      .update(PendingRevocation)
      .set({ nextAttemptAt: now + leaseMs, attempts: () => 'attempts + 1' })
      .where('id = :id', { id })
      .andWhere('next_attempt_at <= :now', { now })
      .execute();
    return (result.affected ?? 0) > 0 ? this.findById(id) : null;
  }

  async reschedule(id: number, at: number): Promise<void> {
    await this.rows.update({ id }, { nextAttemptAt: at });
  }

  async markUnsubscribed(id: number): Promise<void> {
    await this.rows.update({ id }, { unsubscribe: false });
  }

  async storeRefreshed(row: PendingRevocation, tokens: TokenSet): Promise<void> {
    await this.rows.update({ id: row.id }, { ...this.cipher.sealPair(TABLE, row, tokens), expiresAt: tokens.expiresAt });
  }

  async delete(id: number): Promise<void> {
    await this.rows.delete({ id });
  }

  accessToken(row: PendingRevocation): string {
    return this.cipher.openToken(TABLE, row, 'access_token', row.accessToken);
  }

  refreshToken(row: PendingRevocation): string {
    return this.cipher.openToken(TABLE, row, 'refresh_token', row.refreshToken);
  }

  /** As UserLinkStore.reseal: the current key, bound to the row, only if the tokens did not change meanwhile. */
  async reseal(row: PendingRevocation): Promise<boolean> {
    const resealed = this.cipher.resealPair(TABLE, row);
    if (!resealed) return false;
    const result = await this.rows.update({ id: row.id, accessToken: row.accessToken, refreshToken: row.refreshToken }, resealed);
    return (result.affected ?? 0) > 0;
  }
}
