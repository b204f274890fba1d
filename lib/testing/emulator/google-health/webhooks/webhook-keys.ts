import { constants, generateKeyPairSync, randomInt, sign, type KeyObject } from 'node:crypto';
import { bytesField, varintField } from './protobuf.js';

/** google-health mode: sign with the current key, sign wrongly, send no signature, or sign with a key the keyset does not hold. */
export type SignatureChoice = 'valid' | 'invalid' | 'none' | 'unknown-key';

/** How a signing key is made and published; every field follows Tink's key protos and keyset JSON. */
export interface WebhookKeySpec {
  /** Default ECDSA_P256. */
  algorithm?: 'ECDSA_P256' | 'ECDSA_P384' | 'ECDSA_P521' | 'ED25519' | 'RSA_SSA_PKCS1' | 'RSA_SSA_PSS';
  /** ECDSA and RSA: default SHA256 (P-384: SHA384, P-521: SHA512). SHA1 makes a key Tink (and the module) refuses. */
  hash?: 'SHA1' | 'SHA256' | 'SHA384' | 'SHA512';
  /** ECDSA: default DER. */
  encoding?: 'DER' | 'IEEE_P1363';
  /** Default TINK: 0x01 and the key id before the signature; LEGACY signs the body plus a 0x00 byte; RAW has no prefix. */
  outputPrefix?: 'TINK' | 'LEGACY' | 'CRUNCHY' | 'RAW';
}

/** Tink enum values (google.crypto.tink HashType, EllipticCurveType, EcdsaSignatureEncoding). */
const HASH_TYPE = { SHA1: 1, SHA384: 2, SHA256: 3, SHA512: 4 } as const;
const CURVE = { ECDSA_P256: { tink: 2, node: 'prime256v1', hash: 'SHA256' }, ECDSA_P384: { tink: 3, node: 'secp384r1', hash: 'SHA384' }, ECDSA_P521: { tink: 4, node: 'secp521r1', hash: 'SHA512' } } as const;
const ENCODING = { IEEE_P1363: 1, DER: 2 } as const;
const TYPE_URL = 'type.googleapis.com/google.crypto.tink.';
const PSS_SALT_LENGTH = 32;

export const ECDSA_PUBLIC_KEY_TYPE_URL = `${TYPE_URL}EcdsaPublicKey`;

