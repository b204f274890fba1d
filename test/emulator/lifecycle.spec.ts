import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FitbitEmulator } from '../../lib/testing/index.js';
import { authorizeCode, CLIENT_ID, CLIENT_SECRET, pkcePair, postForm, REDIRECT_URI, startEmulator } from './helpers/emulator-client.js';

describe('emulator lifecycle, clock and users', () => {
  let emulator: FitbitEmulator;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.stop());

  it('listens on a free port of 127.0.0.1 and publishes the Fitbit URLs', () => {
    expect(emulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.urls).toEqual({
      authorizeUrl: `${emulator.baseUrl}/oauth2/authorize`,
      tokenUrl: `${emulator.baseUrl}/oauth2/token`,
      revokeUrl: `${emulator.baseUrl}/oauth2/revoke`,
      apiUrl: emulator.baseUrl,
    });
  });

  it('answers unknown routes with 404 in Fitbit\'s error body', async () => {
    const response = await fetch(`${emulator.baseUrl}/nothing/here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ success: false, errors: [{ errorType: 'not_found' }] });
  });

  it('has a clock that stands still until moved', async () => {
    const start = emulator.clock.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(emulator.clock.now()).toBe(start);
    expect(emulator.clock.advance(1_000)).toBe(start + 1_000);
    emulator.clock.set(Date.parse('2030-01-01T00:00:00Z'));
    expect(emulator.clock.now()).toBe(Date.parse('2030-01-01T00:00:00Z'));
  });

  it('follows the wall clock with realTime, from the given start', async () => {
    const live = await startEmulator({ realTime: true, now: Date.parse('2024-01-01T00:00:00Z') });
    try {
      const first = live.clock.now();
      expect(Math.abs(first - Date.parse('2024-01-01T00:00:00Z'))).toBeLessThan(1_000);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(live.clock.now()).toBeGreaterThan(first);
      live.clock.advance(3_600_000);
      expect(live.clock.now() - first).toBeGreaterThanOrEqual(3_600_000);
    } finally {
      await live.stop();
    }
  });

  it('rejects a duplicate user id and an unknown time zone', () => {
    emulator.addUser({ id: 'DUP001' });
    expect(() => emulator.addUser({ id: 'DUP001' })).toThrow();
    expect(() => emulator.addUser({ timezone: 'Mars/Olympus' })).toThrow();
  });

  it('auto-approves for the first user added, or the one set as consent user', async () => {
    const fresh = await FitbitEmulator.start({ mode: 'fitbit', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    try {
      const first = fresh.addUser();
      const second = fresh.addUser();
      const userOfNextCode = async () => {
        const { verifier, challenge } = pkcePair();
        const code = await authorizeCode(fresh, challenge);
        const answer = await postForm(fresh.urls.tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
        return (answer.body as { user_id: string }).user_id;
      };
      expect(await userOfNextCode()).toBe(first.id);
      fresh.setConsentUser(second.id);
      expect(await userOfNextCode()).toBe(second.id);
    } finally {
      await fresh.stop();
    }
  });

  it('refuses to authorize with auto-approve when there is no user', async () => {
    const empty = await startEmulator();
    try {
      await expect(authorizeCode(empty, pkcePair().challenge)).rejects.toThrow('authorize answered 400');
    } finally {
      await empty.stop();
    }
  });

  it('frees its port on stop', async () => {
    const shortLived = await startEmulator();
    const { baseUrl } = shortLived;
    await shortLived.stop();
    await expect(fetch(`${baseUrl}/oauth2/token`, { method: 'POST' })).rejects.toThrow();
  });
});
