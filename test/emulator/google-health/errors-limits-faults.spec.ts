import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorUser, FitbitEmulator } from '../../../lib/testing/index.js';
import { callApi, clientForm, errorOf, listPoints, postForm, range, rollUp, startGoogleEmulator } from './helpers/google-client.js';

describe('google-health rate limit', () => {
  let emulator: FitbitEmulator;
  let user: EmulatorUser;

  beforeAll(async () => {
    emulator = await startGoogleEmulator({ rateLimitPerMinute: 5 });
    user = emulator.addUser();
    // 12:00:20 on the emulator clock: 40 s to the next minute.
    emulator.clock.set(Date.parse('2026-03-15T12:00:20Z'));
  });
  afterAll(() => emulator.stop());

  it('answers 429 RESOURCE_EXHAUSTED with Retry-After past the per-user per-minute limit, and resets the next minute', async () => {
    const { accessToken } = emulator.issueTokens(user.id);
    for (let call = 0; call < 5; call++) expect((await callApi(emulator, accessToken, '/users/me/identity')).status).toBe(200);
    const limited = await callApi(emulator, accessToken, '/users/me/identity');
    expect(limited.status).toBe(429);
    expect(errorOf(limited.body)).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(limited.headers.get('retry-after')).toBe('40');
    emulator.clock.advance(39_000);
    expect((await rollUp(emulator, accessToken, 'steps', range('2026-03-01', '2026-03-02'))).status).toBe(429);
    emulator.clock.advance(1_000);
    expect((await callApi(emulator, accessToken, '/users/me/identity')).status).toBe(200);
  });

  it('counts each user apart', async () => {
    const other = emulator.addUser();
    const first = emulator.issueTokens(user.id).accessToken;
    emulator.clock.advance(60_000);
    for (let call = 0; call < 6; call++) await callApi(emulator, first, '/users/me/identity');
    expect((await callApi(emulator, first, '/users/me/identity')).status).toBe(429);
    expect((await callApi(emulator, emulator.issueTokens(other.id).accessToken, '/users/me/identity')).status).toBe(200);
  });

  it('defaults to 300 per minute', async () => {
    const roomy = await startGoogleEmulator();
    try {
      const roomyToken = roomy.issueTokens(roomy.addUser().id).accessToken;
      const statuses = await Promise.all(Array.from({ length: 301 }, () => callApi(roomy, roomyToken, '/users/me/identity').then((answer) => answer.status)));
      expect(statuses.filter((status) => status === 200)).toHaveLength(300);
      expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    } finally {
      await roomy.stop();
    }
  });
});

describe('google-health ACCOUNT_NOT_LINKED, faults and the request log', () => {
  let emulator: FitbitEmulator;
  let user: EmulatorUser;
  let token: string;

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    user = emulator.addUser({ memberSince: '2026-01-01' });
    token = emulator.issueTokens(user.id).accessToken;
  });
  afterAll(() => emulator.stop());
  afterEach(() => {
    emulator.faults.clear();
    emulator.setAccountNotLinked(user.id, false);
  });

  it('answers 400 FAILED_PRECONDITION ACCOUNT_NOT_LINKED for a user without linked Fitbit data, until unset', async () => {
    emulator.setAccountNotLinked(user.id, true);
    for (const answer of [
      await rollUp(emulator, token, 'steps', range('2026-03-01', '2026-03-02')),
      await listPoints(emulator, token, 'sleep'),
      await callApi(emulator, token, '/users/me/settings'),
    ]) {
      expect(answer.status).toBe(400);
      expect(errorOf(answer.body)).toMatchObject({ code: 400, status: 'FAILED_PRECONDITION', reason: 'ACCOUNT_NOT_LINKED' });
    }
    emulator.setAccountNotLinked(user.id, false);
    expect((await rollUp(emulator, token, 'steps', range('2026-03-01', '2026-03-02'))).status).toBe(200);
  });

  it('injects faults with Google-shaped default bodies', async () => {
    emulator.faults.inject({ path: '/v4/users/me/dataTypes/steps', status: 503, times: 1 });
    const unavailable = await rollUp(emulator, token, 'steps', range('2026-03-01', '2026-03-02'));
    expect(unavailable.status).toBe(503);
    expect(errorOf(unavailable.body)).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    expect((await rollUp(emulator, token, 'steps', range('2026-03-01', '2026-03-02'))).status).toBe(200);

    emulator.faults.inject({ method: 'POST', path: /dailyRollUp$/, status: 429, times: 1 });
    const limited = await rollUp(emulator, token, 'distance', range('2026-03-01', '2026-03-02'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(errorOf(limited.body).status).toBe('RESOURCE_EXHAUSTED');

    emulator.faults.inject({ path: '/token', status: 500, body: { error: 'internal_failure' }, times: 1 });
    expect(await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: 'x', ...clientForm() })).toMatchObject({
      status: 500,
      body: { error: 'internal_failure' },
    });
    emulator.faults.inject({ path: '/v4/users/me/identity', status: 401, times: 1 });
    expect(errorOf((await callApi(emulator, token, '/users/me/identity')).body).reason).toBe('INVALID_AUTHENTICATOR');
  });

  it('delays requests on a delay-only fault', async () => {
    emulator.faults.inject({ path: '/v4/users/me/identity', delayMs: 150, times: 1 });
    const started = Date.now();
    expect((await callApi(emulator, token, '/users/me/identity')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('logs every request with its status and the emulator time, bodies included', async () => {
    emulator.clearRequests();
    await rollUp(emulator, token, 'weight', range('2026-03-01', '2026-03-02'));
    await callApi(emulator, null, '/users/me/identity');
    const [first, second] = emulator.requests;
    expect(first).toMatchObject({ method: 'POST', path: '/v4/users/me/dataTypes/weight/dataPoints:dailyRollUp', status: 200, at: emulator.clock.now() });
    expect(JSON.parse(first!.body)).toMatchObject({ windowSizeDays: 1 });
    expect(first!.headers.authorization).toBe(`Bearer ${token}`);
    expect(second).toMatchObject({ method: 'GET', path: '/v4/users/me/identity', status: 401 });
    emulator.clearRequests();
    expect(emulator.requests).toEqual([]);
  });
});
