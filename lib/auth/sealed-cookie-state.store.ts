import { randomBytes } from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, Response } from 'express';
import { SealedBox } from './sealed-box.js';

export const OAUTH_STATE_COOKIE = 'fitbit_oauth';
/** The name over https: browsers accept a `__Secure-` cookie only with Secure, from a secure page. */
export const SECURE_OAUTH_STATE_COOKIE = `__Secure-${OAUTH_STATE_COOKIE}`;

/**
 * Where the cookie goes: `path` is the directory of the module's routes (the callback's), `secure`
 * whether the browser is on https. `__Host-` would need `Path=/`, which would send the cookie with
 * every request to the app; scoped to the module's path with `__Secure-` it travels only to the
 * module's routes. What `__Host-` adds (no cookie set by a sibling subdomain) is covered by sealing:
 * a cookie this module did not seal, for this signed-in user, is refused anyway.
 */
export interface StateCookieScope {
  path: string;
  secure: boolean;
}
const LIFETIME_SECONDS = 600;

export interface OAuthRequestState {
  next: string | null;
}

interface SealedState {
  handle: string;
  verifier: string;
  state: OAuthRequestState;
  userId: string;
  expiresAt: number;
}

type StoreCallback = (error: Error | null, handle?: string) => void;
type VerifyCallback = (error: Error | null, ok: string | false, state?: OAuthRequestState | { message: string }) => void;

/**
 * passport-oauth2 state store that keeps state, PKCE verifier and `next` in a sealed, HttpOnly
 * cookie: bound to this browser and this app user, readable by any app process that holds the
 * client secret, and opaque to the browser.
 */
export class SealedCookieStateStore {
  private readonly box: SealedBox;

  constructor(
    clientSecret: string,
    private readonly userIdOf: (req: Request) => string | null,
    private readonly scopeOf: (req: Request) => StateCookieScope,
  ) {
    this.box = SealedBox.derivedFrom(clientSecret, 'oauth-state-cookie');
  }

  // passport-oauth2 picks the PKCE flavour of the call by this method's arity: keep five parameters.
  store(req: Request, verifier: string, state: OAuthRequestState, _meta: unknown, callback: StoreCallback): void {
    const userId = this.userIdOf(req);
    if (userId === null) return callback(new Error('OAuth state needs a signed-in user'));
    const handle = randomBytes(24).toString('base64url');
    const sealed: SealedState = { handle, verifier, state: { next: state?.next ?? null }, userId, expiresAt: Date.now() + LIFETIME_SECONDS * 1000 };
    this.setCookie(req, this.box.seal(JSON.stringify(sealed), OAUTH_STATE_COOKIE), LIFETIME_SECONDS);
    callback(null, handle);
  }

  verify(req: Request, providedState: unknown, callback: VerifyCallback): void {
    const cookies = parseCookies(req.headers.cookie ?? '');
    const cookie = cookies[SECURE_OAUTH_STATE_COOKIE] ?? cookies[OAUTH_STATE_COOKIE];
    this.setCookie(req, '', 0);
    const opened = cookie ? this.box.open(cookie, OAUTH_STATE_COOKIE) : null;
    const sealed = opened ? (JSON.parse(opened) as SealedState) : null;
    const fails = (message: string) => callback(null, false, { message });
    if (!sealed) return fails('No authorization request is pending in this browser.');
    if (typeof providedState !== 'string' || providedState !== sealed.handle) return fails('Invalid authorization request state.');
    if (sealed.expiresAt < Date.now()) return fails('The authorization request expired.');
    if (sealed.userId !== this.userIdOf(req)) return fails('The authorization request belongs to another user.');
    callback(null, sealed.verifier, sealed.state);
  }

  private setCookie(req: Request, value: string, maxAge: number): void {
    const res = req.res as Response | undefined;
    const { path, secure } = this.scopeOf(req);
    res?.append(
      'Set-Cookie',
      serializeCookie(secure ? SECURE_OAUTH_STATE_COOKIE : OAUTH_STATE_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure, path, maxAge }),
    );
  }
}
