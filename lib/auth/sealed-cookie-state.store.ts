import { randomBytes } from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, Response } from 'express';
import { SealedBox } from './sealed-box.js';

export const OAUTH_STATE_COOKIE = 'fitbit_oauth';
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
  ) {
    this.box = SealedBox.derivedFrom(clientSecret, 'oauth-state-cookie');
  }

  // passport-oauth2 picks the PKCE flavour of the call by this method's arity: keep five parameters.
  store(req: Request, verifier: string, state: OAuthRequestState, _meta: unknown, callback: StoreCallback): void {
    const userId = this.userIdOf(req);
    if (userId === null) return callback(new Error('OAuth state needs a signed-in user'));
    const handle = randomBytes(24).toString('base64url');
    const sealed: SealedState = { handle, verifier, state: { next: state?.next ?? null }, userId, expiresAt: Date.now() + LIFETIME_SECONDS * 1000 };
    this.setCookie(req, this.box.seal(JSON.stringify(sealed)), LIFETIME_SECONDS);
    callback(null, handle);
  }

  verify(req: Request, providedState: unknown, callback: VerifyCallback): void {
    const cookie = parseCookies(req.headers.cookie ?? '')[OAUTH_STATE_COOKIE];
    this.setCookie(req, '', 0);
    const opened = cookie ? this.box.open(cookie) : null;
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
    res?.append(
      'Set-Cookie',
      serializeCookie(OAUTH_STATE_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge }),
    );
  }
}
