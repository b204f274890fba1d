import { formFields, jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorContext } from '../../emulator-mode.js';
import { fitbitAuthError } from '../fitbit-errors.js';
import { hasClientCredentials } from './basic-auth.js';
import { invalidClient } from './token-route.js';
import type { TokenStore } from './token-store.js';

/** POST /oauth2/revoke: form `token` (access or refresh) ends every token of that user; 200 even for unknown tokens. */
export function revokeRoute(context: EmulatorContext, tokens: TokenStore): Route {
  const handle = (request: EmulatorRequest): EmulatorResponse => {
    if (!hasClientCredentials(request, context.options.clientId, context.options.clientSecret)) return invalidClient();
    const token = formFields(request).get('token');
    if (!token) return fitbitAuthError(400, 'invalid_request', "Missing 'token' parameter value.");
    tokens.revoke(token);
    return jsonResponse(200, {});
  };
  return { method: 'POST', pattern: /^\/oauth2\/revoke$/, handle };
}
