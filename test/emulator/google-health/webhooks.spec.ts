import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorUser, FitbitEmulator, TinkPublicKeyset } from '../../../lib/testing/index.js';
import { startGoogleEmulator } from './helpers/google-client.js';

const SECRET = 'Bearer webhook-secret-123';

interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** A subscriber: 201 to a verification carrying the secret, 401 without it; 204 to notifications. */
function startSubscriber(received: Received[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ headers: request.headers, raw });
      const body = JSON.parse(raw.toString('utf8')) as { type?: string };
      if (body.type === 'verification') response.writeHead(request.headers.authorization === SECRET ? 201 : 401).end();
      else response.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/google/webhook` })),
  );
}

/** Minimal protobuf reader: field number → list of varint numbers or byte strings. */
function readProto(bytes: Buffer): Map<number, (number | Buffer)[]> {
  const fields = new Map<number, (number | Buffer)[]>();
  let offset = 0;
  const readVarint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[offset++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (offset < bytes.length) {
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    let value: number | Buffer;
    if (wireType === 0) value = readVarint();
    else if (wireType === 2) {
      const length = readVarint();
      value = bytes.subarray(offset, offset + length);
      offset += length;
    } else throw new Error(`unexpected wire type ${wireType}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

interface DecodedKey {
  keyId: number;
  key: KeyObject;
  params: { hashType: number; curve: number; encoding: number };
  version: number;
}

/** Tink public keyset → node KeyObjects, the way a subscriber would do it. */
function decodeKeyset(keyset: TinkPublicKeyset): DecodedKey[] {
  return keyset.key.map((entry) => {
    expect(entry.keyData.typeUrl).toBe('type.googleapis.com/google.crypto.tink.EcdsaPublicKey');
    expect(entry).toMatchObject({ status: 'ENABLED', outputPrefixType: 'TINK', keyData: { keyMaterialType: 'ASYMMETRIC_PUBLIC' } });
    const proto = readProto(Buffer.from(entry.keyData.value, 'base64'));
    const params = readProto(proto.get(2)![0] as Buffer);
    const coordinate = (field: number) => {
      const raw = proto.get(field)![0] as Buffer;
      const trimmed = raw.length === 33 && raw[0] === 0 ? raw.subarray(1) : raw;
      expect(trimmed.length).toBe(32);
      return trimmed.toString('base64url');
    };
    return {
      keyId: entry.keyId,
      version: (proto.get(1)?.[0] as number | undefined) ?? 0,
      params: { hashType: params.get(1)![0] as number, curve: params.get(2)![0] as number, encoding: params.get(3)![0] as number },
      key: createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: coordinate(3), y: coordinate(4) }, format: 'jwk' }),
    };
  });
}

/** Checks base64(0x01 || key id || DER) against the keyset; the key id used, or null when no listed key fits. */
function verifySignature(keys: DecodedKey[], raw: Buffer, header: string): { keyId: number; valid: boolean } {
  const bytes = Buffer.from(header, 'base64');
  expect(bytes[0]).toBe(0x01);
  const keyId = bytes.readUInt32BE(1);
  const key = keys.find((candidate) => candidate.keyId === keyId);
  return { keyId, valid: key !== undefined && verify('sha256', raw, { key: key.key, dsaEncoding: 'der' }, bytes.subarray(5)) };
}

