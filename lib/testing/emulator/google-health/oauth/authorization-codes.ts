import { randomBytes } from 'node:crypto';
import type { EmulatorClock } from '../../core/clock.js';
import type { PkceChallenge } from '../../core/pkce.js';

const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface GoogleAuthorizationCode {
  userId: string;
  /** What the token answer grants: the consented scopes (plus earlier ones with include_granted_scopes). */
  scopes: string[];
  redirectUri: string;
  pkce: PkceChallenge | null;
  /** The exchange answers with a refresh token. */
  withRefreshToken: boolean;
  expiresAt: number;
}

/** Codes handed out by authorize: `4/0…`, valid ten minutes on the emulator clock, redeemable once. */
export class GoogleAuthorizationCodes {
  private readonly codes = new Map<string, GoogleAuthorizationCode>();

  constructor(private readonly clock: EmulatorClock) {}

  create(grant: Omit<GoogleAuthorizationCode, 'expiresAt'>): string {
    const code = `4/0${randomBytes(40).toString('base64url')}`;
    this.codes.set(code, { ...grant, scopes: [...grant.scopes], expiresAt: this.clock.now() + CODE_LIFETIME_MS });
    return code;
  }

  /** Takes the code out whatever happens next: a second attempt with the same code always fails. */
  redeem(code: string): GoogleAuthorizationCode | null {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    if (!grant || this.clock.now() >= grant.expiresAt) return null;
    return grant;
  }
}
