import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Authenticated encryption (AES-256-GCM) of short strings; the output is URL-safe text. `aad`
 * (additional authenticated data) binds a sealed value to where it belongs: opened with other
 * `aad`, it does not open.
 */
export class SealedBox {
  /** Names the key without revealing it, so a sealed value says which key sealed it. */
  readonly keyId: string;

  private constructor(private readonly key: Buffer) {
    this.keyId = createHash('sha256').update('nestjs-fitbit key id').update(key).digest('base64url').slice(0, 8);
  }

  static withKey(key: Buffer): SealedBox {
    if (key.length !== 32) throw new Error('SealedBox needs a 32-byte key');
    return new SealedBox(key);
  }

  /** A key derived from a secret for one purpose, so one secret never keys two uses. */
  static derivedFrom(secret: string, purpose: string): SealedBox {
    return new SealedBox(Buffer.from(hkdfSync('sha256', secret, 'nestjs-fitbit', purpose, 32)));
  }

  /** `v1.<iv|tag|ciphertext>`: the format of the state cookie and of tokens sealed before rotation existed. */
  seal(plaintext: string, aad?: string): string {
    return `${VERSION}.${this.sealRaw(plaintext, aad)}`;
  }

  /** The plaintext, or null when the text was not sealed by this key (with this `aad`) or was altered. */
  open(sealed: string, aad?: string): string | null {
    if (!sealed.startsWith(`${VERSION}.`)) return null;
    return this.openRaw(sealed.slice(VERSION.length + 1), aad);
  }

  /** Base64url of iv, tag and ciphertext. */
  sealRaw(plaintext: string, aad?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  openRaw(payload: string, aad?: string): string | null {
    const raw = Buffer.from(payload, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  static isSealed(text: string): boolean {
    return text.startsWith(`${VERSION}.`);
  }
}
