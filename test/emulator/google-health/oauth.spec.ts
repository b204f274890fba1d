import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleHealthContract, type EmulatorUser, type FitbitEmulator } from '../../../lib/testing/index.js';
import {
  ACTIVITY,
  authorize,
  authorizeParams,
  authorizeUrl,
  callApi,
  CLIENT_ID,
  CLIENT_SECRET,
  clientForm,
  connect,
  errorOf,
  pkcePair,
  postForm,
  REDIRECT_URI,
  SETTINGS,
  SLEEP,
  startGoogleEmulator,
  scope,
} from './helpers/google-client.js';

describe('google-health OAuth', () => {
  let emulator: FitbitEmulator;
  let user: EmulatorUser;

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    user = emulator.addUser({ timezone: 'Europe/Berlin' });
  });
  afterAll(() => emulator.stop());

  it('publishes Google-shaped URLs', () => {
    expect(emulator.urls).toEqual({
      authorizeUrl: `${emulator.baseUrl}/o/oauth2/v2/auth`,
      tokenUrl: `${emulator.baseUrl}/token`,
      revokeUrl: `${emulator.baseUrl}/revoke`,
      apiUrl: `${emulator.baseUrl}/v4`,
      keysetUrl: `${emulator.baseUrl}/webhooks/webhooks_public_keyset.json`,
    });
  });

  it('redirects back with code, scope and state, without a fragment', async () => {
    const response = await fetch(authorizeUrl(emulator, authorizeParams(pkcePair().challenge)), { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.hash).toBe('');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toMatch(/^4\/0/);
    expect(location.searchParams.get('scope')).toBe([ACTIVITY, SLEEP, SETTINGS].join(' '));
  });

  it('answers an offline code exchange with a ~2 KB access token, expires_in 3599, a refresh token and the granted scopes', async () => {
    const answer = await connect(emulator);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ expires_in: 3599, token_type: 'Bearer', scope: [ACTIVITY, SLEEP, SETTINGS].join(' ') });
    expect(answer.body.access_token.length).toBeGreaterThanOrEqual(1900);
    expect(answer.body.access_token.length).toBeLessThanOrEqual(2200);
    expect(answer.body.access_token).toMatch(/^ya29\./);
    expect(typeof answer.body.refresh_token).toBe('string');
  });

  it('issues no refresh token without access_type=offline', async () => {
    const answer = await connect(emulator, { access_type: undefined });
    expect(answer.status).toBe(200);
    expect(answer.body.refresh_token).toBeUndefined();
    expect(answer.body.access_token).toBeTruthy();
  });

  it('issues no new refresh token on a silent re-approval without prompt=consent, and one with it', async () => {
    const fresh = await startGoogleEmulator();
    try {
      fresh.addUser();
      expect((await connect(fresh, { prompt: undefined })).body.refresh_token).toBeTruthy();
      expect((await connect(fresh, { prompt: undefined })).body.refresh_token).toBeUndefined();
      expect((await connect(fresh, { prompt: 'consent' })).body.refresh_token).toBeTruthy();
    } finally {
      await fresh.stop();
    }
  });

  it('accepts prompt=consent and include_granted_scopes=true, and rejects bad values on an error page', async () => {
    expect((await authorize(emulator, pkcePair().challenge, { prompt: 'consent', include_granted_scopes: 'true' })).get('code')).toBeTruthy();
    for (const overrides of [{ prompt: 'sometimes' }, { include_granted_scopes: 'yes' }, { access_type: 'forever' }]) {
      const response = await fetch(authorizeUrl(emulator, authorizeParams(pkcePair().challenge, overrides)), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Error 400: invalid_request');
    }
  });

  it('adds earlier grants back with include_granted_scopes=true', async () => {
    const fresh = await startGoogleEmulator();
    try {
      fresh.addUser();
      await connect(fresh, { scope: ACTIVITY });
      expect((await connect(fresh, { scope: SLEEP, include_granted_scopes: 'true' })).body.scope.split(' ').sort()).toEqual([ACTIVITY, SLEEP].sort());
      expect((await connect(fresh, { scope: SLEEP, include_granted_scopes: 'false' })).body.scope).toBe(SLEEP);
    } finally {
      await fresh.stop();
    }
  });

  it('requires PKCE S256 and checks the verifier', async () => {
    for (const overrides of [
      { code_challenge: undefined, code_challenge_method: undefined },
      { code_challenge_method: 'plain' },
      { code_challenge: 'short' },
    ]) {
      const response = await fetch(authorizeUrl(emulator, authorizeParams(pkcePair().challenge, overrides)), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('text/html');
    }
    const { challenge } = pkcePair();
    const code = (await authorize(emulator, challenge)).get('code')!;
    const wrong = await postForm(emulator.urls.tokenUrl, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkcePair().verifier,
      ...clientForm(),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
  });

  it('takes every documented scope: all of the discovery document\'s, the scopes page\'s (nutrition.readonly) and OpenID\'s', async () => {
    const scopes = [
      ...GoogleHealthContract.load().scopes,
      scope('nutrition.readonly'),
      scope('ecg.readonly'),
      scope('irn.readonly'),
      'openid',
      'email',
      'profile',
      'https://www.googleapis.com/auth/userinfo.email',
    ];
    const granted = await authorize(emulator, pkcePair().challenge, { scope: scopes.join(' ') });
    expect(granted.get('scope')!.split(' ').sort()).toEqual([...new Set(scopes)].sort());
  });

  it('rejects unknown clients, unknown scopes and unregistered redirect URIs on the authorize page', async () => {
    for (const overrides of [{ client_id: 'someone-else' }, { scope: 'https://www.googleapis.com/auth/fitness.activity.read' }, { redirect_uri: 'not a url' }]) {
      const response = await fetch(authorizeUrl(emulator, authorizeParams(pkcePair().challenge, overrides)), { redirect: 'manual' });
      expect(response.status).toBe(400);
    }
  });

  it('authenticates the client by form fields or HTTP Basic, and answers 401 invalid_client otherwise', async () => {
    const exchange = async (form: Record<string, string>, headers: Record<string, string> = {}) => {
      const { verifier, challenge } = pkcePair();
      const code = (await authorize(emulator, challenge)).get('code')!;
      return postForm(emulator.urls.tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...form }, headers);
    };
    expect((await exchange(clientForm())).status).toBe(200);
    expect((await exchange({}, { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` })).status).toBe(200);
    const wrong = await exchange({ client_id: CLIENT_ID, client_secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
  });

  it('redeems a code once and checks redirect_uri', async () => {
    const { verifier, challenge } = pkcePair();
    const code = (await authorize(emulator, challenge)).get('code')!;
    const form = { grant_type: 'authorization_code', code, code_verifier: verifier, ...clientForm() };
    expect((await postForm(emulator.urls.tokenUrl, { ...form, redirect_uri: 'http://elsewhere.test/' })).body.error).toBe('redirect_uri_mismatch');
    expect((await postForm(emulator.urls.tokenUrl, { ...form, redirect_uri: REDIRECT_URI })).body.error).toBe('invalid_grant');
  });

  it('refreshes with a reusable refresh token: no new refresh token in the answer, the old one keeps working', async () => {
    const { refresh_token: refreshToken } = (await connect(emulator)).body;
    const before = emulator.stats.refreshCalls(user.id);
    for (let round = 0; round < 3; round++) {
      const answer = await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken, ...clientForm() });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ expires_in: 3599, token_type: 'Bearer', scope: [ACTIVITY, SLEEP, SETTINGS].join(' ') });
      expect(answer.body.refresh_token).toBeUndefined();
      expect((await callApi(emulator, answer.body.access_token, '/users/me/identity')).status).toBe(200);
    }
    expect(emulator.stats.refreshCalls(user.id)).toBe(before + 3);
    const badClient = await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: 'x' });
    expect(badClient).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('expires access tokens after an hour on the emulator clock: 401 UNAUTHENTICATED INVALID_AUTHENTICATOR, then refresh', async () => {
    const tokens = emulator.issueTokens(user.id);
    expect(tokens.expiresAt).toBe(emulator.clock.now() + 3_600_000);
    expect(tokens.healthUserId).toBe(user.healthUserId);
    emulator.clock.advance(3_599_000);
    expect((await callApi(emulator, tokens.accessToken, '/users/me/identity')).status).toBe(200);
    emulator.clock.advance(1_000);
    const expired = await callApi(emulator, tokens.accessToken, '/users/me/identity');
    expect(expired.status).toBe(401);
    expect(errorOf(expired.body)).toMatchObject({ code: 401, status: 'UNAUTHENTICATED', reason: 'INVALID_AUTHENTICATOR' });
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
    const refreshed = await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, ...clientForm() });
    expect((await callApi(emulator, refreshed.body.access_token, '/users/me/identity')).status).toBe(200);
  });

  it('expireAccessTokens ends access tokens at once', async () => {
    const tokens = emulator.issueTokens(user.id);
    emulator.expireAccessTokens(user.id);
    expect(errorOf((await callApi(emulator, tokens.accessToken, '/users/me/identity')).body).reason).toBe('INVALID_AUTHENTICATOR');
  });

  it('revokes the whole grant from any of its tokens: access tokens 401, refresh invalid_grant; unknown tokens invalid_token', async () => {
    const first = emulator.issueTokens(user.id);
    const second = emulator.issueTokens(user.id);
    expect((await postForm(emulator.urls.revokeUrl, { token: second.accessToken })).status).toBe(200);
    expect((await callApi(emulator, first.accessToken, '/users/me/identity')).status).toBe(401);
    const refresh = await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: first.refreshToken, ...clientForm() });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    expect(await postForm(emulator.urls.revokeUrl, { token: 'never-issued' })).toMatchObject({ status: 400, body: { error: 'invalid_token' } });
    expect((await postForm(emulator.urls.revokeUrl, { token: first.refreshToken })).status).toBe(400);
    const again = emulator.issueTokens(user.id);
    expect((await callApi(emulator, again.accessToken, '/users/me/identity')).status).toBe(200);
  });

  it('revokeGrant acts as the user removing the app', async () => {
    const tokens = emulator.issueTokens(user.id);
    emulator.revokeGrant(user.id);
    expect((await callApi(emulator, tokens.accessToken, '/users/me/identity')).status).toBe(401);
    const refresh = await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, ...clientForm() });
    expect(refresh.body.error).toBe('invalid_grant');
  });
});
