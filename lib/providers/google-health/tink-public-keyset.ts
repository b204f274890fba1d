import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';

const TYPE_URL = 'type.googleapis.com/google.crypto.tink.';

/** How Tink marks a signature as made by one key of a keyset. */
export type TinkOutputPrefix = 'TINK' | 'LEGACY' | 'CRUNCHY' | 'RAW';

/** One enabled key that can check signatures. */
export interface TinkVerificationKey {
  keyId: number;
  outputPrefix: TinkOutputPrefix;
  /** The key's algorithm, for log lines: `ECDSA P-256 SHA-256 DER`. */
  describe: string;
  /** Checks `signature` (without its output prefix) over `data` (LEGACY keys: already followed by 0x00). */
  verify(data: Buffer, signature: Buffer): boolean;
}

export interface ParsedTinkKeyset {
  keys: TinkVerificationKey[];
  /** Enabled keys that cannot be used, each with why: a line to log, never a silent skip. */
  refused: string[];
  /** Their ids: a signature naming one is refused without fetching the keyset again. */
  refusedIds: Set<number>;
}

interface TinkKeysetJson {
  key?: { keyId?: number; status?: string; outputPrefixType?: string; keyData?: { typeUrl?: string; value?: string } }[];
}

/** Reads the fields of a serialized protobuf message (the wire format of Tink's key protos). */
function protobufFields(bytes: Buffer): Map<number, Buffer | number> {
  const fields = new Map<number, Buffer | number>();
  let offset = 0;
  const varint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (offset >= bytes.length) throw new Error('truncated protobuf');
      const byte = bytes[offset++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (offset < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === 0) fields.set(field, varint());
    else if (wireType === 2) {
      const length = varint();
      if (offset + length > bytes.length) throw new Error('truncated protobuf');
      fields.set(field, bytes.subarray(offset, offset + length));
      offset += length;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
  return fields;
}

const bytesOf = (fields: Map<number, Buffer | number>, field: number): Buffer | null => {
  const value = fields.get(field);
  return Buffer.isBuffer(value) ? value : null;
};
const numberOf = (fields: Map<number, Buffer | number>, field: number): number => {
  const value = fields.get(field);
  return typeof value === 'number' ? value : 0;
};

/** google.crypto.tink.HashType → node's name (SHA-1 and SHA-224 are refused, as Tink refuses them for signatures). */
const HASHES: Record<number, string> = { 3: 'sha256', 2: 'sha384', 4: 'sha512' };
/** google.crypto.tink.EllipticCurveType → JWK curve and coordinate size. */
const CURVES: Record<number, { crv: string; size: number }> = { 2: { crv: 'P-256', size: 32 }, 3: { crv: 'P-384', size: 48 }, 4: { crv: 'P-521', size: 66 } };
/** google.crypto.tink.EcdsaSignatureEncoding. */
const ENCODINGS: Record<number, 'der' | 'ieee-p1363'> = { 2: 'der', 1: 'ieee-p1363' };

/** A big-endian unsigned integer as exactly `size` bytes (protobuf may carry a leading zero or fewer bytes). */
function fixedWidth(bytes: Buffer, size: number): string {
  let trimmed = bytes;
  while (trimmed.length > size && trimmed[0] === 0) trimmed = trimmed.subarray(1);
  if (trimmed.length > size) throw new Error('coordinate too long for the curve');
  return Buffer.concat([Buffer.alloc(size - trimmed.length), trimmed]).toString('base64url');
}
const unsigned = (bytes: Buffer): string => {
  let trimmed = bytes;
  while (trimmed.length > 1 && trimmed[0] === 0) trimmed = trimmed.subarray(1);
  return trimmed.toString('base64url');
};

type Verifier = Omit<TinkVerificationKey, 'keyId' | 'outputPrefix'>;

/** EcdsaPublicKey { version, params { hash_type, curve, encoding }, x, y }. */
function ecdsaVerifier(proto: Map<number, Buffer | number>): Verifier {
  const params = protobufFields(bytesOf(proto, 2) ?? Buffer.alloc(0));
  const hash = HASHES[numberOf(params, 1)];
  const curve = CURVES[numberOf(params, 2)];
  const encoding = ENCODINGS[numberOf(params, 3)];
  const x = bytesOf(proto, 3);
  const y = bytesOf(proto, 4);
  if (!hash || !curve || !encoding) throw new Error(`unsupported ECDSA parameters (hash ${numberOf(params, 1)}, curve ${numberOf(params, 2)}, encoding ${numberOf(params, 3)})`);
  if (!x || !y) throw new Error('ECDSA key without its point');
  const key = createPublicKey({ key: { kty: 'EC', crv: curve.crv, x: fixedWidth(x, curve.size), y: fixedWidth(y, curve.size) }, format: 'jwk' });
  return {
    describe: `ECDSA ${curve.crv} ${hash.toUpperCase()} ${encoding.toUpperCase()}`,
    verify: (data, signature) => verify(hash, data, { key, dsaEncoding: encoding }, signature),
  };
}

/** Ed25519PublicKey { version, key_value }. */
function ed25519Verifier(proto: Map<number, Buffer | number>): Verifier {
  const value = bytesOf(proto, 2);
  if (value?.length !== 32) throw new Error('Ed25519 key is not 32 bytes');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: value.toString('base64url') }, format: 'jwk' });
  return { describe: 'Ed25519', verify: (data, signature) => verify(null, data, key, signature) };
}

