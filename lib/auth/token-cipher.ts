import { Injectable } from '@nestjs/common';
import { FitbitConfig } from '../config/fitbit-config.js';
import { SealedBox } from './sealed-box.js';

/** Seals tokens at rest when a token-encryption key is configured; passes them through otherwise. */
@Injectable()
export class TokenCipher {
  private readonly box: SealedBox | null;

  constructor(config: FitbitConfig) {
    this.box = config.tokenEncryptionKey ? SealedBox.withKey(config.tokenEncryptionKey) : null;
  }

  encrypt(token: string): string {
    return this.box ? this.box.seal(token) : token;
  }

  decrypt(stored: string): string {
    if (!this.box || !SealedBox.isSealed(stored)) return stored;
    const token = this.box.open(stored);
    if (token === null) throw new Error('A stored token cannot be decrypted with the configured tokenEncryptionKey');
    return token;
  }
}
