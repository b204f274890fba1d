import { describe, expect, it } from 'vitest';
import { NotificationFormatError } from '../../lib/providers/fitbit-provider.interface.js';
import { parseGoogleHealthNotifications } from '../../lib/providers/google-health/google-health-notifications.js';
import { GoogleWebhookKeys, strictBase64 } from '../../lib/providers/google-health/google-webhook-keys.js';
import { WebhookKeyRing, type WebhookKeySpec } from '../../lib/testing/emulator/google-health/webhooks/webhook-keys.js';

const body = Buffer.from('{"data":{"healthUserId":"1","dataType":"steps"}}');

/** Keys over a ring's published keyset, counting fetches, with a clock the test moves. */
function keysOver(ring: WebhookKeyRing, options: { refetchIntervalMs?: number } = {}) {
  const state = { fetches: 0, now: 1_000_000, warnings: [] as string[] };
  const keys = new GoogleWebhookKeys(
    async () => {
      state.fetches += 1;
      return ring.keyset();
    },
    { now: () => state.now, warn: (message) => state.warnings.push(message), ...options },
  );
  return { keys, state };
}

describe('Google Health webhook signatures', () => {
  it('accepts a Tink signature from the keyset, rejects altered bodies, other keys and what is not base64', async () => {
    const ring = new WebhookKeyRing();
    const { keys, state } = keysOver(ring);
    expect(await keys.verify(body, ring.signature(body, 'valid')!)).toBe(true);
    expect(await keys.verify(Buffer.from(`${body} `), ring.signature(body, 'valid')!)).toBe(false);
    expect(await keys.verify(body, ring.signature(body, 'invalid')!)).toBe(false);
    expect(await keys.verify(body, 'not base64 at all')).toBe(false);
    // A signature no key verifies fetches the keyset once more (a key may have rotated), not once per failure.
    expect(state.fetches).toBe(2);
  });

  it.each<[string, WebhookKeySpec]>([
    ['ECDSA P-256 SHA-256 DER, TINK prefix', {}],
    ['ECDSA P-256 SHA-256 IEEE_P1363', { encoding: 'IEEE_P1363' }],
    ['ECDSA P-256 SHA-512 DER (the hash the key says, not the curve\'s)', { hash: 'SHA512' }],
    ['ECDSA P-384 SHA-384 IEEE_P1363', { algorithm: 'ECDSA_P384', encoding: 'IEEE_P1363' }],
    ['ECDSA P-521 SHA-512 DER', { algorithm: 'ECDSA_P521' }],
    ['ECDSA P-256, LEGACY prefix (signs the body and a 0x00 byte)', { outputPrefix: 'LEGACY' }],
    ['ECDSA P-256, CRUNCHY prefix', { outputPrefix: 'CRUNCHY' }],
    ['ECDSA P-256, RAW (no prefix)', { outputPrefix: 'RAW' }],
    ['Ed25519', { algorithm: 'ED25519' }],
    ['RSA SSA PKCS1 SHA-256', { algorithm: 'RSA_SSA_PKCS1' }],
    ['RSA SSA PSS SHA-256, RAW', { algorithm: 'RSA_SSA_PSS', outputPrefix: 'RAW' }],
  ])('verifies %s as the key says, and nothing else with it', async (_name, spec) => {
    const ring = new WebhookKeyRing();
    ring.rotate(spec);
    const { keys, state } = keysOver(ring);
    const signature = ring.signature(body, 'valid')!;
    expect(await keys.verify(body, signature)).toBe(true);
    expect(await keys.verify(Buffer.from(`${body} `), signature)).toBe(false);
    expect(await keys.verify(body, ring.signature(body, 'invalid')!)).toBe(false);
    expect(state.warnings).toEqual([]);
  });

  it('refuses a key it cannot verify with one clear log line, never silently, and keeps the keys it can use', async () => {
    const ring = new WebhookKeyRing();
    const usable = ring.signature(body, 'valid')!;
    ring.rotate({ hash: 'SHA1' });
    const keyset = ring.keyset();
    keyset.key.push({ ...keyset.key[0]!, keyId: 77, keyData: { ...keyset.key[0]!.keyData, typeUrl: 'type.googleapis.com/google.crypto.tink.HmacKey' } });
    const warnings: string[] = [];
    const keys = new GoogleWebhookKeys(async () => keyset, { warn: (message) => warnings.push(message) });
    expect(await keys.verify(body, ring.signature(body, 'valid')!)).toBe(false);
    expect(await keys.verify(body, usable)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/2 key\(s\) cannot verify signatures.*EcdsaPublicKey.*unsupported ECDSA parameters.*key 77 \(HmacKey, TINK\): not a signature key type/);
  });

  it('takes only canonical base64: noise around a valid signature is refused (Buffer.from would skip it)', async () => {
    const ring = new WebhookKeyRing();
    const { keys } = keysOver(ring);
    const signature = ring.signature(body, 'valid')!;
    expect(await keys.verify(body, signature)).toBe(true);
    for (const noisy of [`!${signature}!!`, ` ${signature}`, `${signature}\n`, signature.replace(/=+$/, ''), signature.replaceAll('+', '-').replaceAll('/', '_')]) {
      if (noisy === signature) continue;
      expect(await keys.verify(body, noisy), JSON.stringify(noisy)).toBe(false);
    }
    expect(strictBase64('QQ==')).toEqual(Buffer.from('A'));
    expect(strictBase64('QR==')).toBeNull();
    expect(strictBase64('')).toBeNull();
  });

  it('fetches the keyset again when a signature names an unknown key id (rotation), or a new RAW key signed it', async () => {
    const ring = new WebhookKeyRing();
    const { keys, state } = keysOver(ring);
    expect(await keys.verify(body, ring.signature(body, 'valid')!)).toBe(true);
    ring.rotate();
    expect(await keys.verify(body, ring.signature(body, 'valid')!)).toBe(true);
    expect(state.fetches).toBe(2);
    state.now += 60_000;
    ring.rotate({ outputPrefix: 'RAW' });
    expect(await keys.verify(body, ring.signature(body, 'valid')!)).toBe(true);
    expect(state.fetches).toBe(3);
  });

  it('fetches at most once per interval for unknown key ids, however many forged signatures arrive', async () => {
    const ring = new WebhookKeyRing();
    const { keys, state } = keysOver(ring, { refetchIntervalMs: 60_000 });
    expect(await keys.verify(body, ring.signature(body, 'valid')!)).toBe(true);
    for (let attempt = 0; attempt < 20; attempt++) expect(await keys.verify(body, ring.signature(body, 'unknown-key')!)).toBe(false);
    expect(state.fetches).toBe(2);
    state.now += 60_000;
    ring.rotate();
    expect(await keys.verify(body, ring.signature(body, 'valid')!)).toBe(true);
    expect(state.fetches).toBe(3);
  });
});

