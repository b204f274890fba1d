import type { EmulatorRequest, EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorUser, UserRegistry } from '../../core/users.js';
import { googleError } from '../google-errors.js';
import type { GoogleTokenStore } from '../oauth/google-tokens.js';
import type { MinuteRateLimiter } from './rate-limiter.js';

/** Who is calling: the token's user and the scopes granted to the token. */
export interface GoogleCaller {
  user: EmulatorUser;
  scopes: readonly string[];
}

export type GoogleApiHandler = (request: EmulatorRequest, match: RegExpExecArray, caller: GoogleCaller) => EmulatorResponse;

export interface GoogleApiGuard {
  tokens: GoogleTokenStore;
  users: UserRegistry;
  rateLimiter: MinuteRateLimiter;
  /** Users whose Google account has no Fitbit data linked. */
  notLinked: ReadonlySet<string>;
}

const safeDecode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const WWW_AUTHENTICATE = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';

export const unauthenticated = (message: string, reason: 'INVALID_AUTHENTICATOR' | 'CREDENTIALS_MISSING'): EmulatorResponse =>
  googleError(401, 'UNAUTHENTICATED', message, { reason, headers: { 'www-authenticate': WWW_AUTHENTICATE } });

/** `users/me/…` or `users/{the caller's healthUserId}/…` under /v4; group 1 of `pattern` must be that user segment. */
export const userPath = (rest: string): RegExp => new RegExp(`^\\/v4\\/users\\/([^/]+)\\/${rest}$`);

/**
 * A per-user API route: Bearer access token (401 INVALID_AUTHENTICATOR when expired or unknown), then the per-minute
 * rate limit (429 RESOURCE_EXHAUSTED with Retry-After), then the linked-account check (400 FAILED_PRECONDITION), then the handler.
 */
export function userApiRoute(guard: GoogleApiGuard, method: string, pattern: RegExp, handler: GoogleApiHandler): Route {
  const handle = (request: EmulatorRequest, match: RegExpExecArray): EmulatorResponse => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!bearer) {
      return unauthenticated(
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        'CREDENTIALS_MISSING',
      );
    }
    const access = guard.tokens.checkAccess(bearer[1]!);
    const user = access.kind === 'valid' ? guard.users.find(access.userId) : undefined;
    if (access.kind !== 'valid' || !user) {
      return unauthenticated(
        access.kind === 'expired'
          ? 'Request had invalid authentication credentials. The access token has expired.'
          : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        'INVALID_AUTHENTICATOR',
      );
    }
    const rate = guard.rateLimiter.hit(user.id);
    if (rate.exceeded) {
      return googleError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user'.", {
        reason: 'RATE_LIMIT_EXCEEDED',
        headers: { 'retry-after': String(rate.retryAfterSeconds) },
      });
    }
    if (guard.notLinked.has(user.id)) {
      return googleError(400, 'FAILED_PRECONDITION', 'The user has no Fitbit account linked to their Google account.', { reason: 'ACCOUNT_NOT_LINKED' });
    }
    const pathUser = safeDecode(match[1]!);
    if (pathUser !== 'me' && pathUser !== user.healthUserId) {
      return googleError(403, 'PERMISSION_DENIED', `The caller does not have permission to access users/${pathUser}.`);
    }
    return handler(request, match, { user, scopes: access.scopes });
  };
  return { method, pattern, handle };
}

/** 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT when the token lacks `scope`. */
export function scopeRefusal(caller: GoogleCaller, scope: string): EmulatorResponse | null {
  if (caller.scopes.includes(scope)) return null;
  return googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', { reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' });
}