interface SigningKey {
  keyId: number;
  spec: Required<WebhookKeySpec>;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** google-health mode: one key of the public keyset. */
export interface TinkKeysetKey {
  keyData: { typeUrl: string; value: string; keyMaterialType: 'ASYMMETRIC_PUBLIC' };
  status: 'ENABLED';
  keyId: number;
  outputPrefixType: NonNullable<WebhookKeySpec['outputPrefix']>;
}

/** google-health mode: the Tink public keyset served at `keysetUrl`, which verifies notification signatures. */
export interface TinkPublicKeyset {
  primaryKeyId: number;
  key: TinkKeysetKey[];
}

/** A big-endian unsigned integer as Java's BigInteger writes it: a leading 0x00 when the top bit is set. */
const asTinkInteger = (bytes: Buffer): Buffer => (bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const jwkBytes = (value: string | undefined) => asTinkInteger(Buffer.from(value!, 'base64url'));

function resolveSpec(spec: WebhookKeySpec): Required<WebhookKeySpec> {
  const algorithm = spec.algorithm ?? 'ECDSA_P256';
  const curveHash = algorithm in CURVE ? CURVE[algorithm as keyof typeof CURVE].hash : 'SHA256';
  return { algorithm, hash: spec.hash ?? curveHash, encoding: spec.encoding ?? 'DER', outputPrefix: spec.outputPrefix ?? 'TINK' };
}

/** The serialized public key proto and its type URL, as a Tink keyset publishes it. */
function publicKeyData(key: SigningKey): { typeUrl: string; value: Buffer } {
  const { algorithm, hash, encoding } = key.spec;
  const jwk = key.publicKey.export({ format: 'jwk' });
  if (algorithm === 'ED25519') return { typeUrl: `${TYPE_URL}Ed25519PublicKey`, value: Buffer.concat([varintField(1, 0), bytesField(2, Buffer.from(jwk.x!, 'base64url'))]) };
  if (algorithm === 'RSA_SSA_PKCS1' || algorithm === 'RSA_SSA_PSS') {
    const params =
      algorithm === 'RSA_SSA_PKCS1'
        ? varintField(1, HASH_TYPE[hash])
        : Buffer.concat([varintField(1, HASH_TYPE[hash]), varintField(2, HASH_TYPE[hash]), varintField(3, PSS_SALT_LENGTH)]);
    return {
      typeUrl: `${TYPE_URL}${algorithm === 'RSA_SSA_PKCS1' ? 'RsaSsaPkcs1PublicKey' : 'RsaSsaPssPublicKey'}`,
      value: Buffer.concat([varintField(1, 0), bytesField(2, params), bytesField(3, jwkBytes(jwk.n)), bytesField(4, jwkBytes(jwk.e))]),
    };
  }
  const params = Buffer.concat([varintField(1, HASH_TYPE[hash]), varintField(2, CURVE[algorithm].tink), varintField(3, ENCODING[encoding])]);
  return { typeUrl: ECDSA_PUBLIC_KEY_TYPE_URL, value: Buffer.concat([varintField(1, 0), bytesField(2, params), bytesField(3, jwkBytes(jwk.x)), bytesField(4, jwkBytes(jwk.y))]) };
}

/** Serialized google.crypto.tink.EcdsaPublicKey { version, params { SHA256, NIST_P256, DER }, x, y } of a P-256 key. */
export function ecdsaPublicKeyProto(publicKey: KeyObject): Buffer {
  return publicKeyData({ keyId: 0, spec: resolveSpec({}), publicKey, privateKey: publicKey }).value;
}

function newKey(taken: ReadonlySet<number>, spec: Required<WebhookKeySpec>): SigningKey {
  let keyId: number;
  do keyId = randomInt(1, 2 ** 31 - 1);
  while (taken.has(keyId));
  const pair =
    spec.algorithm === 'ED25519'
      ? generateKeyPairSync('ed25519')
      : spec.algorithm === 'RSA_SSA_PKCS1' || spec.algorithm === 'RSA_SSA_PSS'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: CURVE[spec.algorithm].node });
  return { keyId, spec, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

function rawSignature(key: SigningKey, data: Buffer): Buffer {
  const { algorithm, hash, encoding } = key.spec;
  if (algorithm === 'ED25519') return sign(null, data, key.privateKey);
  if (algorithm === 'RSA_SSA_PSS') return sign(hash.toLowerCase(), data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH });
  if (algorithm === 'RSA_SSA_PKCS1') return sign(hash.toLowerCase(), data, key.privateKey);
  return sign(hash.toLowerCase(), data, { key: key.privateKey, dsaEncoding: encoding === 'DER' ? 'der' : 'ieee-p1363' });
}

/** Tink's output: the prefix its type names, then the signature (LEGACY keys sign the data followed by 0x00). */
function tinkSignature(key: SigningKey, data: Buffer): Buffer {
  const { outputPrefix } = key.spec;
  if (outputPrefix === 'RAW') return rawSignature(key, data);
  const prefix = Buffer.alloc(5);
  prefix[0] = outputPrefix === 'TINK' ? 0x01 : 0x00;
  prefix.writeUInt32BE(key.keyId, 1);
  return Buffer.concat([prefix, rawSignature(key, outputPrefix === 'LEGACY' ? Buffer.concat([data, Buffer.from([0])]) : data)]);
}

/** The keys notifications are signed with, published as a Tink public keyset; rotation adds a key and makes it primary. */
export class WebhookKeyRing {
  private readonly keys: SigningKey[] = [];
  private primaryKeyId = 0;

  constructor() {
    this.rotate();
  }

  /** Adds a key with a new id (ECDSA P-256 SHA-256 DER, TINK prefix unless the spec says otherwise), makes it primary and returns its id; older keys stay in the keyset. */
  rotate(spec: WebhookKeySpec = {}): number {
    const key = newKey(new Set(this.keys.map((k) => k.keyId)), resolveSpec(spec));
    this.keys.push(key);
    this.primaryKeyId = key.keyId;
    return key.keyId;
  }

  get primaryId(): number {
    return this.primaryKeyId;
  }

  keyset(): TinkPublicKeyset {
    return {
      primaryKeyId: this.primaryKeyId,
      key: this.keys.map((key) => {
        const { typeUrl, value } = publicKeyData(key);
        return {
          keyData: { typeUrl, value: value.toString('base64'), keyMaterialType: 'ASYMMETRIC_PUBLIC' },
          status: 'ENABLED',
          keyId: key.keyId,
          outputPrefixType: key.spec.outputPrefix,
        };
      }),
    };
  }

  /**
   * base64 of the primary key's Tink signature over the body, or null for 'none'. 'invalid' signs
   * other bytes with the primary key; 'unknown-key' signs with a key the keyset does not (yet) list.
   */
  signature(body: string | Buffer, choice: SignatureChoice): string | null {
    if (choice === 'none') return null;
    const primary = this.keys.find((key) => key.keyId === this.primaryKeyId)!;
    const key = choice === 'unknown-key' ? newKey(new Set(this.keys.map((k) => k.keyId)), primary.spec) : primary;
    const signed = choice === 'invalid' ? Buffer.concat([Buffer.from(body), Buffer.from(' ')]) : Buffer.from(body);
    return tinkSignature(key, signed).toString('base64');
  }
}
