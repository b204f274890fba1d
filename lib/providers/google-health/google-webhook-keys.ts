import { parseTinkPublicKeyset, type TinkVerificationKey } from './tink-public-keyset.js';

const TINK_PREFIX = 0x01;
const LEGACY_PREFIX = 0x00;
const PREFIX_LENGTH = 5;
/** A signature no known key verifies fetches the keyset again at most this often: forgeries cannot make us fetch once per request. */
const DEFAULT_REFETCH_INTERVAL_MS = 60_000;
/** Standard base64 with its padding, nothing else (Buffer.from would skip any other character). */
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface GoogleWebhookKeysOptions {
  /** Where keys that cannot verify anything are reported (one line per keyset read). */
  warn?: (message: string) => void;
  now?: () => number;
  refetchIntervalMs?: number;
}

/** The signature's bytes when it is canonical base64 (the encoding of exactly those bytes), else null. */
export function strictBase64(text: string): Buffer | null {
  if (text === '' || !CANONICAL_BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

/**
 * Google's webhook signing keys: the public Tink keyset, fetched once, and again when no key we hold
 * verifies a signature (keys rotate; a RAW key names no id), but never more than once per
 * `refetchIntervalMs` for such signatures. Every key is used as its keyset entry says (algorithm,
 * hash, curve, encoding, output prefix). It caches public data only.
 */
export class GoogleWebhookKeys {
  private keys: TinkVerificationKey[] = [];
  private refusedIds = new Set<number>();
  private loaded = false;
  private loading: Promise<void> | null = null;
  private lastRefetchAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private readonly refetchIntervalMs: number;

  constructor(
    private readonly fetchKeyset: () => Promise<unknown>,
    private readonly options: GoogleWebhookKeysOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.refetchIntervalMs = options.refetchIntervalMs ?? DEFAULT_REFETCH_INTERVAL_MS;
  }

  /** Checks a base64 Tink signature over the body: TINK and LEGACY/CRUNCHY prefixes name their key; RAW keys are tried on the whole signature. */
  async verify(body: Buffer, signature: string): Promise<boolean> {
    const raw = strictBase64(signature);
    if (raw === null) return false;
    if (!this.loaded) await this.reload();
    const outcome = this.check(body, raw);
    if (outcome !== 'invalid') return outcome === 'valid';
    const now = this.now();
    if (now - this.lastRefetchAt < this.refetchIntervalMs) return false;
    this.lastRefetchAt = now;
    await this.reload();
    return this.check(body, raw) === 'valid';
  }

  /** `refused`: the signature names a key the keyset holds but nobody can verify with (logged when read). */
  private check(body: Buffer, raw: Buffer): 'valid' | 'invalid' | 'refused' {
    const prefixed = raw.length > PREFIX_LENGTH && (raw[0] === TINK_PREFIX || raw[0] === LEGACY_PREFIX) ? raw.readUInt32BE(1) : null;
    const candidates = this.keys.filter(
      (key) =>
        prefixed !== null &&
        key.keyId === prefixed &&
        (raw[0] === TINK_PREFIX ? key.outputPrefix === 'TINK' : key.outputPrefix === 'LEGACY' || key.outputPrefix === 'CRUNCHY'),
    );
    for (const key of candidates) {
      const data = key.outputPrefix === 'LEGACY' ? Buffer.concat([body, Buffer.from([0])]) : body;
      if (safely(() => key.verify(data, raw.subarray(PREFIX_LENGTH)))) return 'valid';
    }
    for (const key of this.keys) if (key.outputPrefix === 'RAW' && safely(() => key.verify(body, raw))) return 'valid';
    return prefixed !== null && candidates.length === 0 && this.refusedIds.has(prefixed) ? 'refused' : 'invalid';
  }

  private reload(): Promise<void> {
    this.loading ??= this.fetchKeyset()
      .then((keyset) => {
        const { keys, refused, refusedIds } = parseTinkPublicKeyset(keyset);
        this.keys = keys;
        this.refusedIds = refusedIds;
        this.loaded = true;
        if (refused.length > 0) this.options.warn?.(`Google webhook keyset: ${refused.length} key(s) cannot verify signatures and are ignored: ${refused.join('; ')}`);
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
