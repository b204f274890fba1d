import { formFields, jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorContext } from '../../emulator-mode.js';
import { fitbitAuthError } from '../fitbit-errors.js';
import type { AuthorizationCodes } from './authorization-codes.js';
import { hasClientCredentials } from './basic-auth.js';
import { verifierMatches } from '../../core/pkce.js';
import { ACCESS_TOKEN_LIFETIME_SECONDS, type TokenGrantRecord, type TokenStore } from './token-store.js';

const tokenAnswer = (grant: TokenGrantRecord): EmulatorResponse =>
  jsonResponse(200, {
    access_token: grant.accessToken,
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    refresh_token: grant.refreshToken,
    scope: grant.scopes.join(' '),
    token_type: 'Bearer',
    user_id: grant.userId,
  });

export const invalidClient = (): EmulatorResponse =>
  fitbitAuthError(
    401,
    'invalid_client',
    'Invalid authorization header format. The header was not recognized to be a valid header for any of known implementations or a client_id was not specified in case of a public client.',
  );

/** POST /oauth2/token: authorization_code and refresh_token grants, HTTP Basic client authentication. */
export function tokenRoute(context: EmulatorContext, codes: AuthorizationCodes, tokens: TokenStore): Route {
  const exchangeCode = (form: URLSearchParams): EmulatorResponse => {
    const code = form.get('code');
    if (!code) return fitbitAuthError(400, 'invalid_request', "Missing 'code' parameter value.");
    const grant = codes.redeem(code);
    if (!grant) return fitbitAuthError(400, 'invalid_grant', `Authorization code invalid: ${code}`);
    if (form.get('redirect_uri') !== grant.redirectUri) {
      return fitbitAuthError(400, 'invalid_grant', 'Invalid redirect_uri parameter value: it must match the one used to authorize.');
    }
    if (grant.pkce !== null) {
      const verifier = form.get('code_verifier');
      if (!verifier || !verifierMatches(grant.pkce, verifier)) {
        return fitbitAuthError(400, 'invalid_grant', 'Invalid code_verifier parameter value.');
      }
    }
    return tokenAnswer(tokens.issue(grant.userId, grant.scopes));
  };

  const refresh = (form: URLSearchParams): EmulatorResponse => {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return fitbitAuthError(400, 'invalid_request', "Missing 'refresh_token' parameter value.");
    const grant = tokens.refresh(refreshToken);
    if (!grant) return fitbitAuthError(400, 'invalid_grant', `Refresh token invalid: ${refreshToken}.`);
    return tokenAnswer(grant);
  };

  const handle = (request: EmulatorRequest): EmulatorResponse => {
    if (!hasClientCredentials(request, context.options.clientId, context.options.clientSecret)) return invalidClient();
    const form = formFields(request);
    const grantType = form.get('grant_type');
    if (!grantType) return fitbitAuthError(400, 'invalid_request', "Missing 'grant_type' parameter value.");
    if (grantType === 'authorization_code') return exchangeCode(form);
    if (grantType === 'refresh_token') return refresh(form);
    return fitbitAuthError(400, 'unsupported_grant_type', `The grant_type value "${grantType}" is not supported.`);
  };

  return { method: 'POST', pattern: /^\/oauth2\/token$/, handle };
}
