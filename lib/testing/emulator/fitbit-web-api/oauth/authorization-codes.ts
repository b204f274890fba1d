import { randomBytes } from 'node:crypto';
import type { EmulatorClock } from '../../core/clock.js';
import type { PkceChallenge } from '../../core/pkce.js';

const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface AuthorizationCode {
  userId: string;
  scopes: string[];
  redirectUri: string;
  pkce: PkceChallenge | null;
  expiresAt: number;
}

/** Codes handed out by authorize: valid ten minutes on the emulator clock, redeemable once. */
export class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCode>();

  constructor(private readonly clock: EmulatorClock) {}

  create(grant: Omit<AuthorizationCode, 'expiresAt'>): string {
    const code = randomBytes(20).toString('hex');
    this.codes.set(code, { ...grant, scopes: [...grant.scopes], expiresAt: this.clock.now() + CODE_LIFETIME_MS });
    return code;
  }

  /** Takes the code out whatever happens next: a second attempt with the same code always fails. */
  redeem(code: string): AuthorizationCode | null {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    if (!grant || this.clock.now() >= grant.expiresAt) return null;
    return grant;
  }
}
