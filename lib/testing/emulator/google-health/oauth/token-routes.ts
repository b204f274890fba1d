import { formFields, jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorContext } from '../../emulator-mode.js';
import { oauthError } from '../google-errors.js';
import type { GoogleAuthorizationCodes } from './authorization-codes.js';
import { checkClient } from './client-auth.js';
import { EXPIRES_IN_SECONDS, type GoogleTokenStore, type IssuedGoogleTokens } from './google-tokens.js';
import { verifierMatches } from '../../core/pkce.js';

const tokenAnswer = (issued: IssuedGoogleTokens): EmulatorResponse =>
  jsonResponse(200, {
    access_token: issued.accessToken,
    expires_in: EXPIRES_IN_SECONDS,
    ...(issued.refreshToken === null ? {} : { refresh_token: issued.refreshToken }),
    scope: issued.scopes.join(' '),
    token_type: 'Bearer',
  });

/** POST /token (authorization_code and refresh_token grants) and POST /revoke, as oauth2.googleapis.com answers them. */
export function googleTokenRoutes(context: EmulatorContext, codes: GoogleAuthorizationCodes, tokens: GoogleTokenStore): Route[] {
  const exchangeCode = (form: URLSearchParams): EmulatorResponse => {
    const code = form.get('code');
    if (!code) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
    const grant = codes.redeem(code);
    if (!grant) return oauthError(400, 'invalid_grant', 'Malformed auth code.');
    if (form.get('redirect_uri') !== grant.redirectUri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    if (grant.pkce !== null) {
      const verifier = form.get('code_verifier');
      if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
      if (!verifierMatches(grant.pkce, verifier)) return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    return tokenAnswer(tokens.issue(grant.userId, grant.scopes, grant.withRefreshToken));
  };

  const refresh = (form: URLSearchParams): EmulatorResponse => {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const issued = tokens.refreshWith(refreshToken);
    if (!issued) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    return tokenAnswer(issued);
  };

  const token = (request: EmulatorRequest): EmulatorResponse => {
    const form = formFields(request);
    const client = checkClient(request, form, context.options.clientId, context.options.clientSecret);
    if (client.kind === 'missing') return oauthError(400, 'invalid_request', 'Could not determine client ID from request.');
    if (client.kind === 'wrong') return oauthError(401, 'invalid_client', 'Unauthorized');
    const grantType = form.get('grant_type');
    if (!grantType) return oauthError(400, 'unsupported_grant_type', 'Invalid grant_type: ');
    if (grantType === 'authorization_code') return exchangeCode(form);
    if (grantType === 'refresh_token') return refresh(form);
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  };

  /** Takes `token` from the form (or the query); ending one token ends the whole grant. */
  const revoke = (request: EmulatorRequest): EmulatorResponse => {
    const value = formFields(request).get('token') ?? request.query.token;
    if (!value) return oauthError(400, 'invalid_request', 'Missing required parameter: token');
    if (!tokens.revoke(value)) return oauthError(400, 'invalid_token', 'Token expired or revoked');
    return jsonResponse(200, {});
  };

  return [
    { method: 'POST', pattern: /^\/token$/, handle: token },
    { method: 'POST', pattern: /^\/revoke$/, handle: revoke },
  ];
}
