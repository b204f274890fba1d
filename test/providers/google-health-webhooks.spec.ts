import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NotificationFormatError } from '../../lib/providers/fitbit-provider.interface.js';
import { parseGoogleHealthNotification } from '../../lib/providers/google-health/google-health-notifications.js';
import { GoogleWebhookKeys } from '../../lib/providers/google-health/google-webhook-keys.js';

/** Protobuf-encodes an EcdsaPublicKey (params P-256 / SHA-256 / DER) the way Tink serialises it. */
function ecdsaPublicKeyProto(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const bytes = (field: number, value: Buffer) => Buffer.concat([Buffer.from([(field << 3) | 2, value.length]), value]);
  const params = Buffer.from([0x08, 3, 0x10, 2, 0x18, 1]);
  const x = Buffer.concat([Buffer.from([0]), Buffer.from(jwk.x, 'base64url')]);
  return Buffer.concat([Buffer.from([0x08, 0]), bytes(2, params), bytes(3, x), bytes(4, Buffer.from(jwk.y, 'base64url'))]).toString('base64');
}

function keysetOf(keys: { id: number; publicKey: KeyObject }[]) {
  return {
    primaryKeyId: keys[0]!.id,
    key: keys.map(({ id, publicKey }) => ({
      keyData: { typeUrl: 'type.googleapis.com/google.crypto.tink.EcdsaPublicKey', value: ecdsaPublicKeyProto(publicKey), keyMaterialType: 'ASYMMETRIC_PUBLIC' },
      status: 'ENABLED',
      keyId: id,
      outputPrefixType: 'TINK',
    })),
  };
}

function tinkSignature(body: Buffer, keyId: number, privateKey: KeyObject): string {
  const prefix = Buffer.alloc(5);
  prefix[0] = 1;
  prefix.writeUInt32BE(keyId, 1);
  return Buffer.concat([prefix, sign('sha256', body, { key: privateKey, dsaEncoding: 'der' })]).toString('base64');
}

describe('Google Health webhook signatures', () => {
  const first = { id: 0x8000_0001, ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) };
  const second = { id: 42, ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) };
  const body = Buffer.from('{"data":{"healthUserId":"1","dataType":"steps"}}');

  it('accepts a Tink signature from the keyset, rejects altered bodies and other keys', async () => {
    let fetches = 0;
    const keys = new GoogleWebhookKeys(async () => {
      fetches += 1;
      return keysetOf([first]);
    });
    expect(await keys.verify(body, tinkSignature(body, first.id, first.privateKey))).toBe(true);
    expect(await keys.verify(Buffer.from(`${body} `), tinkSignature(body, first.id, first.privateKey))).toBe(false);
    expect(await keys.verify(body, tinkSignature(body, first.id, second.privateKey))).toBe(false);
    expect(await keys.verify(body, 'not base64 at all')).toBe(false);
    expect(fetches).toBe(1);
  });

  it('fetches the keyset again when a signature names an unknown key id (rotation)', async () => {
    let served = [first];
    let fetches = 0;
    const keys = new GoogleWebhookKeys(async () => {
      fetches += 1;
      return keysetOf(served);
    });
    expect(await keys.verify(body, tinkSignature(body, first.id, first.privateKey))).toBe(true);
    served = [second, first];
    expect(await keys.verify(body, tinkSignature(body, second.id, second.privateKey))).toBe(true);
    expect(fetches).toBe(2);
    expect(await keys.verify(body, tinkSignature(body, 7, second.privateKey))).toBe(false);
  });
});

describe('Google Health notification parsing', () => {
  const notification = (data: object) => Buffer.from(JSON.stringify({ data }));
  const interval = (startTime: string, endTime: string) => ({ civilIso8601TimeInterval: { startTime, endTime } });

  it('turns a steps UPSERT into the affected days of steps and tracker/steps', () => {
    const [parsed, ...rest] = parseGoogleHealthNotification(
      notification({ healthUserId: 'h1', dataType: 'steps', operation: 'UPSERT', intervals: [interval('2026-03-01T00:00:00', '2026-03-03T00:00:00')] }),
    );
    expect(rest).toEqual([]);
    expect(parsed).toEqual({ kind: 'data', providerUserId: 'h1', category: 'activities', resources: ['steps', 'tracker/steps'], dates: ['2026-03-01', '2026-03-02'], deleted: false });
  });

  it('counts a day an interval only touches, and marks DELETE', () => {
    const [parsed] = parseGoogleHealthNotification(
      notification({ healthUserId: 'h1', dataType: 'weight', operation: 'DELETE', intervals: [interval('2026-03-05T07:30:00', '2026-03-05T07:31:00')] }),
    );
    expect(parsed).toMatchObject({ category: 'body', resources: ['weight', 'bmi'], dates: ['2026-03-05'], deleted: true });
  });

  it('maps sleep to every sleep resource and ignores unknown data types', () => {
    const [sleep] = parseGoogleHealthNotification(
      notification({ healthUserId: 'h1', dataType: 'sleep', operation: 'UPSERT', intervals: [interval('2026-03-01T23:00:00', '2026-03-02T07:00:00')] }),
    );
    expect(sleep).toMatchObject({ category: 'sleep', dates: ['2026-03-01', '2026-03-02'] });
    expect((sleep as { resources: string[] }).resources).toHaveLength(7);
    expect(
      parseGoogleHealthNotification(notification({ healthUserId: 'h1', dataType: 'heart-rate', operation: 'UPSERT', intervals: [interval('2026-03-01T00:00:00', '2026-03-02T00:00:00')] })),
    ).toEqual([]);
  });

  it.each([
    ['not JSON', Buffer.from('{')],
    ['no data', Buffer.from('{}')],
    ['no user', notification({ dataType: 'steps', operation: 'UPSERT', intervals: [interval('2026-03-01T00:00:00', '2026-03-02T00:00:00')] })],
    ['an unknown operation', notification({ healthUserId: 'h', dataType: 'steps', operation: 'MERGE', intervals: [interval('2026-03-01T00:00:00', '2026-03-02T00:00:00')] })],
    ['no intervals', notification({ healthUserId: 'h', dataType: 'steps', operation: 'UPSERT', intervals: [] })],
    ['a bad date', notification({ healthUserId: 'h', dataType: 'steps', operation: 'UPSERT', intervals: [interval('2026-02-30T00:00:00', '2026-03-02T00:00:00')] })],
    ['an end before the start', notification({ healthUserId: 'h', dataType: 'steps', operation: 'UPSERT', intervals: [interval('2026-03-05T00:00:00', '2026-03-02T00:00:00')] })],
  ])('rejects %s', (_name, body) => {
    expect(() => parseGoogleHealthNotification(body)).toThrow(NotificationFormatError);
  });

  it('never asks for more than 31 days from one notice', () => {
    const [parsed] = parseGoogleHealthNotification(
      notification({ healthUserId: 'h', dataType: 'steps', operation: 'UPSERT', intervals: [interval('2020-01-01T00:00:00', '2026-01-01T00:00:00')] }),
    );
    expect((parsed as { dates: string[] }).dates).toHaveLength(31);
    expect((parsed as { dates: string[] }).dates.at(-1)).toBe('2025-12-31');
  });
});
