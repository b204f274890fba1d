import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** Authenticated encryption (AES-256-GCM) of short strings; the output is URL-safe text. */
export class SealedBox {
  private constructor(private readonly key: Buffer) {}

  static withKey(key: Buffer): SealedBox {
    if (key.length !== 32) throw new Error('SealedBox needs a 32-byte key');
    return new SealedBox(key);
  }

  /** A key derived from a secret for one purpose, so one secret never keys two uses. */
  static derivedFrom(secret: string, purpose: string): SealedBox {
    return new SealedBox(Buffer.from(hkdfSync('sha256', secret, 'nestjs-fitbit', purpose, 32)));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The plaintext, or null when the text was not sealed by this key or was altered. */
  open(sealed: string): string | null {
    if (!sealed.startsWith(`${VERSION}.`)) return null;
    const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
    if (raw.length < 28) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  static isSealed(text: string): boolean {
    return text.startsWith(`${VERSION}.`);
  }
}
