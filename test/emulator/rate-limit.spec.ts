import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { callApi, errorTypeOf, postForm, startEmulator } from './helpers/emulator-client.js';

describe('emulator rate limit', () => {
  let emulator: FitbitEmulator;

  beforeAll(async () => {
    emulator = await startEmulator({ rateLimitPerHour: 3, now: Date.parse('2024-03-31T12:59:30Z') });
  });
  afterAll(() => emulator.stop());

  const limits = (headers: Headers) => ({
    limit: headers.get('fitbit-rate-limit-limit'),
    remaining: headers.get('fitbit-rate-limit-remaining'),
    reset: headers.get('fitbit-rate-limit-reset'),
  });

  it('counts API calls per user per clock hour, with the headers on every answer, then 429 with Retry-After until the hour turns', async () => {
    emulator.clock.set(Date.parse('2024-03-31T12:59:30Z'));
    const user = emulator.addUser();
    const token = emulator.issueTokens(user.id).accessToken;
    const profile = () => callApi(emulator, token, '/1/user/-/profile.json');

    expect(limits((await profile()).headers)).toEqual({ limit: '3', remaining: '2', reset: '30' });
    const refusal = await callApi(emulator, token, '/1/user/-/activities/activeScore/date/today/1d.json');
    expect(refusal.status).toBe(400);
    expect(limits(refusal.headers)).toEqual({ limit: '3', remaining: '1', reset: '30' });
    expect(limits((await profile()).headers).remaining).toBe('0');

    const limited = await profile();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(errorTypeOf(limited.body)).toBe('system');
    expect(limited.body).toMatchObject({ success: false });
    expect(limits(limited.headers).remaining).toBe('0');

    emulator.clock.advance(29_000);
    expect((await profile()).headers.get('retry-after')).toBe('1');
    emulator.clock.advance(1_000);
    const afterReset = await profile();
    expect(afterReset.status).toBe(200);
    expect(limits(afterReset.headers)).toEqual({ limit: '3', remaining: '2', reset: '3600' });
  });

  it('keeps users apart and does not count the oauth2 endpoints', async () => {
    emulator.clock.set(Date.parse('2024-03-31T15:10:00Z'));
    const busy = emulator.addUser();
    const quiet = emulator.addUser();
    const busyTokens = emulator.issueTokens(busy.id);
    for (let i = 0; i < 4; i++) await callApi(emulator, busyTokens.accessToken, '/1/user/-/profile.json');
    expect((await callApi(emulator, busyTokens.accessToken, '/1/user/-/profile.json')).status).toBe(429);

    const quietTokens = emulator.issueTokens(quiet.id);
    for (let i = 0; i < 3; i++) {
      const refreshed = await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: quietTokens.refreshToken });
      expect(refreshed.status).not.toBe(429);
    }
    const answer = await callApi(emulator, quietTokens.accessToken, '/1/user/-/profile.json');
    expect(answer.status).toBe(200);
    expect(limits(answer.headers)).toEqual({ limit: '3', remaining: '2', reset: '3000' });
  });

  it('defaults to 150 per hour', async () => {
    const fresh = await startEmulator();
    try {
      const user = fresh.addUser();
      const answer = await callApi(fresh, fresh.issueTokens(user.id).accessToken, '/1/user/-/profile.json');
      expect(answer.headers.get('fitbit-rate-limit-limit')).toBe('150');
      expect(answer.headers.get('fitbit-rate-limit-remaining')).toBe('149');
    } finally {
      await fresh.stop();
    }
  });
});
