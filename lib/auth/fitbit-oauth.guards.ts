import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AuthGuard, type AuthGuardAuthenticateOptions } from '@nestjs/passport';
import type { Request } from 'express';
import { FITBIT_STRATEGY, type FitbitAuthorization } from './fitbit-oauth.strategy.js';
import { OriginPolicy, UntrustedOriginError } from './origin-policy.js';
import { safeNextPath } from './safe-next-path.js';
import type { OAuthRequestState } from './sealed-cookie-state.store.js';
import { RedactingLogger } from '../logging/redacting-logger.js';

export const AUTHORIZATION_PROPERTY = 'fitbitAuthorization';

export type RequestWithAuthorization = Request & { [AUTHORIZATION_PROPERTY]?: FitbitAuthorization | null };

/** The registered callback URL, or `complete/` beside the route being served on a trusted origin. */
abstract class FitbitOAuthGuard extends AuthGuard(FITBIT_STRATEGY) {
  // Property injection: AuthGuard's mixin owns the constructor.
  @Inject(OriginPolicy) protected readonly origins!: OriginPolicy;

  protected callbackUrl(req: Request): string {
    const url = this.origins.callbackUrl(req);
    if (url === null) {
      throw new UntrustedOriginError(`the request's origin ${this.origins.requestOrigin(req) ?? '(unreadable)'} is not trusted: set callbackUrl or trustedOrigins`);
    }
    return url;
  }
}

/** `login/`: redirects to the provider's consent page with state, PKCE and the safe `next`. */
@Injectable()
export class FitbitAuthorizeGuard extends FitbitOAuthGuard {
  override getAuthenticateOptions(context: ExecutionContext): AuthGuardAuthenticateOptions {
    const req = context.switchToHttp().getRequest<Request>();
    const state: OAuthRequestState = { next: safeNextPath(req.query.next) };
    // passport types `state` as a string; passport-oauth2 hands an object to the state store.
    return { session: false, state: state as unknown as string, callbackURL: this.callbackUrl(req) };
  }
}

/**
 * `complete/`: checks state and PKCE and exchanges the code. Never throws: a failed callback
 * leaves `req.fitbitAuthorization` null and the handler sends the user to the error page.
 */
@Injectable()
export class FitbitCallbackGuard extends FitbitOAuthGuard {
  private readonly logger = new RedactingLogger('FitbitOAuth');

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithAuthorization>();
    req[AUTHORIZATION_PROPERTY] = null;
    if (typeof req.query.code !== 'string' || req.query.code === '') {
      this.logger.warn('Callback without an authorization code');
      return true;
    }
    if (this.origins.callbackUrl(req) === null) {
      this.logger.warn(`Callback refused: the request's origin ${this.origins.requestOrigin(req) ?? '(unreadable)'} is not trusted`);
      return true;
    }
    return super.canActivate(context) as Promise<boolean>;
  }

  override getAuthenticateOptions(context: ExecutionContext): AuthGuardAuthenticateOptions {
    return { session: false, property: AUTHORIZATION_PROPERTY, callbackURL: this.callbackUrl(context.switchToHttp().getRequest()) };
  }

  override handleRequest<T>(error: unknown, authorization: T, info: unknown): T {
    if (error || !authorization) {
      const reason = error instanceof Error ? error.message : ((info as { message?: string } | undefined)?.message ?? 'refused');
      this.logger.warn(`Authorization failed: ${reason}`);
      return null as T;
    }
    return authorization;
  }
}
