import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { callApi, errorTypeOf, startEmulator } from './helpers/emulator-client.js';

describe('emulator profile', () => {
  let emulator: FitbitEmulator;

  beforeAll(async () => {
    emulator = await startEmulator({ now: Date.parse('2024-07-01T12:00:00Z') });
  });
  afterAll(() => emulator.stop());

  it('answers the user with encodedId, displayName, timezone, offsetFromUTCMillis and memberSince', async () => {
    const user = emulator.addUser({ id: 'PRO123', displayName: 'Pat', timezone: 'Asia/Kolkata', memberSince: '2020-02-29' });
    const answer = await callApi(emulator, emulator.issueTokens(user.id).accessToken, '/1/user/-/profile.json');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      user: { encodedId: 'PRO123', displayName: 'Pat', timezone: 'Asia/Kolkata', offsetFromUTCMillis: 19_800_000, memberSince: '2020-02-29' },
    });
  });

  it('gives the offset for the emulator clock\'s now (daylight saving)', async () => {
    const user = emulator.addUser({ timezone: 'America/Los_Angeles' });
    const token = emulator.issueTokens(user.id).accessToken;
    expect(((await callApi(emulator, token, '/1/user/-/profile.json')).body as { user: { offsetFromUTCMillis: number } }).user.offsetFromUTCMillis).toBe(-25_200_000);
    emulator.clock.set(Date.parse('2024-01-15T12:00:00Z'));
    expect(((await callApi(emulator, token, '/1/user/-/profile.json')).body as { user: { offsetFromUTCMillis: number } }).user.offsetFromUTCMillis).toBe(-28_800_000);
  });

  it('defaults: 6-character id, Los Angeles, member since 3 years before today, altimeter', () => {
    const user = emulator.addUser();
    expect(user.id).toMatch(/^[A-Z0-9]{6}$/);
    expect(user.timezone).toBe('America/Los_Angeles');
    const today = emulator.todayOf(user.id);
    expect(user.memberSince).toBe(`${Number(today.slice(0, 4)) - 3}${today.slice(4)}`);
    expect(user.hasAltimeter).toBe(true);
  });

  it('needs the profile scope', async () => {
    const user = emulator.addUser();
    const answer = await callApi(emulator, emulator.issueTokens(user.id, { scopes: ['activity'] }).accessToken, '/1/user/-/profile.json');
    expect(answer.status).toBe(403);
    expect(errorTypeOf(answer.body)).toBe('insufficient_scope');
  });

  it('refuses another user\'s profile with insufficient_permissions, allows its own id', async () => {
    const user = emulator.addUser();
    const other = emulator.addUser();
    const token = emulator.issueTokens(user.id).accessToken;
    const answer = await callApi(emulator, token, `/1/user/${other.id}/profile.json`);
    expect(answer.status).toBe(403);
    expect(errorTypeOf(answer.body)).toBe('insufficient_permissions');
    expect((await callApi(emulator, token, `/1/user/${user.id}/profile.json`)).status).toBe(200);
  });
});
