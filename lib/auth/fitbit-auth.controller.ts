import { Controller, Get, Inject, Logger, Optional, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FitbitConfig } from '../config/fitbit-config.js';
import { FITBIT_PROVIDER } from '../fitbit.constants.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';
import { FitbitJobsProducer } from '../subscriptions/fitbit-jobs.producer.js';
import { AnonymousUserFilter } from './anonymous-user.filter.js';
import { DEFAULT_ERROR_PAGE } from './error-page.js';
import { AUTHORIZATION_PROPERTY, FitbitAuthorizeGuard, FitbitCallbackGuard, type RequestWithAuthorization } from './fitbit-oauth.guards.js';
import { grantCovers } from './granted-scopes.js';
import { moduleRoute } from './module-route.js';
import { safeNextPath } from './safe-next-path.js';
import { SignedInGuard } from './signed-in.guard.js';
import { SignedInUsers } from './signed-in-user.js';
import { UserLinkStore } from './user-link.store.js';

/** Django's fitbit-login, fitbit-complete, fitbit-error and fitbit-logout. */
@Controller('fitbit')
@UseGuards(SignedInGuard)
@UseFilters(AnonymousUserFilter)
export class FitbitAuthController {
  private readonly logger = new Logger('FitbitAuth');

  constructor(
    private readonly config: FitbitConfig,
    private readonly users: SignedInUsers,
    private readonly links: UserLinkStore,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    @Optional() @Inject(FitbitJobsProducer) private readonly jobs: FitbitJobsProducer | null,
  ) {}

  /** fitbit-login: the guard redirects to the provider with state, PKCE and `next` sealed in a cookie. */
  @Get('login')
  @UseGuards(FitbitAuthorizeGuard)
  login(): void {}

  /** fitbit-complete */
  @Get('complete')
  @UseGuards(FitbitCallbackGuard)
  async complete(@Req() req: RequestWithAuthorization, @Res() res: Response): Promise<void> {
    const authorization = req[AUTHORIZATION_PROPERTY];
    const userId = this.users.of(req)!.id;
    if (!authorization) return this.toErrorPage(req, res);
    const { grant, identity } = authorization;
    const providerUserId = grant.providerUserId ?? identity.providerUserId;
    if (!providerUserId) return this.toErrorPage(req, res, 'the provider named no user for the token');

    const sameAccount = [
      ...(await this.links.findByProviderUser(this.provider.name, providerUserId)),
      ...(identity.legacyUserId ? await this.links.findByProviderUser('fitbit', identity.legacyUserId) : []),
    ];
    if (sameAccount.some((link) => link.userId !== userId)) {
      return this.toErrorPage(req, res, `account ${providerUserId} is linked to another user`);
    }

    await this.links.save({
      userId,
      provider: this.provider.name,
      providerUserId,
      legacyUserId: identity.legacyUserId,
      timeZone: identity.timeZone,
      tokens: grant,
    });
    const granted = { scopes: grant.scopes.join(' ') };
    const skipped = this.config.subscribedTypes.filter((type) => this.provider.supportsType(type) && !grantCovers(granted, this.provider, type));
    if (skipped.length > 0) this.tellPartialConsent(req, skipped.length);
    if (this.jobs) {
      await this.jobs.queueConnect(providerUserId, this.config.subscribedTypes.filter((type) => grantCovers(granted, this.provider, type)));
    }
    const next = (req.authInfo as { state?: { next?: string | null } } | undefined)?.state?.next;
    res.redirect(safeNextPath(next) ?? this.config.loginRedirect);
  }

  /** fitbit-error */
  @Get('error')
  error(@Res() res: Response): void {
    if (this.config.errorTemplate) return res.render(this.config.errorTemplate);
    res.status(200).type('html').send(DEFAULT_ERROR_PAGE);
  }

  /** fitbit-logout: revokes the grant and forgets the link; with subscriptions the job unsubscribes, then revokes. */
  @Get('logout')
  async logout(@Req() req: Request, @Query('next') next: unknown, @Res() res: Response): Promise<void> {
    const link = await this.links.findByUser(this.users.of(req)!.id);
    if (link) {
      if (this.jobs) {
        await this.jobs.queueDisconnect(link, true);
      } else {
        await this.provider.revokeToken(this.links.refreshToken(link)).catch((error: Error) =>
          this.logger.warn(`Revoking the grant of user ${link.userId} failed: ${error.message}`),
        );
      }
      await this.links.deleteById(link.id);
    }
    res.redirect(safeNextPath(next) ?? this.config.logoutRedirect);
  }

  private tellPartialConsent(req: RequestWithAuthorization, skipped: number): void {
    const text = `Fitbit shared only part of your data: ${skipped} data type${skipped === 1 ? '' : 's'} will not be available. Connect again to share everything.`;
    this.logger.log(`User ${this.users.of(req)?.id} granted part of the scopes; ${skipped} types skipped`);
    const flash = (req as unknown as { flash?: (level: string, text: string) => void }).flash;
    if (typeof flash === 'function') flash.call(req, 'warning', text);
  }

  private toErrorPage(req: Request, res: Response, reason?: string): void {
    if (reason) this.logger.warn(`Connect refused: ${reason}`);
    res.redirect(moduleRoute(req, 'error'));
  }
}