describe('google-health webhooks', () => {
  let emulator: FitbitEmulator;
  let user: EmulatorUser;
  let subscriber: { server: Server; url: string };
  const received: Received[] = [];

  const fetchKeyset = async () => (await (await fetch(emulator.urls.keysetUrl!)).json()) as TinkPublicKeyset;

  beforeAll(async () => {
    emulator = await startGoogleEmulator({ webhookAuthorization: SECRET });
    user = emulator.addUser({ timezone: 'Europe/Berlin' });
    subscriber = await startSubscriber(received);
  });
  afterAll(async () => {
    await emulator.stop();
    await new Promise((resolve) => subscriber.server.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
  });

  it('serves a Tink public keyset of ECDSA P-256 keys (SHA256, DER) that decodes to usable public keys', async () => {
    const keyset = await fetchKeyset();
    expect(keyset.key).toHaveLength(1);
    expect(keyset.primaryKeyId).toBe(keyset.key[0]!.keyId);
    const [decoded] = decodeKeyset(keyset);
    expect(decoded!.version).toBe(0);
    // Tink enums: HashType.SHA256 = 3, EllipticCurveType.NIST_P256 = 2, EcdsaSignatureEncoding.DER = 2.
    expect(decoded!.params).toEqual({ hashType: 3, curve: 2, encoding: 2 });
    expect(decoded!.key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('writes coordinates as Tink (Java BigInteger) does: 32 bytes, or 33 with a leading 0x00 when the top bit is set', async () => {
    const fresh = await startGoogleEmulator();
    try {
      for (let round = 0; round < 8; round++) fresh.rotateWebhookKey();
      const keyset = (await (await fetch(fresh.urls.keysetUrl!)).json()) as TinkPublicKeyset;
      expect(keyset.key).toHaveLength(9);
      for (const entry of keyset.key) {
        const proto = readProto(Buffer.from(entry.keyData.value, 'base64'));
        for (const field of [3, 4]) {
          const raw = proto.get(field)![0] as Buffer;
          if (raw.length === 33) expect(raw[0] === 0 && raw[1]! >= 0x80).toBe(true);
          else expect(raw.length === 32 && raw[0]! < 0x80).toBe(true);
        }
      }
    } finally {
      await fresh.stop();
    }
  });

  it('verifies a subscriber with two POSTs of {"type":"verification"}: 201 with the Authorization value, 401/403 without', async () => {
    const result = await emulator.verifyGoogleSubscriber(subscriber.url, SECRET);
    expect(result).toEqual({ withAuthorization: 201, withoutAuthorization: 401, verified: true });
    expect(received).toHaveLength(2);
    expect(JSON.parse(received[0]!.raw.toString())).toEqual({ type: 'verification' });
    expect(received[0]!.headers.authorization).toBe(SECRET);
    expect(received[1]!.headers.authorization).toBeUndefined();
    expect((await emulator.verifyGoogleSubscriber(subscriber.url, 'Bearer wrong')).verified).toBe(false);
  });

  it('sends a notification with the Authorization secret and a valid signature in X-HEALTHAPI-SIGNATURE', async () => {
    const notification = emulator.googleNotification(user.id, 'steps', { startDate: '2026-03-01', endDate: '2026-03-03', clientProvidedSubscriptionName: 'steps-sub' });
    expect(notification).toEqual({
      data: {
        healthUserId: user.healthUserId,
        dataType: 'steps',
        operation: 'UPSERT',
        clientProvidedSubscriptionName: 'steps-sub',
        intervals: [
          {
            civilIso8601TimeInterval: { startTime: '2026-03-01T00:00:00', endTime: '2026-03-03T00:00:00' },
            physicalTimeInterval: { startTime: '2026-02-28T23:00:00Z', endTime: '2026-03-02T23:00:00Z' },
          },
        ],
      },
    });
    const result = await emulator.sendGoogleNotification(subscriber.url, notification);
    expect(result.status).toBe(204);
    const [delivery] = received;
    expect(delivery!.headers.authorization).toBe(SECRET);
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(delivery!.raw.toString())).toEqual(notification);
    const keyset = await fetchKeyset();
    const check = verifySignature(decodeKeyset(keyset), delivery!.raw, delivery!.headers['x-healthapi-signature'] as string);
    expect(check).toEqual({ keyId: keyset.primaryKeyId, valid: true });
  });

  it('can sign in GOOGLE-HEALTH-API-SIGNATURE instead, and send any Authorization or none', async () => {
    const notification = emulator.googleNotification(user.id, 'sleep', { startDate: '2026-03-02', operation: 'DELETE' });
    await emulator.sendGoogleNotification(subscriber.url, notification, { signatureHeader: 'GOOGLE-HEALTH-API-SIGNATURE', authorization: 'Bearer other' });
    await emulator.sendGoogleNotification(subscriber.url, notification, { authorization: null });
    const [first, second] = received;
    expect(first!.headers['x-healthapi-signature']).toBeUndefined();
    expect(verifySignature(decodeKeyset(await fetchKeyset()), first!.raw, first!.headers['google-health-api-signature'] as string).valid).toBe(true);
    expect(first!.headers.authorization).toBe('Bearer other');
    expect(second!.headers.authorization).toBeUndefined();
  });

  it('sends an invalid signature, none, or one by a key the keyset does not list', async () => {
    const notification = emulator.googleNotification(user.id, 'weight', { startDate: '2026-03-02' });
    const keys = decodeKeyset(await fetchKeyset());
    await emulator.sendGoogleNotification(subscriber.url, notification, { signature: 'invalid' });
    await emulator.sendGoogleNotification(subscriber.url, notification, { signature: 'none' });
    await emulator.sendGoogleNotification(subscriber.url, notification, { signature: 'unknown-key' });
    const [invalid, none, unknown] = received;
    expect(verifySignature(keys, invalid!.raw, invalid!.headers['x-healthapi-signature'] as string)).toEqual({ keyId: keys[0]!.keyId, valid: false });
    expect(none!.headers['x-healthapi-signature']).toBeUndefined();
    expect(none!.headers['google-health-api-signature']).toBeUndefined();
    const unknownCheck = verifySignature(keys, unknown!.raw, unknown!.headers['x-healthapi-signature'] as string);
    expect(unknownCheck.valid).toBe(false);
    expect(keys.map((key) => key.keyId)).not.toContain(unknownCheck.keyId);
  });

  it('rotates: a new primary key signs, the old one stays listed; unknown-key is still outside the keyset', async () => {
    const before = await fetchKeyset();
    const newId = emulator.rotateWebhookKey();
    const after = await fetchKeyset();
    expect(after.primaryKeyId).toBe(newId);
    expect(newId).not.toBe(before.primaryKeyId);
    expect(after.key.map((key) => key.keyId)).toEqual([...before.key.map((key) => key.keyId), newId]);

    const notification = emulator.googleNotification(user.id, 'steps', { startDate: '2026-03-04' });
    await emulator.sendGoogleNotification(subscriber.url, notification);
    await emulator.sendGoogleNotification(subscriber.url, notification, { signature: 'unknown-key' });
    const [signed, unknown] = received;
    const oldKeys = decodeKeyset(before);
    const newKeys = decodeKeyset(after);
    // A subscriber holding the old keyset meets an unknown key id, re-fetches, and then verifies.
    expect(verifySignature(oldKeys, signed!.raw, signed!.headers['x-healthapi-signature'] as string)).toEqual({ keyId: newId, valid: false });
    expect(verifySignature(newKeys, signed!.raw, signed!.headers['x-healthapi-signature'] as string)).toEqual({ keyId: newId, valid: true });
    const unknownId = verifySignature(newKeys, unknown!.raw, unknown!.headers['x-healthapi-signature'] as string).keyId;
    expect(after.key.map((key) => key.keyId)).not.toContain(unknownId);
  });

  it('reports the subscriber\'s status and body', async () => {
    const failing = createServer((_request, response) => response.writeHead(500, { 'content-type': 'text/plain' }).end('boom'));
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/`;
      expect(await emulator.sendGoogleNotification(url, emulator.googleNotification(user.id, 'steps', { startDate: '2026-03-04' }))).toEqual({
        status: 500,
        body: 'boom',
      });
    } finally {
      await new Promise((resolve) => failing.close(resolve));
    }
  });
});
