import { createPublicKey, type KeyObject } from 'node:crypto';

const ECDSA_PUBLIC_KEY_TYPE = 'type.googleapis.com/google.crypto.tink.EcdsaPublicKey';

interface TinkKeysetJson {
  key?: { keyId?: number; status?: string; keyData?: { typeUrl?: string; value?: string } }[];
}

/** Reads the fields of a serialized protobuf message (enough of the wire format for EcdsaPublicKey). */
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
      fields.set(field, bytes.subarray(offset, offset + length));
      offset += length;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
  return fields;
}

/** A big-endian coordinate as exactly 32 bytes (protobuf may carry a leading zero or fewer bytes). */
function coordinate(bytes: Buffer): string {
  const trimmed = bytes.subarray(Math.max(0, bytes.length - 32));
  return Buffer.concat([Buffer.alloc(32 - trimmed.length), trimmed]).toString('base64url');
}

/** The enabled ECDSA P-256 public keys of a Tink JSON keyset, by key id. */
export function parseTinkPublicKeyset(keyset: unknown): Map<number, KeyObject> {
  const keys = new Map<number, KeyObject>();
  for (const entry of (keyset as TinkKeysetJson | null)?.key ?? []) {
    if (entry.status !== 'ENABLED' || entry.keyData?.typeUrl !== ECDSA_PUBLIC_KEY_TYPE || typeof entry.keyId !== 'number') continue;
    const fields = protobufFields(Buffer.from(entry.keyData.value ?? '', 'base64'));
    const x = fields.get(3);
    const y = fields.get(4);
    if (!Buffer.isBuffer(x) || !Buffer.isBuffer(y)) continue;
    keys.set(entry.keyId >>> 0, createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: coordinate(x), y: coordinate(y) }, format: 'jwk' }));
  }
  return keys;
}