describe('Google Health notification parsing', () => {
  const notice = (data: object) => ({ data });
  const parse = (value: unknown) => parseGoogleHealthNotifications(Buffer.from(JSON.stringify(value)));
  const interval = (startTime: string, endTime: string) => ({ civilIso8601TimeInterval: { startTime, endTime } });
  const steps = (intervals: object[]) => notice({ healthUserId: 'h1', dataType: 'steps', operation: 'UPSERT', intervals });

  it('turns a steps UPSERT into the affected days of steps and tracker/steps', () => {
    const [parsed, ...rest] = parse(steps([interval('2026-03-01T00:00:00', '2026-03-03T00:00:00')]));
    expect(rest).toEqual([]);
    expect(parsed).toEqual({ kind: 'data', providerUserId: 'h1', category: 'activities', resources: ['steps', 'tracker/steps'], dates: ['2026-03-01', '2026-03-02'], deleted: false });
  });

  it('counts a day an interval only touches, and marks DELETE', () => {
    const [parsed] = parse(notice({ healthUserId: 'h1', dataType: 'weight', operation: 'DELETE', intervals: [interval('2026-03-05T07:30:00', '2026-03-05T07:31:00')] }));
    expect(parsed).toMatchObject({ category: 'body', resources: ['weight', 'bmi'], dates: ['2026-03-05'], deleted: true });
  });

  it('maps sleep to every sleep resource, active minutes to the minutes types, and ignores unknown data types', () => {
    const [sleep] = parse(notice({ healthUserId: 'h1', dataType: 'sleep', operation: 'UPSERT', intervals: [interval('2026-03-01T23:00:00', '2026-03-02T07:00:00')] }));
    expect(sleep).toMatchObject({ category: 'sleep', dates: ['2026-03-01', '2026-03-02'] });
    expect((sleep as { resources: string[] }).resources).toHaveLength(7);
    const [minutes] = parse(notice({ healthUserId: 'h1', dataType: 'active-minutes', operation: 'UPSERT', intervals: [interval('2026-03-01T00:00:00', '2026-03-02T00:00:00')] }));
    expect((minutes as { resources: string[] }).resources.sort()).toEqual(
      ['minutesFairlyActive', 'minutesLightlyActive', 'minutesVeryActive', 'tracker/minutesFairlyActive', 'tracker/minutesLightlyActive', 'tracker/minutesVeryActive'].sort(),
    );
    expect(parse(notice({ healthUserId: 'h1', dataType: 'heart-rate', operation: 'UPSERT', intervals: [interval('2026-03-01T00:00:00', '2026-03-02T00:00:00')] }))).toEqual([]);
  });

  it('takes a JSON array of notices', () => {
    const parsed = parse([steps([interval('2026-03-01T00:00:00', '2026-03-02T00:00:00')]), notice({ healthUserId: 'h2', dataType: 'weight', operation: 'UPSERT', intervals: [interval('2026-03-04T08:00:00', '2026-03-04T08:01:00')] })]);
    expect(parsed.map((entry) => (entry.kind === 'data' ? `${entry.providerUserId} ${entry.category} ${entry.dates.join(',')}` : ''))).toEqual(['h1 activities 2026-03-01', 'h2 body 2026-03-04']);
  });

  it('takes intervals with only physical times (as instants for the user\'s zone to date) or only a start', () => {
    const [physical] = parse(steps([{ physicalTimeInterval: { startTime: '2026-03-01T23:30:00Z', endTime: '2026-03-02T00:30:00Z' } }]));
    expect(physical).toMatchObject({ dates: [], spans: [{ start: Date.parse('2026-03-01T23:30:00Z'), end: Date.parse('2026-03-02T00:30:00Z') }] });
    const [startOnly] = parse(steps([{ civilIso8601TimeInterval: { startTime: '2026-03-03T10:00:00' } }]));
    expect(startOnly).toMatchObject({ dates: ['2026-03-03'] });
    expect(startOnly).not.toHaveProperty('spans');
    const [instantOnly] = parse(steps([{ physicalTimeInterval: { startTime: '2026-03-03T10:00:00Z' } }]));
    expect(instantOnly).toMatchObject({ dates: [], spans: [{ start: Date.parse('2026-03-03T10:00:00Z'), end: null }] });
    const [both] = parse(steps([interval('2026-03-01T00:00:00', '2026-03-02T00:00:00'), { physicalTimeInterval: { startTime: '2026-03-05T10:00:00+01:00', endTime: '2026-03-05T11:00:00+01:00' } }]));
    expect(both).toMatchObject({ dates: ['2026-03-01'], spans: [{ start: Date.parse('2026-03-05T09:00:00Z') }] });
  });

  it.each([
    ['not JSON', Buffer.from('{')],
    ['no data', Buffer.from('{}')],
    ['an empty array', Buffer.from('[]')],
    ['an array with one bad notice', Buffer.from(JSON.stringify([{ data: { healthUserId: 'h', dataType: 'steps', operation: 'UPSERT', intervals: [{ civilIso8601TimeInterval: { startTime: '2026-03-01T00:00:00' } }] } }, {}]))],
    ['no user', Buffer.from(JSON.stringify(notice({ dataType: 'steps', operation: 'UPSERT', intervals: [interval('2026-03-01T00:00:00', '2026-03-02T00:00:00')] })))],
    ['an unknown operation', Buffer.from(JSON.stringify(notice({ healthUserId: 'h', dataType: 'steps', operation: 'MERGE', intervals: [interval('2026-03-01T00:00:00', '2026-03-02T00:00:00')] })))],
    ['no intervals', Buffer.from(JSON.stringify(notice({ healthUserId: 'h', dataType: 'steps', operation: 'UPSERT', intervals: [] })))],
    ['an interval without any time', Buffer.from(JSON.stringify(steps([{ physicalTimeInterval: {} }])))],
    ['a bad date', Buffer.from(JSON.stringify(steps([interval('2026-02-30T00:00:00', '2026-03-02T00:00:00')])))],
    ['an end before the start', Buffer.from(JSON.stringify(steps([interval('2026-03-05T00:00:00', '2026-03-02T00:00:00')])))],
    ['an instant end before its start', Buffer.from(JSON.stringify(steps([{ physicalTimeInterval: { startTime: '2026-03-05T00:00:00Z', endTime: '2026-03-02T00:00:00Z' } }])))],
  ])('rejects %s', (_name, raw) => {
    expect(() => parseGoogleHealthNotifications(raw)).toThrow(NotificationFormatError);
  });

  it('never asks for more than 31 days from one notice', () => {
    const [parsed] = parse(steps([interval('2020-01-01T00:00:00', '2026-01-01T00:00:00')]));
    expect((parsed as { dates: string[] }).dates).toHaveLength(31);
    expect((parsed as { dates: string[] }).dates.at(-1)).toBe('2025-12-31');
  });
});
