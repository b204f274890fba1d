import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FitbitEmulator, type EmulatorUser } from '../../../lib/testing/index.js';
import { callApi, errorOf, PROFILE, SETTINGS, startGoogleEmulator } from './helpers/google-client.js';

describe('google-health users, identity and settings', () => {
  let emulator: FitbitEmulator;
  let berlin: EmulatorUser;
  let angeles: EmulatorUser;

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    berlin = emulator.addUser({ id: 'BERLN1', timezone: 'Europe/Berlin', memberSince: '2025-06-01' });
    angeles = emulator.addUser({ timezone: 'America/Los_Angeles' });
  });
  afterAll(() => emulator.stop());

  it('gives every user a 20-digit healthUserId, fixed by the legacy id, unique, or as given', async () => {
    expect(berlin.healthUserId).toMatch(/^[1-9]\d{19}$/);
    expect(angeles.healthUserId).not.toBe(berlin.healthUserId);
    const other = await startGoogleEmulator();
    try {
      expect(other.addUser({ id: 'BERLN1' }).healthUserId).toBe(berlin.healthUserId);
      expect(other.addUser({ healthUserId: '12345678901234567890' }).healthUserId).toBe('12345678901234567890');
      expect(() => other.addUser({ healthUserId: '12345678901234567890' })).toThrow();
      expect(() => other.addUser({ healthUserId: '123' })).toThrow();
    } finally {
      await other.stop();
    }
  });

  it('answers identity for any valid token with healthUserId and the 6-character legacyUserId', async () => {
    const { accessToken } = emulator.issueTokens(berlin.id, { scopes: [] });
    const answer = await callApi(emulator, accessToken, '/users/me/identity');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ name: `users/${berlin.healthUserId}/identity`, healthUserId: berlin.healthUserId, legacyUserId: 'BERLN1' });
  });

  it('accepts the caller\'s own healthUserId in place of "me" and refuses another user\'s', async () => {
    const { accessToken } = emulator.issueTokens(berlin.id);
    expect((await callApi(emulator, accessToken, `/users/${berlin.healthUserId}/identity`)).status).toBe(200);
    const other = await callApi(emulator, accessToken, `/users/${angeles.healthUserId}/identity`);
    expect(other.status).toBe(403);
    expect(errorOf(other.body).status).toBe('PERMISSION_DENIED');
  });

  it('answers settings with the time zone, its current UTC offset in seconds and the units as the schema\'s enums (needs settings.readonly)', async () => {
    const berlinSettings = await callApi(emulator, emulator.issueTokens(berlin.id, { scopes: [SETTINGS] }).accessToken, '/users/me/settings');
    expect(berlinSettings.body).toMatchObject({
      name: `users/${berlin.healthUserId}/settings`,
      timeZone: 'Europe/Berlin',
      utcOffset: '3600s',
      distanceUnit: 'DISTANCE_UNIT_KILOMETERS',
      waterUnit: 'WATER_UNIT_ML',
      weightUnit: 'WEIGHT_UNIT_KILOGRAMS',
    });
    expect(berlinSettings.body).not.toHaveProperty('energyUnit');
    const angelesSettings = await callApi(emulator, emulator.issueTokens(angeles.id).accessToken, '/users/me/settings');
    expect(angelesSettings.body).toMatchObject({ timeZone: 'America/Los_Angeles', utcOffset: '-25200s' });
  });

  it('answers the profile with membershipStartDate as a Date object (needs profile.readonly)', async () => {
    const profile = await callApi(emulator, emulator.issueTokens(berlin.id, { scopes: [PROFILE] }).accessToken, '/users/me/profile');
    expect(profile.body).toMatchObject({ name: `users/${berlin.healthUserId}/profile`, membershipStartDate: { year: 2025, month: 6, day: 1 } });
    expect(profile.body).not.toHaveProperty('memberSince');
  });

  it('answers 401 CREDENTIALS_MISSING without a token and 404 NOT_FOUND for unknown paths, in Google\'s error body', async () => {
    const missing = await callApi(emulator, null, '/users/me/identity');
    expect(missing.status).toBe(401);
    expect(errorOf(missing.body)).toMatchObject({ status: 'UNAUTHENTICATED', reason: 'CREDENTIALS_MISSING' });
    expect(missing.body.error.details[0]['@type']).toBe('type.googleapis.com/google.rpc.ErrorInfo');
    const unknown = await callApi(emulator, emulator.issueTokens(berlin.id).accessToken, '/users/me/nothing');
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.body)).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    expect(emulator.takeContractViolations()).toEqual([expect.objectContaining({ side: 'request', request: 'GET /v4/users/me/nothing', methodId: null, status: 404 })]);
  });

  it('refuses query parameters the method does not declare, and takes the ones every method does', async () => {
    const { accessToken } = emulator.issueTokens(berlin.id);
    const undeclared = await callApi(emulator, accessToken, '/users/me/identity?pageSize=10');
    expect(undeclared.status).toBe(400);
    expect(errorOf(undeclared.body)).toMatchObject({ status: 'INVALID_ARGUMENT', message: expect.stringContaining('Unknown name "pageSize"') });
    expect((await callApi(emulator, accessToken, '/users/me/identity?prettyPrint=false&fields=healthUserId')).status).toBe(200);
    expect((await callApi(emulator, accessToken, '/users/me/identity?prettyPrint=maybe')).status).toBe(400);
    expect(emulator.takeContractViolations().map((violation) => violation.request)).toEqual([
      'GET /v4/users/me/identity?pageSize=10',
      'GET /v4/users/me/identity?prettyPrint=maybe',
    ]);
  });

  it('keeps the helpers of the other mode out of reach', async () => {
    expect(() => emulator.subscriptionsOf(berlin.id)).toThrow(/only available in fitbit mode/);
    const legacy = await FitbitEmulator.start({ mode: 'fitbit', clientId: 'a', clientSecret: 'b' });
    try {
      expect(legacy.urls.keysetUrl).toBeUndefined();
      expect(() => legacy.rotateWebhookKey()).toThrow(/only available in google-health mode/);
      expect(legacy.addUser().healthUserId).toMatch(/^\d{20}$/);
    } finally {
      await legacy.stop();
    }
  });
});
