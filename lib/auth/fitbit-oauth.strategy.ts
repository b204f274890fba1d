import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy, type StateStore, type StrategyOptionsWithRequest } from 'passport-oauth2';
import { FitbitConfig } from '../config/fitbit-config.js';
import { FITBIT_PROVIDER } from '../fitbit.constants.js';
import type { FitbitProvider, ProviderIdentity, TokenGrant } from '../providers/fitbit-provider.interface.js';
import { OriginPolicy } from './origin-policy.js';
import { SealedCookieStateStore, type StateCookieScope } from './sealed-cookie-state.store.js';
import { ConnectRefusedError } from './connect-failure.js';
import { grantCovers } from './granted-scopes.js';
import { SignedInUsers } from './signed-in-user.js';

export const FITBIT_STRATEGY = 'fitbit';

/** What a successful callback yields: the tokens and whose they are. */
export interface FitbitAuthorization {
  grant: TokenGrant;
  identity: ProviderIdentity;
}

type OAuth2Internals = {
  _oauth2: {
    getOAuthAccessToken(
      code: string,
      params: Record<string, string>,
      callback: (error: unknown, accessToken?: string, refreshToken?: string, params?: TokenGrant) => void,
    ): void;
  };
};

/**
 * passport-oauth2 does the authorize redirect, state and PKCE; the token exchange and the
 * profile go through the configured provider, so its client and error mapping serve them too.
 */
@Injectable()
export class FitbitOAuthStrategy extends PassportStrategy(Strategy, FITBIT_STRATEGY, 6) {
  constructor(
    config: FitbitConfig,
    users: SignedInUsers,
    origins: OriginPolicy,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
  ) {
    super({
      authorizationURL: config.endpoints.authorizeUrl,
      tokenURL: config.endpoints.tokenUrl,
      clientID: config.clientId,
      clientSecret: config.clientSecret,
      scope: config.scopes,
      scopeSeparator: ' ',
      // The typings know only `pkce: boolean`; passport-oauth2 takes the method name too.
      pkce: 'S256' as unknown as boolean,
      state: true,
      store: new SealedCookieStateStore(
        config.clientSecret,
        (req) => users.of(req)?.id ?? null,
        (req) => stateCookieScope(req, origins.callbackUrl(req)),
      ) as unknown as StateStore,
      passReqToCallback: true,
    } satisfies StrategyOptionsWithRequest);
    (this as unknown as OAuth2Internals)._oauth2.getOAuthAccessToken = (code, params, callback) => {
      provider.exchangeCode(code, params.redirect_uri ?? '', params.code_verifier ?? '').then(
        (grant) => {
          // A grant for none of the types the app reads is no connection: give it back, before any other call.
          const granted = { scopes: grant.scopes.join(' ') };
          const wanted = config.subscribedTypes.filter((type) => provider.supportsType(type));
          if (grant.scopes.length > 0 && wanted.length > 0 && !wanted.some((type) => grantCovers(granted, provider, type))) {
            void provider.revokeToken(grant.refreshToken || grant.accessToken).catch(() => undefined);
            return callback(new ConnectRefusedError('missing-scopes', `the grant covers none of the ${wanted.length} data types asked for`));
          }
          callback(null, grant.accessToken, grant.refreshToken, grant);
        },
        (error: unknown) => callback(error),
      );
    };
  }

  override authorizationParams(): object {
    return this.provider.authorizationParams();
  }

  override userProfile(accessToken: string, done: (error: unknown, profile?: ProviderIdentity) => void): void {
    this.provider.fetchIdentity(accessToken).then(
      (identity) => done(null, identity),
      (error: unknown) => done(error),
    );
  }

  validate(_req: Request, _accessToken: string, _refreshToken: string, grant: TokenGrant, identity: ProviderIdentity): FitbitAuthorization {
    return { grant, identity };
  }
}

/** The callback's directory (`/fitbit/` for `/fitbit/complete/`); Secure when the request or the callback is https. */
function stateCookieScope(req: Request, callbackUrl: string | null): StateCookieScope {
  const callback = callbackUrl && URL.canParse(callbackUrl) ? new URL(callbackUrl) : null;
  const path = (callback?.pathname ?? req.path).replace(/[^/]*\/?$/, '') || '/';
  return { path, secure: req.secure || callback?.protocol === 'https:' };
}
