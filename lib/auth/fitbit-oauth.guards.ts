import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AuthGuard, type AuthGuardAuthenticateOptions } from '@nestjs/passport';
import type { Request } from 'express';
import { ConnectRefusedError, type ConnectFailureReason } from './connect-failure.js';
import { FITBIT_STRATEGY, type FitbitAuthorization } from './fitbit-oauth.strategy.js';
import { OriginPolicy, UntrustedOriginError } from './origin-policy.js';
import { safeNextPath } from './safe-next-path.js';
import type { OAuthRequestState } from './sealed-cookie-state.store.js';
import { RedactingLogger } from '../logging/redacting-logger.js';

export const AUTHORIZATION_PROPERTY = 'fitbitAuthorization';
/** Why the callback failed, when `AUTHORIZATION_PROPERTY` is null. */
export const AUTHORIZATION_FAILURE_PROPERTY = 'fitbitAuthorizationFailure';

export type RequestWithAuthorization = Request & {
  [AUTHORIZATION_PROPERTY]?: FitbitAuthorization | null;
  [AUTHORIZATION_FAILURE_PROPERTY]?: ConnectFailureReason;
};

/** The callback's `error` parameter (RFC 6749 §4.1.2.1) as a reason: a person saying no, or scopes the provider would not grant. */
function reasonOfCallbackError(error: unknown): ConnectFailureReason {
  if (error === 'access_denied') return 'cancelled';
  if (error === 'invalid_scope') return 'missing-scopes';
  return 'exchange-failed';
}

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
      req[AUTHORIZATION_FAILURE_PROPERTY] = reasonOfCallbackError(req.query.error);
      this.logger.warn(`Callback without an authorization code (${req[AUTHORIZATION_FAILURE_PROPERTY]})`);
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

  /**
   * passport's verdict. An error is the exchange (or the identity call) failing, or the module
   * refusing the grant; no error and no authorization is the state check failing.
   */
  override handleRequest<T>(error: unknown, authorization: T, info: unknown, context?: ExecutionContext): T {
    if (error || !authorization) {
      const why = error instanceof Error ? error.message : ((info as { message?: string } | undefined)?.message ?? 'refused');
      // passport-oauth2 wraps what the exchange failed with as `oauthError`.
      const refused = [error, (error as { oauthError?: unknown } | null)?.oauthError].find((cause) => cause instanceof ConnectRefusedError) as ConnectRefusedError | undefined;
      const reason: ConnectFailureReason = refused ? refused.reason : error ? 'exchange-failed' : 'state-expired';
      const req = context?.switchToHttp().getRequest<RequestWithAuthorization>();
      if (req) req[AUTHORIZATION_FAILURE_PROPERTY] = reason;
      this.logger.warn(`Authorization failed (${reason}): ${why}`);
      return null as T;
    }
    return authorization;
  }
}
