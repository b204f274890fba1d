import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFitbitConfig } from '../../lib/config/resolve-fitbit-config.js';
import { addDays } from '../../lib/data/calendar.js';
import { TIME_SERIES_TYPES, timeSeriesPath } from '../../lib/data/time-series-data-types.js';
import { GoogleHealthClient } from '../../lib/providers/google-health/google-health.client.js';
import { GoogleHealthProvider } from '../../lib/providers/google-health/google-health.provider.js';
import { describeProblems, GoogleHealthContract, type FitbitEmulator } from '../../lib/testing/index.js';
import { s256Challenge } from '../../lib/testing/emulator/core/pkce.js';
import { CLIENT_ID, CLIENT_SECRET, PROJECT_NUMBER, startEmulator, WEBHOOK_AUTHORIZATION } from '../support/fitbit-fixture.js';

const REDIRECT_URI = 'http://app.test/fitbit/complete/';
const PROFILE_SCOPE = 'https://www.googleapis.com/auth/googlehealth.profile.readonly';

/**
 * Every call the google-health provider makes, against the strict emulator: each request must be one
 * Google's discovery document declares (path, HTTP method, parameters and their types, body schema)
 * and each answer the emulator gives must match the method's response schema. The suite's other
 * tests run on strict emulators too, so any request anywhere that breaks the contract fails its test.
 */
describe('the google-health provider\'s requests against the discovery document', () => {
  let emulator: FitbitEmulator;
  let provider: GoogleHealthProvider;
  const contract = GoogleHealthContract.load();

  beforeAll(async () => {
    emulator = await startEmulator({ provider: 'google-health', rateLimitPerMinute: 100_000 });
    const config = resolveFitbitConfig(
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        provider: 'google-health',
        endpoints: emulator.urls,
        subscriberId: 'subscriber-1',
        googleHealth: { webhookAuthorization: WEBHOOK_AUTHORIZATION, projectNumber: PROJECT_NUMBER, subscriptionCreatePolicy: 'MANUAL', projectAccessToken: 'project-token' },
      },
      { subscribe: false },
    );
    provider = new GoogleHealthProvider(config, new GoogleHealthClient(config));
  });
  afterAll(() => emulator.stop());

  it('sends only requests the API declares, through the whole provider surface', async () => {
    const user = emulator.addUser({ timezone: 'Europe/Berlin', memberSince: '2025-01-10' });
    emulator.setConsentUser(user.id);
    emulator.clearRequests();

    // Authorize with the provider's own parameters and scopes, then exchange, refresh and identify.
    const verifier = 'v'.repeat(64);
    const authorize = new URL(emulator.urls.authorizeUrl);
    for (const [name, value] of Object.entries({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: provider.defaultScopes.join(' '),
      state: 's',
      code_challenge: s256Challenge(verifier),
      code_challenge_method: 'S256',
      ...provider.authorizationParams(),
    })) {
      authorize.searchParams.set(name, value);
    }
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    const grant = await provider.exchangeCode(code, REDIRECT_URI, verifier);
    const refreshed = await provider.refreshTokens(grant.refreshToken);
    const token = refreshed.accessToken;
    expect(await provider.fetchIdentity(token)).toMatchObject({ providerUserId: user.healthUserId, timeZone: 'Europe/Berlin' });

    // The history start from the profile, and by probing when the grant has no profile scope.
    expect(await provider.historyStart(token)).toBe('2025-01-10');
    const withoutProfile = emulator.issueTokens(user.id, { scopes: provider.defaultScopes.filter((scope) => scope !== PROFILE_SCOPE) }).accessToken;
    expect(await provider.historyStart(withoutProfile)).toBe('2025-01-10');

    // Every type the provider serves, as a period and as a long range split into chunks.
    const today = emulator.todayOf(user.id);
    for (const type of TIME_SERIES_TYPES.filter((candidate) => provider.supportsType(candidate))) {
      const week = await provider.fetchDailyValues(token, type, { period: '7d', baseDate: today });
      expect(week.length, timeSeriesPath(type)).toBeGreaterThan(0);
      await provider.fetchDailyValues(token, type, { start: addDays(today, -99), end: today });
    }
    await provider.fetchDailyValues(token, { category: 'activities', resource: 'steps' }, { period: 'max', baseDate: today });

    // MANUAL subscriptions, the webhook keyset, and revocation.
    await provider.subscribe({ accessToken: token, providerUserId: user.healthUserId, subscriptionId: '1', subscriberId: 'subscriber-1' });
    expect(await provider.unsubscribe(token, user.healthUserId)).toBe(1);
    const body = Buffer.from(JSON.stringify(emulator.googleNotification(user.id, 'steps', { startDate: today })));
    expect(await provider.verifyNotificationSignature({ method: 'POST', headers: { authorization: WEBHOOK_AUTHORIZATION, 'x-healthapi-signature': emulator.googleSignature(body)! }, query: {}, rawBody: body })).toBe(true);
    await provider.revokeToken(grant.refreshToken);

    const api = emulator.requests.filter((request) => request.path.startsWith('/v4/'));
    const methods = new Set<string>();
    for (const request of api) {
      const label = `${request.method} ${request.path}?${request.search}`;
      expect(describeProblems(contract.checkRequest({ method: request.method, path: request.path, query: request.search, body: request.body })), label).toBe('');
      // The one refusal is the profile read with the grant that lacks its scope (the provider then probes).
      if (!(request.status === 403 && request.path.endsWith('/profile'))) expect(request.status, label).toBeLessThan(400);
      const resolution = contract.resolve(request.method, request.path);
      if (resolution.kind === 'method') methods.add(resolution.resolved.method.id);
    }
    expect([...methods].sort()).toEqual([
      'health.projects.subscribers.subscriptions.create',
      'health.projects.subscribers.subscriptions.delete',
      'health.projects.subscribers.subscriptions.list',
      'health.users.dataTypes.dataPoints.dailyRollUp',
      'health.users.dataTypes.dataPoints.list',
      'health.users.getIdentity',
      'health.users.getProfile',
      'health.users.getSettings',
    ]);
    expect(emulator.contractViolations()).toEqual([]);
  });
});
