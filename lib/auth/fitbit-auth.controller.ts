import { Body, Controller, Get, Inject, Optional, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FitbitConfig } from '../config/fitbit-config.js';
import { FITBIT_PROVIDER } from '../fitbit.constants.js';
import { RedactedErrorsFilter } from '../logging/redacted-errors.filter.js';
import { RedactingLogger } from '../logging/redacting-logger.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';
import { SUBSCRIPTION_CHANGE_DELAY_MS } from '../subscriptions/fitbit-job.types.js';
import { QueueUnavailableError } from '../subscriptions/queue-unavailable.error.js';
import { AnonymousUserFilter } from './anonymous-user.filter.js';
import { ConsentRefusalFilter } from './consent-refusal.filter.js';
import { connectFailureMessage, isConnectFailureReason, type ConnectFailureReason } from './connect-failure.js';
import { SameOriginIntentGuard } from './cross-site-request.js';
import { defaultErrorPage, type ErrorPageContent } from './error-page.js';
import {
  AUTHORIZATION_FAILURE_PROPERTY,
  AUTHORIZATION_PROPERTY,
  FitbitAuthorizeGuard,
  FitbitCallbackGuard,
  type RequestWithAuthorization,
} from './fitbit-oauth.guards.js';
import { grantCovers } from './granted-scopes.js';
import { LINK_JOBS, type LinkJobs } from './link-jobs.js';
import { moduleRoute } from './module-route.js';
import { safeNextPath } from './safe-next-path.js';
import { SignedInGuard } from './signed-in.guard.js';
import { SignedInUsers } from './signed-in-user.js';
import { UserLinkConflictError, UserLinkStore } from './user-link.store.js';
import { Withdrawals } from './withdrawals.service.js';

/** Django's fitbit-login, fitbit-complete, fitbit-error and fitbit-logout; each registration mounts it under its `routePrefix`. */
@Controller()
@UseGuards(SignedInGuard)
// Filters are tried last-listed first: the catch-all comes first.
@UseFilters(RedactedErrorsFilter, AnonymousUserFilter, ConsentRefusalFilter)
export class FitbitAuthController {
  private readonly logger = new RedactingLogger('FitbitAuth');

  constructor(
    private readonly config: FitbitConfig,
    private readonly users: SignedInUsers,
    private readonly links: UserLinkStore,
    private readonly withdrawals: Withdrawals,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    @Optional() @Inject(LINK_JOBS) private readonly jobs: LinkJobs | null,
  ) {}

  /** fitbit-login: for the user's own same-origin intent only; the guard redirects to the provider with state, PKCE and `next` sealed in a cookie. */
  @Get('login')
  @UseGuards(SameOriginIntentGuard, FitbitAuthorizeGuard)
  login(): void {}

  /** fitbit-complete */
  @Get('complete')
  @UseGuards(FitbitCallbackGuard)
  async complete(@Req() req: RequestWithAuthorization, @Res() res: Response): Promise<void> {
    const authorization = req[AUTHORIZATION_PROPERTY];
    const user = this.users.of(req)!;
    if (!authorization) return this.toErrorPage(req, res, req[AUTHORIZATION_FAILURE_PROPERTY] ?? 'exchange-failed');
    const { grant, identity } = authorization;
    const providerUserId = grant.providerUserId ?? identity.providerUserId;
    if (!providerUserId) return this.toErrorPage(req, res, 'exchange-failed', 'the provider named no user for the token');

    const sameAccount = [
      ...(await this.links.findByProviderUser(this.provider.name, providerUserId)),
      ...(identity.legacyUserId ? await this.links.findByProviderUser('fitbit', identity.legacyUserId) : []),
    ];
    if (sameAccount.some((link) => link.userId !== user.id)) {
      return this.toErrorPage(req, res, 'linked-elsewhere', `account ${providerUserId} is linked to another user`);
    }

    try {
      await this.links.save({
        userId: user.id,
        provider: this.provider.name,
        providerUserId,
        legacyUserId: identity.legacyUserId,
        timeZone: identity.timeZone,
        tokens: grant,
      });
    } catch (error) {
      if (error instanceof UserLinkConflictError) return this.toErrorPage(req, res, 'linked-elsewhere', `${error.message} (account ${providerUserId}, user ${user.id})`);
      throw error;
    }
    // Names the app account, so a person who was signed in to someone else's account (login CSRF) notices.
    this.flash(req, 'success', `Your Fitbit account is now connected to your account "${this.config.users.name(user.user)}" on this site.`);
    const granted = { scopes: grant.scopes.join(' ') };
    const skipped = this.config.subscribedTypes.filter((type) => this.provider.supportsType(type) && !grantCovers(granted, this.provider, type));
    if (skipped.length > 0) this.tellPartialConsent(req, skipped.length);
    if (this.jobs) {
      await this.jobs.queueConnect(providerUserId, this.config.subscribedTypes.filter((type) => grantCovers(granted, this.provider, type)));
    }
    const next = (req.authInfo as { state?: { next?: string | null } } | undefined)?.state?.next;
    res.redirect(safeNextPath(next) ?? this.config.loginRedirect);
  }

