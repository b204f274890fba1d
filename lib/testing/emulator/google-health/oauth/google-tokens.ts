import { randomBytes } from 'node:crypto';
import type { EmulatorClock } from '../../core/clock.js';

/** Google's access tokens live an hour; the token answer says 3599 s. */
export const ACCESS_TOKEN_LIFETIME_MS = 3_600_000;
export const EXPIRES_IN_SECONDS = 3599;

/** What a user has granted the app: revoking any of its tokens ends it (and every token of it). */
export interface GoogleGrant {
  userId: string;
  /** Every scope granted so far (what include_granted_scopes adds back). */
  scopes: string[];
  ended: boolean;
  /** At least one refresh token was issued for the grant. */
  hasRefreshToken: boolean;
}

interface AccessRecord {
  grant: GoogleGrant;
  scopes: string[];
  expiresAt: number;
}

interface RefreshRecord {
  grant: GoogleGrant;
  scopes: string[];
}

export interface IssuedGoogleTokens {
  accessToken: string;
  /** Null when the authorization was not for offline access. */
  refreshToken: string | null;
  expiresAt: number;
  scopes: string[];
}

export type GoogleAccessCheck = { kind: 'valid'; userId: string; scopes: readonly string[] } | { kind: 'expired' } | { kind: 'invalid' };

/** Opaque `ya29.` access tokens of about 2 KB (clients must size columns for them). */
const newAccessToken = (): string => `ya29.a0${randomBytes(1530).toString('base64url')}`;
const newRefreshToken = (): string => `1//0${randomBytes(72).toString('base64url')}`;

/** Grants, access tokens (an hour on the emulator clock) and reusable refresh tokens. */
export class GoogleTokenStore {
  /** The live grant of each user (one app). */
  private readonly grants = new Map<string, GoogleGrant>();
  private readonly access = new Map<string, AccessRecord>();
  private readonly refresh = new Map<string, RefreshRecord>();
  private readonly refreshCounts = new Map<string, number>();
  private unattributedRefreshes = 0;

  constructor(private readonly clock: EmulatorClock) {}

  /** The user's live grant, if any. */
  liveGrant(userId: string): GoogleGrant | undefined {
    const grant = this.grants.get(userId);
    return grant && !grant.ended ? grant : undefined;
  }

  /** Tokens for a finished authorization: the grant gains the scopes; a refresh token only when asked for. */
  issue(userId: string, scopes: readonly string[], withRefreshToken: boolean): IssuedGoogleTokens {
    let grant = this.liveGrant(userId);
    if (!grant) {
      grant = { userId, scopes: [], ended: false, hasRefreshToken: false };
      this.grants.set(userId, grant);
    }
    for (const scope of scopes) if (!grant.scopes.includes(scope)) grant.scopes.push(scope);
    let refreshToken: string | null = null;
    if (withRefreshToken) {
      refreshToken = newRefreshToken();
      this.refresh.set(refreshToken, { grant, scopes: [...scopes] });
      grant.hasRefreshToken = true;
    }
    const { accessToken, expiresAt } = this.newAccess(grant, scopes);
    return { accessToken, refreshToken, expiresAt, scopes: [...scopes] };
  }

  /** A new access token for a live refresh token (which stays valid), or null. */
  refreshWith(refreshToken: string): IssuedGoogleTokens | null {
    const record = this.refresh.get(refreshToken);
    if (record) this.refreshCounts.set(record.grant.userId, (this.refreshCounts.get(record.grant.userId) ?? 0) + 1);
    else this.unattributedRefreshes++;
    if (!record || record.grant.ended) return null;
    const { accessToken, expiresAt } = this.newAccess(record.grant, record.scopes);
    return { accessToken, refreshToken: null, expiresAt, scopes: [...record.scopes] };
  }

  checkAccess(accessToken: string): GoogleAccessCheck {
    const record = this.access.get(accessToken);
    if (!record || record.grant.ended) return { kind: 'invalid' };
    if (this.clock.now() >= record.expiresAt) return { kind: 'expired' };
    return { kind: 'valid', userId: record.grant.userId, scopes: record.scopes };
  }

  /** Ends the grant the (live) token belongs to; false for unknown or already dead tokens. */
  revoke(token: string): boolean {
    const grant = this.access.get(token)?.grant ?? this.refresh.get(token)?.grant;
    if (!grant || grant.ended) return false;
    grant.ended = true;
    return true;
  }

  /** As if the user removed the app's access in their Google Account. */
  revokeUser(userId: string): void {
    const grant = this.liveGrant(userId);
    if (grant) grant.ended = true;
  }

  expireAccessTokens(userId?: string): void {
    const now = this.clock.now();
    for (const record of this.access.values()) {
      if (userId === undefined || record.grant.userId === userId) record.expiresAt = Math.min(record.expiresAt, now);
    }
  }

  refreshCalls(userId?: string): number {
    if (userId !== undefined) return this.refreshCounts.get(userId) ?? 0;
    return [...this.refreshCounts.values()].reduce((sum, count) => sum + count, this.unattributedRefreshes);
  }

  private newAccess(grant: GoogleGrant, scopes: readonly string[]): { accessToken: string; expiresAt: number } {
    const accessToken = newAccessToken();
    const expiresAt = this.clock.now() + ACCESS_TOKEN_LIFETIME_MS;
    this.access.set(accessToken, { grant, scopes: [...scopes], expiresAt });
    return { accessToken, expiresAt };
  }
}
