import { isHttpUrl } from '../../core/http-url.js';
import type { ResolvedEmulatorOptions } from '../../emulator-options.js';
import { isFitbitScope } from '../fitbit-scopes.js';
import { readPkce, type PkceChallenge, type PkceProblem } from '../../core/pkce.js';

export interface AuthorizeRequest {
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  pkce: PkceChallenge | null;
}

export type AuthorizeRequestCheck = { ok: true; request: AuthorizeRequest } | { ok: false; problem: string };

const PROMPTS = new Set(['none', 'consent', 'login', 'login consent', 'consent login']);


const PKCE_PROBLEMS: Record<PkceProblem, (strict: boolean) => string> = {
  missing: (strict) => (strict ? 'The code_challenge and code_challenge_method parameters are required.' : 'The code_challenge parameter is required with code_challenge_method.'),
  method: (strict) => `The code_challenge_method parameter must be ${strict ? '"S256"' : '"S256" or "plain"'}.`,
  format: () => 'The code_challenge parameter must be 43 to 128 characters of [A-Za-z0-9-._~].',
};

/** Validates authorize's query the way Fitbit does; any problem means an error page, never a redirect. */
export function checkAuthorizeRequest(query: Record<string, string>, options: ResolvedEmulatorOptions): AuthorizeRequestCheck {
  const fail = (problem: string): AuthorizeRequestCheck => ({ ok: false, problem });

  if (!query.client_id) return fail('The client_id parameter is missing.');
  if (query.client_id !== options.clientId) return fail(`The client_id "${query.client_id}" is not a registered application.`);

  const redirectUri = query.redirect_uri ?? (options.redirectUris?.length === 1 ? options.redirectUris[0] : undefined);
  if (!redirectUri) return fail('The redirect_uri parameter is missing.');
  if (!isHttpUrl(redirectUri)) return fail('The redirect_uri parameter must be an absolute http(s) URL without a fragment.');
  if (options.redirectUris && !options.redirectUris.includes(redirectUri)) {
    return fail('The redirect_uri parameter does not match any redirect URI registered for this application.');
  }

  if (query.response_type !== 'code') return fail('The response_type parameter must be "code".');

  const scopes = [...new Set((query.scope ?? '').split(/[\s,]+/).filter(Boolean))];
  if (scopes.length === 0) return fail('The scope parameter is missing.');
  const unknown = scopes.filter((scope) => !isFitbitScope(scope));
  if (unknown.length > 0) return fail(`Unknown scope: ${unknown.join(', ')}.`);

  const pkce = readPkce(query.code_challenge, query.code_challenge_method, options.requirePkce);
  if (!pkce.ok) return fail(PKCE_PROBLEMS[pkce.problem](options.requirePkce));

  if (query.prompt !== undefined && !PROMPTS.has(query.prompt)) return fail(`The prompt value "${query.prompt}" is not supported.`);

  return { ok: true, request: { redirectUri, scopes, state: query.state, pkce: pkce.pkce } };
}

/** The redirect back to the app, with Fitbit's trailing `#_=_`. */
export function redirectBack(request: AuthorizeRequest, params: Record<string, string>): string {
  const url = new URL(request.redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (request.state !== undefined) url.searchParams.set('state', request.state);
  return `${url.toString()}#_=_`;
}