function rsaKey(proto: Map<number, Buffer | number>): KeyObject {
  const n = bytesOf(proto, 3);
  const e = bytesOf(proto, 4);
  if (!n || !e) throw new Error('RSA key without modulus or exponent');
  return createPublicKey({ key: { kty: 'RSA', n: unsigned(n), e: unsigned(e) }, format: 'jwk' });
}

/** RsaSsaPkcs1PublicKey { version, params { hash_type }, n, e }. */
function rsaPkcs1Verifier(proto: Map<number, Buffer | number>): Verifier {
  const hash = HASHES[numberOf(protobufFields(bytesOf(proto, 2) ?? Buffer.alloc(0)), 1)];
  if (!hash) throw new Error('unsupported RSA SSA PKCS1 hash');
  const key = rsaKey(proto);
  return { describe: `RSA SSA PKCS1 ${hash.toUpperCase()}`, verify: (data, signature) => verify(hash, data, key, signature) };
}

/** RsaSsaPssPublicKey { version, params { sig_hash, mgf1_hash, salt_length }, n, e }. */
function rsaPssVerifier(proto: Map<number, Buffer | number>): Verifier {
  const params = protobufFields(bytesOf(proto, 2) ?? Buffer.alloc(0));
  const hash = HASHES[numberOf(params, 1)];
  if (!hash || numberOf(params, 2) !== numberOf(params, 1)) throw new Error('unsupported RSA SSA PSS hashes (MGF1 must use the signature hash)');
  const saltLength = numberOf(params, 3);
  const key = rsaKey(proto);
  return {
    describe: `RSA SSA PSS ${hash.toUpperCase()}`,
    verify: (data, signature) => verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature),
  };
}

const VERIFIERS: Record<string, (proto: Map<number, Buffer | number>) => Verifier> = {
  [`${TYPE_URL}EcdsaPublicKey`]: ecdsaVerifier,
  [`${TYPE_URL}Ed25519PublicKey`]: ed25519Verifier,
  [`${TYPE_URL}RsaSsaPkcs1PublicKey`]: rsaPkcs1Verifier,
  [`${TYPE_URL}RsaSsaPssPublicKey`]: rsaPssVerifier,
};
const PREFIXES = new Set<TinkOutputPrefix>(['TINK', 'LEGACY', 'CRUNCHY', 'RAW']);

/**
 * The enabled public keys of a Tink JSON keyset, each with what its proto says: the algorithm (ECDSA
 * on P-256/P-384/P-521 with the hash and DER or IEEE P1363 encoding it names, Ed25519, RSA SSA PKCS1
 * or PSS) and its output prefix (TINK, LEGACY, CRUNCHY, RAW). Enabled keys that cannot verify
 * anything are listed in `refused` with the reason.
 */
export function parseTinkPublicKeyset(keyset: unknown): ParsedTinkKeyset {
  const keys: TinkVerificationKey[] = [];
  const refused: string[] = [];
  const refusedIds = new Set<number>();
  for (const entry of (keyset as TinkKeysetJson | null)?.key ?? []) {
    if (entry?.status !== 'ENABLED') continue;
    const keyId = typeof entry.keyId === 'number' ? entry.keyId >>> 0 : null;
    const typeUrl = entry.keyData?.typeUrl ?? '(no type)';
    const outputPrefix = entry.outputPrefixType as TinkOutputPrefix;
    const refuse = (why: string) => {
      refused.push(`key ${keyId ?? '(no id)'} (${typeUrl.replace(TYPE_URL, '')}, ${entry.outputPrefixType ?? 'no prefix type'}): ${why}`);
      if (keyId !== null) refusedIds.add(keyId);
    };
    if (keyId === null) {
      refuse('no key id');
      continue;
    }
    if (!PREFIXES.has(outputPrefix)) {
      refuse('unknown output prefix type');
      continue;
    }
    const build = VERIFIERS[typeUrl];
    if (!build) {
      refuse('not a signature key type this module can verify');
      continue;
    }
    try {
      keys.push({ keyId, outputPrefix, ...build(protobufFields(Buffer.from(entry.keyData?.value ?? '', 'base64'))) });
    } catch (error) {
      refuse((error as Error).message);
    }
  }
  return { keys, refused, refusedIds };
}
