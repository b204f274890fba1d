import { Optional } from '@nestjs/common';
import { SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { TokenRefresher, UserLinkGoneError } from '../auth/token-refresher.js';
import { PendingRevocationStore } from '../auth/pending-revocation.store.js';
import { UserLinkStore } from '../auth/user-link.store.js';
import { Withdrawals } from '../auth/withdrawals.service.js';
import type { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import { FitbitHealth } from '../health/fitbit-health.service.js';
import { isInvalidGrant, ProviderUnavailableError } from '../providers/provider-errors.js';
import { CommandOutput } from './command-output.js';
import { RedactingLogger } from '../logging/redacting-logger.js';

export interface RefreshTokensOptions {
  /** Refresh every link, not only those whose access token has expired. */
  all?: boolean;
  /** Remove the link when its refresh token is no longer valid (`invalid_grant`). */
  deauth?: boolean;
  /** Seal every stored token again with the current key, bound to its row (after adding or rotating a key). */
  reseal?: boolean;
}

export interface RefreshTokensSummary {
  refreshed: number;
  /** Refreshes that failed, the deauthenticated links and those not tried included (as django-fitbit counts them). */
  failed: number;
  deauthenticated: number;
  /** Withdrawals of consent the provider confirmed in this run, and those still waiting for it. */
  revoked: number;
  /** Of those due, the ones the provider failed again (they stay, with back-off). */
  revocationsFailed: number;
  pendingRevocations: number;
  /** Rows whose tokens were sealed again (with `reseal`). */
  resealed: number;
  /** Set when the run stopped because the provider could not be reached: where and why. */
  unreachable?: string;
  /** Links not tried because the run stopped (counted in `failed` too). */
  notTried?: number;
}

type Outcome = 'refreshed' | 'failed' | 'deauthenticated' | 'gone' | { unreachable: string };

/** `1 token`, `2 tokens`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * django-fitbit's `refresh_tokens`: refreshes the expired tokens (every token with `--all`) one
 * link at a time. Each refresh goes through TokenRefresher's cross-process lease, so running it
 * while the app serves requests never spends a refresh token twice. Before that it works off the
 * withdrawals of consent still pending at the provider (the revoke-pending step: what a worker
 * does when subscribing), and with `--reseal` seals every stored token again with the current key.
 * Before refreshing it checks, within `startupTimeoutMs`, that the provider's token endpoint
 * answers at all, and it stops at the first refresh that gets no answer: one line names the
 * address instead of one failure per user.
 */
@Command({
  name: 'refresh-tokens',
  description:
    'Refresh the Fitbit access tokens of linked users. Without --all only the tokens that have already expired are refreshed; ' +
    'with --all every token is. Safe to run while the app runs.',
})
export class RefreshTokensCommand extends CommandRunner {
  private readonly logger = new RedactingLogger('FitbitRefreshTokens');
  private readonly output: CommandOutput;

  constructor(
    private readonly links: UserLinkStore,
    private readonly refresher: TokenRefresher,
    private readonly withdrawals: Withdrawals,
    private readonly pending: PendingRevocationStore,
    private readonly health: FitbitHealth,
    @Optional() output?: CommandOutput,
  ) {
    super();
    this.output = output ?? new CommandOutput();
  }

  @Option({ flags: '--all', description: 'refresh every token, not only the expired ones' })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--deauth', description: 'remove the Fitbit link of users whose refresh token is no longer valid' })
  parseDeauth(): boolean {
    return true;
  }

  @Option({ flags: '--reseal', description: 'seal every stored token again with the current tokenEncryptionKeys key' })
  parseReseal(): boolean {
    return true;
  }

  override async run(_params: string[], options: RefreshTokensOptions = {}): Promise<void> {
    let summary: RefreshTokensSummary;
    try {
      summary = await this.refreshTokens(options);
    } catch (error) {
      process.exitCode = 1;
      throw error;
    }
    if (summary.revoked > 0) this.output.line(`Revoked ${count(summary.revoked, 'pending grant')}`);
    if (summary.pendingRevocations > 0) this.output.line(`${count(summary.pendingRevocations, 'revocation')} still pending`);
    if (options.reseal) this.output.line(`Re-sealed the tokens of ${count(summary.resealed, 'row')}`);
    if (summary.unreachable) {
      const notTried = summary.notTried ? `; ${count(summary.notTried, 'token')} not tried` : '';
      this.output.line(`Stopped: ${summary.unreachable}${notTried}`);
    }
    this.output.line(`Successfully refreshed ${count(summary.refreshed, 'token')}`);
    if (summary.failed > 0) this.output.line(`Failed to refresh ${count(summary.failed, 'token')}`);
    if (options.deauth) this.output.line(`Deauthenticated ${count(summary.deauthenticated, 'user')}`);
    if (summary.failed > 0 || summary.revocationsFailed > 0) process.exitCode = 1;
  }

  /** Does the work of `run` without printing, for callers that want the counts. */
  async refreshTokens(options: RefreshTokensOptions = {}): Promise<RefreshTokensSummary> {
    // Re-sealing rewrites the token columns, so the links to refresh are read after it.
    const resealed = options.reseal ? await this.reseal() : 0;
    const links = await this.links.findAll(options.all ? {} : { expiredBefore: Date.now() });
    const { done, failed, pending } = await this.withdrawals.drain();
    const summary: RefreshTokensSummary = { refreshed: 0, failed: 0, deauthenticated: 0, revoked: done, revocationsFailed: failed, pendingRevocations: pending, resealed };
    if (links.length === 0) return summary;
    const tokenEndpoint = await this.health.probeProvider('token');
    if (tokenEndpoint.status !== 'up') {
      return { ...summary, failed: links.length, unreachable: tokenEndpoint.message!, notTried: links.length };
    }
    const bar = this.startProgressBar(links.length);
    // A warning written while the bar is drawn would land inside its line, so they wait for the bar to go.
    const heldWarnings: string[] = [];
    const warn = (message: string) => (bar ? heldWarnings.push(message) : this.logger.warn(message));
    try {
      for (const [index, link] of links.entries()) {
        const outcome = await this.refreshOne(link, options.deauth === true, warn);
        if (outcome === 'refreshed') summary.refreshed++;
        if (outcome === 'failed' || outcome === 'deauthenticated') summary.failed++;
        if (outcome === 'deauthenticated') summary.deauthenticated++;
        bar?.increment();
        if (typeof outcome === 'object') {
          // Every other refresh would wait the same timeout for the same silence.
          const notTried = links.length - index - 1;
          Object.assign(summary, { failed: summary.failed + 1 + notTried, unreachable: outcome.unreachable, notTried });
          break;
        }
      }
    } finally {
      bar?.stop();
      for (const message of heldWarnings) this.logger.warn(message);
    }
    return summary;
  }

  private async refreshOne(link: UserFitbit, deauth: boolean, warn: (message: string) => void): Promise<Outcome> {
    try {
      await this.refresher.refresh(link);
      return 'refreshed';
    } catch (error) {
      if (error instanceof UserLinkGoneError) {
        warn(`Skipped user ${link.userId}: their Fitbit link was removed during the run`);
        return 'gone';
      }
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof ProviderUnavailableError) return { unreachable: `the provider did not answer: ${reason}` };
      if (deauth && isInvalidGrant(error) && (await this.deauthenticate(link))) {
        warn(`Failed to refresh the Fitbit token of user ${link.userId}, removed their link: ${reason}`);
        return 'deauthenticated';
      }
      warn(`Failed to refresh the Fitbit token of user ${link.userId}: ${reason}`);
      return 'failed';
    }
  }

  private async reseal(): Promise<number> {
    let resealed = 0;
    for (const link of await this.links.findAll()) if (await this.links.reseal(link)) resealed++;
    for (const row of await this.pending.findAll()) if (await this.pending.reseal(row)) resealed++;
    return resealed;
  }

  /** Removes the link unless it changed since it failed (the user reconnected meanwhile). */
  private async deauthenticate(link: UserFitbit): Promise<boolean> {
    const current = await this.links.findById(link.id);
    if (!current || current.accessToken !== link.accessToken || current.refreshToken !== link.refreshToken) return false;
    await this.links.deleteById(link.id);
    return true;
  }

  private startProgressBar(total: number): SingleBar | null {
    const { stream } = this.output;
    if (total === 0 || stream.isTTY !== true) return null;
    const bar = new SingleBar({
      stream,
      format: 'Refreshing Fitbit tokens [{bar}] {value}/{total}',
      clearOnComplete: true,
      // Line wrapping and the cursor stay as they are, so an interrupted run leaves the terminal intact.
      linewrap: true,
      hideCursor: false,
    });
    bar.start(total, 0);
    return bar;
  }
}
