import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { callApi, errorTypeOf, postForm, startEmulator } from './helpers/emulator-client.js';

describe('emulator fault injection', () => {
  let emulator: FitbitEmulator;
  let token: string;
  let refreshToken: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    const user = emulator.addUser();
    ({ accessToken: token, refreshToken } = emulator.issueTokens(user.id));
  });
  afterEach(() => emulator.faults.clear());
  afterAll(() => emulator.stop());

  const profile = () => callApi(emulator, token, '/1/user/-/profile.json');

  it('answers the injected status with a Fitbit error body, on a path prefix, until cleared', async () => {
    emulator.faults.inject({ path: '/1/user/-/profile', status: 503 });
    for (let i = 0; i < 3; i++) {
      const answer = await profile();
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ success: false });
      expect(errorTypeOf(answer.body)).toBe('system');
    }
    expect((await callApi(emulator, token, '/1/user/-/activities/steps/date/today/1d.json')).status).toBe(200);
    emulator.faults.clear();
    expect((await profile()).status).toBe(200);
  });

  it('counts down `times`', async () => {
    emulator.faults.inject({ path: '/1/user/', status: 500, times: 2 });
    expect((await profile()).status).toBe(500);
    expect((await profile()).status).toBe(500);
    expect((await profile()).status).toBe(200);
  });

  it('gives 429 a Retry-After of 1 by default, or the given headers and body', async () => {
    emulator.faults.inject({ path: /profile\.json$/, status: 429, times: 1 });
    const defaulted = await profile();
    expect(defaulted.status).toBe(429);
    expect(defaulted.headers.get('retry-after')).toBe('1');
    expect(errorTypeOf(defaulted.body)).toBe('system');

    emulator.faults.inject({ path: /profile\.json$/, status: 429, times: 1, headers: { 'Retry-After': '42' }, body: { custom: true } });
    const custom = await profile();
    expect(custom.headers.get('retry-after')).toBe('42');
    expect(custom.body).toEqual({ custom: true });
  });

  it('matches the method and applies to the oauth2 endpoints too', async () => {
    emulator.faults.inject({ method: 'POST', path: '/oauth2/token', status: 409, times: 1 });
    expect((await profile()).status).toBe(200);
    const answer = await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(answer.status).toBe(409);
    emulator.faults.inject({ method: 'DELETE', path: '/1/user/', status: 500 });
    expect((await profile()).status).toBe(200);
  });

  it('only delays when given delayMs without a status', async () => {
    emulator.faults.inject({ path: '/1/user/-/profile.json', delayMs: 250, times: 1 });
    const started = Date.now();
    const answer = await profile();
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(answer.status).toBe(200);
    const quick = Date.now();
    await profile();
    expect(Date.now() - quick).toBeLessThan(200);
  });

  it('delays and then fails when given both', async () => {
    emulator.faults.inject({ path: '/1/user/-/profile.json', delayMs: 150, status: 502, times: 1 });
    const started = Date.now();
    expect((await profile()).status).toBe(502);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('faults a seeded share of requests with `probability`, the same way every run', async () => {
    const run = async () => {
      emulator.faults.clear();
      emulator.faults.inject({ path: '/1/user/-/profile.json', status: 500, probability: 0.5, seed: 7 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await profile()).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const failures = first.filter((status) => status === 500).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(17);
  });
});

describe('emulator request log', () => {
  let emulator: FitbitEmulator;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.stop());

  it('records method, path, query, lower-cased headers, body, status and clock time, faulted requests included', async () => {
    const user = emulator.addUser();
    const { accessToken, refreshToken } = emulator.issueTokens(user.id);
    emulator.clearRequests();
    const at = emulator.clock.now();

    await fetch(`${emulator.urls.apiUrl}/1/user/-/profile.json?x=1&y=two`, { headers: { Authorization: `Bearer ${accessToken}`, 'X-Custom': 'Yes' } });
    emulator.clock.advance(5_000);
    await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });
    emulator.faults.inject({ path: '/1/user/-/apiSubscriptions', status: 500, times: 1 });
    await callApi(emulator, accessToken, '/1/user/-/apiSubscriptions/s.json', { method: 'POST' });

    const log = emulator.requests;
    expect(log).toHaveLength(3);
    expect(log[0]).toMatchObject({ method: 'GET', path: '/1/user/-/profile.json', query: { x: '1', y: 'two' }, body: '', status: 200, at });
    expect(log[0]!.headers['authorization']).toBe(`Bearer ${accessToken}`);
    expect(log[0]!.headers['x-custom']).toBe('Yes');
    expect(log[1]).toMatchObject({ method: 'POST', path: '/oauth2/token', status: 200, at: at + 5_000 });
    expect(log[1]!.body).toBe(`grant_type=refresh_token&refresh_token=${refreshToken}`);
    expect(log[2]).toMatchObject({ method: 'POST', path: '/1/user/-/apiSubscriptions/s.json', status: 500 });

    emulator.clearRequests();
    expect(emulator.requests).toEqual([]);
  });
});
