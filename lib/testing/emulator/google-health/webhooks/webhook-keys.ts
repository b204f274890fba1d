import { generateKeyPairSync, randomInt, sign, type KeyObject } from 'node:crypto';
import { bytesField, varintField } from './protobuf.js';

export type SignatureChoice = 'valid' | 'invalid' | 'none' | 'unknown-key';

/** Tink enum values (google.crypto.tink HashType, EllipticCurveType, EcdsaSignatureEncoding). */
const SHA256 = 3;
const NIST_P256 = 2;
const DER = 2;
/** Tink's output prefix for OutputPrefixType.TINK. */
const TINK_PREFIX_BYTE = 0x01;

export const ECDSA_PUBLIC_KEY_TYPE_URL = 'type.googleapis.com/google.crypto.tink.EcdsaPublicKey';

interface SigningKey {
  keyId: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface TinkKeysetKey {
  keyData: { typeUrl: string; value: string; keyMaterialType: 'ASYMMETRIC_PUBLIC' };
  status: 'ENABLED';
  keyId: number;
  outputPrefixType: 'TINK';
}

export interface TinkPublicKeyset {
  primaryKeyId: number;
  key: TinkKeysetKey[];
}

/** A big-endian unsigned coordinate as Java's BigInteger writes it: a leading 0x00 when the top bit is set. */
const asTinkInteger = (bytes: Buffer): Buffer => (bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);

/** Serialized google.crypto.tink.EcdsaPublicKey { version, params { hash_type, curve, encoding }, x, y }. */
export function ecdsaPublicKeyProto(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const params = Buffer.concat([varintField(1, SHA256), varintField(2, NIST_P256), varintField(3, DER)]);
  return Buffer.concat([
    varintField(1, 0),
    bytesField(2, params),
    bytesField(3, asTinkInteger(Buffer.from(jwk.x!, 'base64url'))),
    bytesField(4, asTinkInteger(Buffer.from(jwk.y!, 'base64url'))),
  ]);
}

function newKey(taken: ReadonlySet<number>): SigningKey {
  let keyId: number;
  do keyId = randomInt(1, 2 ** 31 - 1);
  while (taken.has(keyId));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { keyId, privateKey, publicKey };
}

/** The P-256 keys notifications are signed with, published as a Tink public keyset; rotation adds a key and makes it primary. */
export class WebhookKeyRing {
  private readonly keys: SigningKey[] = [];
  private primaryKeyId = 0;

  constructor() {
    this.rotate();
  }

  /** Adds a key with a new id, makes it primary and returns its id; older keys stay in the keyset. */
  rotate(): number {
    const key = newKey(new Set(this.keys.map((k) => k.keyId)));
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
      key: this.keys.map((key) => ({
        keyData: { typeUrl: ECDSA_PUBLIC_KEY_TYPE_URL, value: ecdsaPublicKeyProto(key.publicKey).toString('base64'), keyMaterialType: 'ASYMMETRIC_PUBLIC' },
        status: 'ENABLED',
        keyId: key.keyId,
        outputPrefixType: 'TINK',
      })),
    };
  }

  /**
   * base64(0x01 || 4-byte big-endian key id || DER ECDSA-P256-SHA256 signature over the body), or null for 'none'.
   * 'invalid' signs other bytes with the primary key; 'unknown-key' signs with a key the keyset does not (yet) list.
   */
  signature(body: string | Buffer, choice: SignatureChoice): string | null {
    if (choice === 'none') return null;
    const primary = this.keys.find((key) => key.keyId === this.primaryKeyId)!;
    const key = choice === 'unknown-key' ? newKey(new Set(this.keys.map((k) => k.keyId))) : primary;
    const signed = choice === 'invalid' ? Buffer.concat([Buffer.from(body), Buffer.from(' ')]) : Buffer.from(body);
    const prefix = Buffer.alloc(5);
    prefix[0] = TINK_PREFIX_BYTE;
    prefix.writeUInt32BE(key.keyId, 1);
    return Buffer.concat([prefix, sign('sha256', signed, key.privateKey)]).toString('base64');
  }
}
