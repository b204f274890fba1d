import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { FitbitConfig } from '../config/fitbit-config.js';
import type { PendingRevocation } from '../data/entities/pending-revocation.entity.js';
import type { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import { FITBIT_PROVIDER } from '../fitbit.constants.js';
import { describeError } from '../logging/redaction.js';
import { RedactingLogger } from '../logging/redacting-logger.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';
import { isGrantGone, ProviderUnauthorizedError } from '../providers/provider-errors.js';
import { withdrawalRetryDelayMs } from '../subscriptions/retry-policy.js';
import { PendingRevocationStore, type WithdrawalSteps } from './pending-revocation.store.js';
import { TokenRefresher } from './token-refresher.js';
import { UserLinkStore } from './user-link.store.js';

/** After this many attempts a withdrawal is no longer retried on its own: the `refresh-tokens` command drains it. */
export const MAX_WITHDRAWAL_ATTEMPTS = 25;

/**
 * done: the provider confirmed, or said the grant is gone (the row is deleted) / gone: no such row
 * (done elsewhere) / retry: failed, due again in `inMs` / not-due: another process holds it or its
 * time has not come, look again in `inMs` / stalled: failed MAX_WITHDRAWAL_ATTEMPTS times, left to the command.
 */
export type WithdrawalOutcome = { kind: 'done' | 'gone' | 'stalled' } | { kind: 'retry' | 'not-due'; inMs: number };

/**
 * Withdrawal of consent that survives a provider outage: the link's tokens are copied into a sealed
 * pending row before the link goes, and the row is worked off (unsubscribe, then revoke) until the
 * provider confirms or answers that the grant no longer exists. Any process may attempt a row; a
 * lease on it keeps two from spending a single-use refresh token twice.
 */
@Injectable()
export class Withdrawals implements OnApplicationShutdown {
  private readonly logger = new RedactingLogger('FitbitWithdrawals');
  private readonly leaseMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The jitter of the back-off; replaceable in tests. */
  random: () => number = Math.random;

  constructor(
    config: FitbitConfig,
    private readonly rows: PendingRevocationStore,
    private readonly links: UserLinkStore,
    private readonly refresher: TokenRefresher,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
  ) {
    // A refresh, the subscription calls and the revoke, each within the request timeout.
    this.leaseMs = config.requestTimeoutMs * 6;
  }

  /** Records the pending withdrawal, then deletes the link. From here on the withdrawal cannot be lost. */
  async begin(link: UserFitbit, steps: WithdrawalSteps, dueAt: number = Date.now()): Promise<PendingRevocation> {
    const row = await this.rows.record(link, steps, dueAt);
    await this.links.deleteById(link.id);
    return row;
  }

  /** One attempt at the row, if it is due and no other process holds it. Never throws for the provider's failures. */
  async attempt(id: number): Promise<WithdrawalOutcome> {
    const now = Date.now();
    const row = await this.rows.claim(id, now, this.leaseMs);
    if (!row) {
      const current = await this.rows.findById(id);
      return current ? { kind: 'not-due', inMs: Math.max(0, current.nextAttemptAt - now) } : { kind: 'gone' };
    }
    try {
      await this.withdraw(row);
    } catch (error) {
      if (!isGrantGone(error)) return this.failed(row, error);
      this.logger.log(`Withdrawal ${row.id} of user ${row.userId}: the provider says the grant is gone already`);
    }
    await this.rows.delete(row.id);
    return { kind: 'done' };
  }

  /**
   * Attempts now and keeps retrying on this process's timers while it runs. The row stays the truth:
   * if this process stops, another attempt (a job, the command) picks it up.
   */
  async attemptHere(id: number, delayMs = 0): Promise<void> {
    const run = async (): Promise<void> => {
      const outcome = await this.attempt(id).catch((error: unknown): WithdrawalOutcome => {
        this.logger.warn(`Withdrawal ${id} not attempted: ${describeError(error)}`);
        return { kind: 'retry', inMs: withdrawalRetryDelayMs(error, 3, this.random) };
      });
      if (outcome.kind === 'retry' || outcome.kind === 'not-due') this.later(run, outcome.inMs);
    };
    if (delayMs > 0) this.later(run, delayMs);
    else await run();
  }

  /** One attempt at every due row (the `refresh-tokens` command): how many ended, failed, and remain. */
  async drain(): Promise<{ done: number; failed: number; pending: number }> {
    let done = 0;
    let failed = 0;
    for (const row of await this.rows.findDue(Date.now())) {
      const outcome = await this.attempt(row.id);
      if (outcome.kind === 'done' || outcome.kind === 'gone') done++;
      if (outcome.kind === 'retry' || outcome.kind === 'stalled') failed++;
    }
    return { done, failed, pending: (await this.rows.findAll()).length };
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async withdraw(row: PendingRevocation): Promise<void> {
    let tokens = { accessToken: this.rows.accessToken(row), refreshToken: this.rows.refreshToken(row) };
    if (row.unsubscribe) {
      const refresh = async () => {
        const grant = await this.refresher.refreshDetached(tokens.refreshToken);
        tokens = { accessToken: grant.accessToken, refreshToken: grant.refreshToken || tokens.refreshToken };
        // Single-use refresh tokens: the new one is kept before anything else can fail.
        await this.rows.storeRefreshed(row, { ...grant, refreshToken: tokens.refreshToken });
      };
      if (row.expiresAt <= Date.now()) await refresh();
      try {
        await this.provider.unsubscribe(tokens.accessToken, row.providerUserId);
      } catch (error) {
        if (!(error instanceof ProviderUnauthorizedError && error.tokenExpired)) throw error;
        await refresh();
        await this.provider.unsubscribe(tokens.accessToken, row.providerUserId);
      }
      await this.rows.markUnsubscribed(row.id);
    }
    if (row.revoke) await this.provider.revokeToken(tokens.refreshToken || tokens.accessToken);
  }

  private async failed(row: PendingRevocation, error: unknown): Promise<WithdrawalOutcome> {
    const stalled = row.attempts >= MAX_WITHDRAWAL_ATTEMPTS;
    const inMs = withdrawalRetryDelayMs(error, row.attempts - 1, this.random);
    await this.rows.reschedule(row.id, Date.now() + inMs);
    const what = `Withdrawal ${row.id} of user ${row.userId} failed (attempt ${row.attempts}): ${describeError(error)}`;
    if (stalled) {
      this.logger.error(`${what}; no more automatic retries, the refresh-tokens command will try again`);
      return { kind: 'stalled' };
    }
    this.logger.warn(`${what}; next attempt in ${inMs} ms`);
    return { kind: 'retry', inMs };
  }

  private later(run: () => Promise<void>, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void run();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }
}
