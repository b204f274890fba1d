import { Injectable } from '@nestjs/common';
import { FitbitConfig } from '../config/fitbit-config.js';
import { SealedBox } from './sealed-box.js';

const VERSION = 'v2';

/**
 * Where a sealed token lives: its table and column, and the row's app user and provider account.
 * Sealed with this as additional data, a value opens only there: copied into another row or column
 * (or another user's row), it does not decrypt.
 */
export interface TokenPlace {
  table: string;
  column: string;
  userId: string;
  provider: string;
  providerUserId: string;
}

export class TokenDecryptionError extends Error {}

/** The row that holds a token pair: whose tokens they are. */
export type TokenOwner = Pick<TokenPlace, 'userId' | 'provider' | 'providerUserId'>;
export type TokenColumn = 'access_token' | 'refresh_token';
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/**
 * Seals tokens at rest when token-encryption keys are configured; passes them through otherwise.
 * `v2.<key id>.<sealed>` is sealed with the key of that id and bound to its place; `v1.<sealed>`
 * (sealed before binding existed) opens with any configured key and is re-sealed by
 * `refresh-tokens --reseal` or by the next write.
 */
@Injectable()
export class TokenCipher {
  private readonly boxes: SealedBox[];

  constructor(config: FitbitConfig) {
    this.boxes = config.tokenEncryptionKeys.map((key) => SealedBox.withKey(key));
  }

  get enabled(): boolean {
    return this.boxes.length > 0;
  }

  encrypt(token: string, place: TokenPlace): string {
    const current = this.boxes[0];
    return current ? `${VERSION}.${current.keyId}.${current.sealRaw(token, placeOf(place))}` : token;
  }

  decrypt(stored: string, place: TokenPlace): string {
    if (stored.startsWith(`${VERSION}.`)) {
      const [, keyId, payload] = stored.split('.');
      const box = this.boxes.find((candidate) => candidate.keyId === keyId);
      if (!box) throw new TokenDecryptionError(`A stored ${place.column} was sealed with a key that is not in tokenEncryptionKeys`);
      const token = box.openRaw(payload ?? '', placeOf(place));
      if (token === null) throw new TokenDecryptionError(`A stored ${place.column} does not open: it was altered or belongs to another row or column`);
      return token;
    }
    if (SealedBox.isSealed(stored)) {
      for (const box of this.boxes) {
        const token = box.open(stored);
        if (token !== null) return token;
      }
      throw new TokenDecryptionError(`A stored ${place.column} cannot be decrypted with the configured tokenEncryptionKeys`);
    }
    // Stored before a key was configured.
    return stored;
  }

  /** Both tokens of a row, sealed for their columns of `table`. */
  sealPair(table: string, owner: TokenOwner, tokens: TokenPair): TokenPair {
    return {
      accessToken: this.encrypt(tokens.accessToken, { table, column: 'access_token', ...ownerOf(owner) }),
      refreshToken: this.encrypt(tokens.refreshToken, { table, column: 'refresh_token', ...ownerOf(owner) }),
    };
  }

  openToken(table: string, owner: TokenOwner, column: TokenColumn, stored: string): string {
    return this.decrypt(stored, { table, column, ...ownerOf(owner) });
  }

  /** The row's pair sealed again with the current key and bound to the row, or null when it already is. */
  resealPair(table: string, row: TokenOwner & TokenPair): TokenPair | null {
    if (!this.needsReseal(row.accessToken) && !this.needsReseal(row.refreshToken)) return null;
    return this.sealPair(table, row, {
      accessToken: this.openToken(table, row, 'access_token', row.accessToken),
      refreshToken: this.openToken(table, row, 'refresh_token', row.refreshToken),
    });
  }

  /** True when the value is not sealed, bound, with the current key (and a key is configured). */
  needsReseal(stored: string): boolean {
    const current = this.boxes[0];
    return current !== undefined && !stored.startsWith(`${VERSION}.${current.keyId}.`);
  }
}

function ownerOf(owner: TokenOwner): TokenOwner {
  return { userId: owner.userId, provider: owner.provider, providerUserId: owner.providerUserId };
}

function placeOf(place: TokenPlace): string {
  return `nestjs-fitbit|${place.table}.${place.column}|user=${place.userId}|${place.provider}:${place.providerUserId}`;
}
