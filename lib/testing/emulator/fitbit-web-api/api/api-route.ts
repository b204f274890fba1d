import { withHeaders, type EmulatorRequest, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorUser, UserRegistry } from '../../core/users.js';
import { fitbitAuthError, fitbitError } from '../fitbit-errors.js';
import type { TokenStore } from '../oauth/token-store.js';
import { rateLimitHeaders, type RateLimiter } from './rate-limiter.js';

/** Who is calling: the token's user and the scopes granted to it. */
export interface ApiCaller {
  user: EmulatorUser;
  scopes: readonly string[];
}

export type ApiHandler = (request: EmulatorRequest, match: RegExpExecArray, caller: ApiCaller) => EmulatorResponse;

export interface ApiGuard {
  tokens: TokenStore;
  rateLimiter: RateLimiter;
  users: UserRegistry;
}

/** A Web API route: Bearer authentication, then the hourly rate limit, then the handler; rate-limit headers on every answer. */
export function apiRoute(guard: ApiGuard, method: string, pattern: RegExp, handler: ApiHandler): Route {
  const handle = (request: EmulatorRequest, match: RegExpExecArray): EmulatorResponse => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!bearer) {
      return fitbitAuthError(401, 'invalid_client', 'Authorization header required. Send "Authorization: Bearer <access token>".');
    }
    const access = guard.tokens.checkAccess(bearer[1]!);
    if (access.kind === 'expired') return fitbitAuthError(401, 'expired_token', `Access token expired: ${bearer[1]}.`);
    const user = access.kind === 'valid' ? guard.users.find(access.grant.userId) : undefined;
    if (access.kind === 'invalid' || !user) return fitbitAuthError(401, 'invalid_token', `Access token invalid: ${bearer[1]}.`);

    const rate = guard.rateLimiter.hit(user.id);
    const headers = rateLimitHeaders(rate);
    if (rate.exceeded) {
      return fitbitError(429, 'system', 'Too Many Requests', { headers: { ...headers, 'retry-after': String(rate.resetSeconds) } });
    }
    return withHeaders(handler(request, match, { user, scopes: access.grant.scopes }), headers);
  };
  return { method, pattern, handle };
}

/** Checks shared by the data routes: whose data the path names, and whether the token has the scope. */
export function forbiddenFor(caller: ApiCaller, pathUserId: string, requiredScope: string | null): EmulatorResponse | null {
  if (pathUserId !== '-' && pathUserId !== caller.user.id) {
    return fitbitError(403, 'insufficient_permissions', `API client is not authorized by the user ${pathUserId} to access this resource.`);
  }
  if (requiredScope !== null && !caller.scopes.includes(requiredScope)) {
    return fitbitError(403, 'insufficient_scope', `This application does not have permission to access ${requiredScope} data.`);
  }
  return null;
}