  /**
   * fitbit-error. `?reason=` (one of CONNECT_FAILURE_REASONS, set by complete/) picks what the page
   * says, in the provider's name; an `errorTemplate` view gets the same as locals.
   */
  @Get('error')
  error(@Req() req: Request, @Query('reason') reason: unknown, @Res() res: Response): void {
    const known = isConnectFailureReason(reason) ? reason : null;
    const content: ErrorPageContent = {
      reason: known,
      message: connectFailureMessage(known, this.provider.displayName),
      providerName: this.provider.displayName,
      retryUrl: moduleRoute(req, 'login'),
    };
    if (this.config.errorTemplate) return res.render(this.config.errorTemplate, content);
    res.status(200).type('html').send(defaultErrorPage(content));
  }

  /** fitbit-logout (GET, as django-fitbit; POST from a form, the recommended way): same-origin intent only. */
  @Get('logout')
  @UseGuards(SameOriginIntentGuard)
  logout(@Req() req: Request, @Query('next') next: unknown, @Res() res: Response): Promise<void> {
    return this.disconnect(req, next, res);
  }

  @Post('logout')
  @UseGuards(SameOriginIntentGuard)
  logoutByPost(@Req() req: Request, @Body() body: unknown, @Query('next') next: unknown, @Res() res: Response): Promise<void> {
    return this.disconnect(req, (body as { next?: unknown } | undefined)?.next ?? next, res);
  }

  /**
   * Records the withdrawal (sealed tokens in a pending row) before the link goes, then works it off:
   * with subscriptions a job unsubscribes, then revokes; without, the grant is revoked now. Either
   * way failures are retried with back-off until the provider confirms.
   */
  private async disconnect(req: Request, next: unknown, res: Response): Promise<void> {
    const link = await this.links.findByUser(this.users.of(req)!.id);
    if (link) {
      const delayMs = this.jobs ? SUBSCRIPTION_CHANGE_DELAY_MS : 0;
      const row = await this.withdrawals.begin(link, { unsubscribe: this.jobs !== null, revoke: true }, Date.now() + delayMs);
      let queued = false;
      if (this.jobs) {
        queued = await this.jobs.queueWithdrawal(row.id, delayMs).then(
          () => true,
          (error: unknown) => {
            if (!(error instanceof QueueUnavailableError)) throw error;
            this.logger.warn(`Withdrawal ${row.id} not queued (${error.message}): this process retries it`);
            return false;
          },
        );
      }
      if (!queued) await this.withdrawals.attemptHere(row.id, delayMs);
    }
    res.redirect(safeNextPath(next) ?? this.config.logoutRedirect);
  }

  private tellPartialConsent(req: RequestWithAuthorization, skipped: number): void {
    const text = `Only part of your data was shared at ${this.provider.displayName}: ${skipped} data type${skipped === 1 ? '' : 's'} will not be available. Connect again to share everything.`;
    this.logger.log(`User ${this.users.of(req)?.id} granted part of the scopes; ${skipped} types skipped`);
    this.flash(req, 'warning', text);
  }

  private flash(req: Request, level: string, text: string): void {
    const flash = (req as unknown as { flash?: (level: string, text: string) => void }).flash;
    if (typeof flash === 'function') flash.call(req, level, text);
  }

  private toErrorPage(req: Request, res: Response, reason: ConnectFailureReason, detail?: string): void {
    if (detail) this.logger.warn(`Connect refused: ${detail}`);
    res.redirect(`${moduleRoute(req, 'error')}?reason=${reason}`);
  }
}
