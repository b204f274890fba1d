import { createHmac, randomBytes } from 'node:crypto';
import type { EmulatorClock } from '../../core/clock.js';

export const ACCESS_TOKEN_LIFETIME_SECONDS = 28_800;

export interface TokenGrantRecord {
  userId: string;
  scopes: string[];
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
  revoked: boolean;
  /** Spent by a refresh, or superseded because the user got a newer pair. */
  refreshDead: boolean;
}

export type AccessCheck = { kind: 'valid'; grant: TokenGrantRecord } | { kind: 'expired' } | { kind: 'invalid' };

/** Fitbit's short scope codes, as they appear inside its JWT access tokens. */
const SCOPE_CODES: Record<string, string> = {
  activity: 'ract',
  cardio_fitness: 'rcf',
  electrocardiogram: 'recg',
  heartrate: 'rhr',
  irregular_rhythm_notifications: 'rirn',
  location: 'rloc',
  nutrition: 'rnut',
  oxygen_saturation: 'rox',
  profile: 'rpro',
  respiratory_rate: 'rres',
  settings: 'rset',
  sleep: 'rsle',
  social: 'rsoc',
  temperature: 'rtem',
  weight: 'rwei',
};

/** Access and refresh tokens: access tokens expire on the emulator clock, refresh tokens work once. */
export class TokenStore {
  private readonly byAccess = new Map<string, TokenGrantRecord>();
  private readonly byRefresh = new Map<string, TokenGrantRecord>();
  private readonly signingKey = randomBytes(32);
  private readonly refreshCounts = new Map<string, number>();
  private unattributedRefreshes = 0;

  constructor(
    private readonly clock: EmulatorClock,
    private readonly clientId: string,
  ) {}

  /** A new pair; the user's older refresh tokens die (one live refresh token per user and app). */
  issue(userId: string, scopes: readonly string[]): TokenGrantRecord {
    for (const grant of this.byRefresh.values()) if (grant.userId === userId) grant.refreshDead = true;
    const accessExpiresAt = this.clock.now() + ACCESS_TOKEN_LIFETIME_SECONDS * 1000;
    const grant: TokenGrantRecord = {
      userId,
      scopes: [...scopes],
      accessToken: this.accessToken(userId, scopes, accessExpiresAt),
      refreshToken: randomBytes(32).toString('hex'),
      accessExpiresAt,
      revoked: false,
      refreshDead: false,
    };
    this.byAccess.set(grant.accessToken, grant);
    this.byRefresh.set(grant.refreshToken, grant);
    return grant;
  }

  checkAccess(accessToken: string): AccessCheck {
    const grant = this.byAccess.get(accessToken);
    if (!grant || grant.revoked) return { kind: 'invalid' };
    if (this.clock.now() >= grant.accessExpiresAt) return { kind: 'expired' };
    return { kind: 'valid', grant };
  }

  /** Spends a refresh token: a new pair, or null when the token is unknown, spent or revoked. */
  refresh(refreshToken: string): TokenGrantRecord | null {
    const grant = this.byRefresh.get(refreshToken);
    if (grant) this.refreshCounts.set(grant.userId, (this.refreshCounts.get(grant.userId) ?? 0) + 1);
    else this.unattributedRefreshes++;
    if (!grant || grant.revoked || grant.refreshDead) return null;
    grant.refreshDead = true;
    return this.issue(grant.userId, grant.scopes);
  }

  refreshCalls(userId?: string): number {
    if (userId !== undefined) return this.refreshCounts.get(userId) ?? 0;
    return [...this.refreshCounts.values()].reduce((sum, count) => sum + count, this.unattributedRefreshes);
  }

  /** Revokes every token of the user the given access or refresh token belongs to. */
  revoke(token: string): boolean {
    const grant = this.byAccess.get(token) ?? this.byRefresh.get(token);
    if (!grant) return false;
    for (const other of this.byAccess.values()) if (other.userId === grant.userId) other.revoked = true;
    return true;
  }

  expireAccessTokens(userId?: string): void {
    const now = this.clock.now();
    for (const grant of this.byAccess.values()) {
      if (userId === undefined || grant.userId === userId) grant.accessExpiresAt = Math.min(grant.accessExpiresAt, now);
    }
  }

  /** A JWT shaped and sized like Fitbit's (about 280 characters), so clients size their columns for real tokens. */
  private accessToken(userId: string, scopes: readonly string[], expiresAt: number): string {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = encode({ alg: 'HS256', typ: 'JWT' });
    const payload = encode({
      aud: this.clientId,
      sub: userId,
      iss: 'Fitbit',
      typ: 'access_token',
      scopes: scopes.map((scope) => SCOPE_CODES[scope] ?? scope).join(' '),
      exp: Math.floor(expiresAt / 1000),
      iat: Math.floor(this.clock.now() / 1000),
      jti: randomBytes(6).toString('hex'),
    });
    const signature = createHmac('sha256', this.signingKey).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }
}
