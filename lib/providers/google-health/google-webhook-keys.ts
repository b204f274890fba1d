import { verify, type KeyObject } from 'node:crypto';
import { parseTinkPublicKeyset } from './tink-public-keyset.js';

const TINK_PREFIX = 0x01;

/**
 * Google's webhook signing keys: the public keyset, fetched once and again whenever a signature
 * names a key id we do not know (keys rotate). It caches public data only.
 */
export class GoogleWebhookKeys {
  private keys = new Map<number, KeyObject>();
  private loading: Promise<void> | null = null;

  constructor(private readonly fetchKeyset: () => Promise<unknown>) {}

  /** Checks a Tink-format signature (0x01, 4-byte key id, DER ECDSA P-256 SHA-256) over the body. */
  async verify(body: Buffer, signature: string): Promise<boolean> {
    const raw = Buffer.from(signature, 'base64');
    if (raw.length < 6 || raw[0] !== TINK_PREFIX) return false;
    const keyId = raw.readUInt32BE(1);
    if (!this.keys.has(keyId)) await this.reload();
    const key = this.keys.get(keyId);
    if (!key) return false;
    try {
      return verify('sha256', body, { key, dsaEncoding: 'der' }, raw.subarray(5));
    } catch {
      return false;
    }
  }

  private reload(): Promise<void> {
    this.loading ??= this.fetchKeyset()
      .then((keyset) => {
        this.keys = parseTinkPublicKeyset(keyset);
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}
