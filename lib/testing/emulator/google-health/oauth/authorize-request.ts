import { isHttpUrl } from '../../core/http-url.js';
import type { ResolvedEmulatorOptions } from '../../emulator-options.js';
import { isGoogleHealthScope } from '../google-scopes.js';
import { readPkce, type PkceChallenge, type PkceProblem } from '../../core/pkce.js';

export interface GoogleAuthorizeRequest {
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  pkce: PkceChallenge | null;
  /** access_type=offline: the code exchange answers with a refresh token. */
  offline: boolean;
  /** prompt includes consent: the user is asked again (and a new refresh token issued). */
  promptConsent: boolean;
  includeGrantedScopes: boolean;
}

/** A problem Google shows on its "Access blocked" page: the OAuth error code and a sentence. */
export type GoogleAuthorizeCheck = { ok: true; request: GoogleAuthorizeRequest } | { ok: false; error: string; problem: string };

const PROMPT_VALUES = new Set(['none', 'consent', 'select_account']);


const PKCE_PROBLEMS: Record<PkceProblem, (method: string | undefined, strict: boolean) => string> = {
  missing: () => 'Missing required parameter: code_challenge',
  method: (method, strict) => `Invalid code_challenge_method: ${method ?? '(plain)'}${strict ? '; this app requires S256.' : ''}`,
  format: () => 'Invalid code_challenge: it must be 43 to 128 characters of [A-Za-z0-9-._~].',
};

/** Validates accounts.google.com/o/oauth2/v2/auth's query; any problem is an error page, never a redirect. */
export function checkGoogleAuthorizeRequest(query: Record<string, string>, options: ResolvedEmulatorOptions): GoogleAuthorizeCheck {
  const fail = (error: string, problem: string): GoogleAuthorizeCheck => ({ ok: false, error, problem });

  if (!query.client_id) return fail('invalid_request', 'Missing required parameter: client_id');
  if (query.client_id !== options.clientId) return fail('invalid_client', 'The OAuth client was not found.');

  const redirectUri = query.redirect_uri;
  if (!redirectUri) return fail('invalid_request', 'Missing required parameter: redirect_uri');
  if (!isHttpUrl(redirectUri) || (options.redirectUris && !options.redirectUris.includes(redirectUri))) {
    return fail('redirect_uri_mismatch', `The redirect URI in the request, ${redirectUri}, does not match the ones authorized for the OAuth client.`);
  }

  if (!query.response_type) return fail('invalid_request', 'Missing required parameter: response_type');
  if (query.response_type !== 'code') return fail('unsupported_response_type', `Invalid response_type: ${query.response_type}`);

  const scopes = [...new Set((query.scope ?? '').split(/\s+/).filter(Boolean))];
  if (scopes.length === 0) return fail('invalid_request', 'Missing required parameter: scope');
  const unknown = scopes.filter((scope) => !isGoogleHealthScope(scope));
  if (unknown.length > 0) return fail('invalid_scope', `Some requested scopes were invalid. {invalid=[${unknown.join(', ')}]}`);

  const accessType = query.access_type ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') return fail('invalid_request', `Invalid access_type: ${accessType}`);

  const prompts = (query.prompt ?? '').split(/\s+/).filter(Boolean);
  if (prompts.some((prompt) => !PROMPT_VALUES.has(prompt)) || (prompts.includes('none') && prompts.length > 1)) {
    return fail('invalid_request', `Invalid parameter value for prompt: ${query.prompt}`);
  }

  const includeGranted = query.include_granted_scopes;
  if (includeGranted !== undefined && includeGranted !== 'true' && includeGranted !== 'false') {
    return fail('invalid_request', `Invalid parameter value for include_granted_scopes: ${includeGranted}`);
  }

  const pkce = readPkce(query.code_challenge, query.code_challenge_method, options.requirePkce);
  if (!pkce.ok) return fail('invalid_request', PKCE_PROBLEMS[pkce.problem](pkce.method, options.requirePkce));

  return {
    ok: true,
    request: {
      redirectUri,
      scopes,
      state: query.state,
      pkce: pkce.pkce,
      offline: accessType === 'offline',
      promptConsent: prompts.includes('consent'),
      includeGrantedScopes: includeGranted === 'true',
    },
  };
}

/** The redirect back to the app: `code`, `scope` and `state` (or `error`) in the query, no fragment. */
export function redirectBack(request: GoogleAuthorizeRequest, params: Record<string, string>): string {
  const url = new URL(request.redirectUri);
  if (request.state !== undefined) url.searchParams.set('state', request.state);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
