import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FitbitEmulator } from '../../lib/testing/index.js';
import {
  authorizeCode,
  authorizeUrl,
  basicAuth,
  callApi,
  CLIENT_ID,
  CLIENT_SECRET,
  errorTypeOf,
  pkcePair,
  postForm,
  REDIRECT_URI,
  startEmulator,
  validAuthorizeParams,
} from './helpers/emulator-client.js';

describe('emulator OAuth (legacy Fitbit)', () => {
  let emulator: FitbitEmulator;
  let userId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ redirectUris: [REDIRECT_URI] });
    userId = emulator.addUser({ id: 'ABC123' }).id;
  });
  afterAll(() => emulator.stop());

  const exchange = (code: string, verifier: string, overrides: Record<string, string> = {}, authorization = basicAuth()) =>
    postForm(emulator.urls.tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...overrides }, authorization);

  describe('authorize', () => {
    it('redirects back with a code and the state when auto-approving', async () => {
      const { challenge } = pkcePair();
      const response = await fetch(authorizeUrl(emulator, validAuthorizeParams(challenge)), { redirect: 'manual' });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
      expect(location.searchParams.get('code')).toMatch(/^[0-9a-f]{40}$/);
      expect(location.searchParams.get('state')).toBe('state-123');
    });

    it.each([
      ['an unknown client_id', { client_id: 'someone-else' }],
      ['an unregistered redirect_uri', { redirect_uri: 'http://evil.test/steal' }],
      ['response_type token', { response_type: 'token' }],
      ['an unknown scope', { scope: 'activity steps' }],
      ['no scope', { scope: undefined }],
      ['a code_challenge shorter than 43 characters', { code_challenge: 'a'.repeat(42) }],
      ['a code_challenge longer than 128 characters', { code_challenge: 'a'.repeat(129) }],
      ['code_challenge_method plain', { code_challenge_method: 'plain' }],
      ['no PKCE at all', { code_challenge: undefined, code_challenge_method: undefined }],
    ])('answers 400 with an HTML page and no redirect for %s (requirePkce, as the suite runs it for our own client)', async (_what, overrides) => {
      const { challenge } = pkcePair();
      const response = await fetch(authorizeUrl(emulator, validAuthorizeParams(challenge, overrides)), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('<!doctype html>');
    });

    it('is as lenient as Fitbit by default: the plain authorization-code flow of server apps, and the plain PKCE method', async () => {
      const lenient = await FitbitEmulator.start({ mode: 'fitbit', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] });
      lenient.addUser();
      try {
        const exchangeAt = (code: string, form: Record<string, string> = {}) =>
          postForm(lenient.urls.tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...form }, basicAuth());
        // python-fitbit 0.3.1: no code_challenge at all, then the code with Basic client credentials.
        const noPkce = await authorizeCode(lenient, '', { code_challenge: undefined, code_challenge_method: undefined });
        expect((await exchangeAt(noPkce)).status).toBe(200);
        const { verifier } = pkcePair();
        for (const method of ['plain', undefined]) {
          const plain = await authorizeCode(lenient, verifier, { code_challenge_method: method });
          expect((await exchangeAt(plain, { code_verifier: `${verifier}x` })).status, `${method} with the wrong verifier`).toBe(400);
          const again = await authorizeCode(lenient, verifier, { code_challenge_method: method });
          expect((await exchangeAt(again, { code_verifier: verifier })).status, `${method}`).toBe(200);
        }
        const s256 = pkcePair();
        expect((await exchangeAt(await authorizeCode(lenient, s256.challenge), { code_verifier: s256.verifier })).status).toBe(200);
        const unknownMethod = await fetch(authorizeUrl(lenient, validAuthorizeParams(verifier, { code_challenge_method: 'S512' })), { redirect: 'manual' });
        expect(unknownMethod.status).toBe(400);
      } finally {
        await lenient.stop();
      }
    });

    it('accepts any http(s) redirect_uri when none are registered', async () => {
      const open = await startEmulator();
      open.addUser();
      try {
        const { challenge } = pkcePair();
        const response = await fetch(authorizeUrl(open, validAuthorizeParams(challenge, { redirect_uri: 'http://localhost:9999/cb' })), { redirect: 'manual' });
        expect(response.status).toBe(302);
        expect(response.headers.get('location')).toMatch(/^http:\/\/localhost:9999\/cb\?code=/);
        const ftp = await fetch(authorizeUrl(open, validAuthorizeParams(challenge, { redirect_uri: 'ftp://localhost/cb' })), { redirect: 'manual' });
        expect(ftp.status).toBe(400);
      } finally {
        await open.stop();
      }
    });
  });

  describe('token: authorization_code', () => {
    it('answers Fitbit\'s token fields for a valid exchange', async () => {
      const { verifier, challenge } = pkcePair();
      const code = await authorizeCode(emulator, challenge);
      const answer = await exchange(code, verifier);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ expires_in: 28800, scope: 'activity profile sleep', token_type: 'Bearer', user_id: userId });
      const body = answer.body as { access_token: string; refresh_token: string };
      expect(body.access_token.length).toBeGreaterThan(200);
      expect(body.refresh_token).toMatch(/^[0-9a-f]{64}$/);
    });

    it.each([
      ['no Authorization header', null],
      ['a wrong client secret', basicAuth(CLIENT_ID, 'wrong')],
      ['a wrong client id', basicAuth('other', 'client-secret')],
      ['a Bearer header', 'Bearer abc'],
    ])('answers 401 invalid_client for %s', async (_what, authorization) => {
      const { verifier, challenge } = pkcePair();
      const code = await authorizeCode(emulator, challenge);
      const answer = await exchange(code, verifier, {}, authorization as string);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ success: false });
      expect(errorTypeOf(answer.body)).toBe('invalid_client');
    });

    it('rejects a wrong code_verifier with invalid_grant', async () => {
      const { challenge } = pkcePair();
      const code = await authorizeCode(emulator, challenge);
      const answer = await exchange(code, pkcePair().verifier);
      expect(answer.status).toBe(400);
      expect(errorTypeOf(answer.body)).toBe('invalid_grant');
    });

    it('rejects a missing code_verifier with invalid_grant', async () => {
      const { challenge } = pkcePair();
      const code = await authorizeCode(emulator, challenge);
      const answer = await postForm(emulator.urls.tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
      expect(answer.status).toBe(400);
      expect(errorTypeOf(answer.body)).toBe('invalid_grant');
    });

    it('rejects a redirect_uri different from the one used at authorize', async () => {
      const { verifier, challenge } = pkcePair();
      const code = await authorizeCode(emulator, challenge);
      const answer = await exchange(code, verifier, { redirect_uri: 'http://app.test/other/' });
      expect(answer.status).toBe(400);
      expect(errorTypeOf(answer.body)).toBe('invalid_grant');
    });

    it('lets a code be used once only', async () => {
      const { verifier, challenge } = pkcePair();
      const code = await authorizeCode(emulator, challenge);
      expect((await exchange(code, verifier)).status).toBe(200);
      const second = await exchange(code, verifier);
      expect(second.status).toBe(400);
      expect(errorTypeOf(second.body)).toBe('invalid_grant');
    });

    it('lets a code expire after 10 minutes on the emulator clock', async () => {
      const { verifier, challenge } = pkcePair();
      const fresh = await authorizeCode(emulator, challenge);
      const stale = await authorizeCode(emulator, challenge);
      emulator.clock.advance(9 * 60_000);
      expect((await exchange(fresh, verifier)).status).toBe(200);
      emulator.clock.advance(60_000);
      const answer = await exchange(stale, verifier);
      expect(answer.status).toBe(400);
      expect(errorTypeOf(answer.body)).toBe('invalid_grant');
    });

    it('rejects an unknown grant_type and a missing code', async () => {
      expect(errorTypeOf((await postForm(emulator.urls.tokenUrl, { grant_type: 'password' })).body)).toBe('unsupported_grant_type');
      expect(errorTypeOf((await postForm(emulator.urls.tokenUrl, { grant_type: 'authorization_code' })).body)).toBe('invalid_request');
    });
  });

  describe('token: refresh_token', () => {
    const refresh = (refreshToken: string) => postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });

    it('issues a new pair, and a refresh token works only once', async () => {
      const user = emulator.addUser();
      const tokens = emulator.issueTokens(user.id, { scopes: ['activity', 'profile'] });
      const first = await refresh(tokens.refreshToken);
      expect(first.status).toBe(200);
      const pair = first.body as { access_token: string; refresh_token: string; scope: string; user_id: string; expires_in: number };
      expect(pair.refresh_token).not.toBe(tokens.refreshToken);
      expect(pair.access_token).not.toBe(tokens.accessToken);
      expect(pair).toMatchObject({ scope: 'activity profile', user_id: user.id, expires_in: 28800 });

      const reused = await refresh(tokens.refreshToken);
      expect(reused.status).toBe(400);
      expect(errorTypeOf(reused.body)).toBe('invalid_grant');

      expect((await refresh(pair.refresh_token)).status).toBe(200);
      expect(emulator.stats.refreshCalls(user.id)).toBe(3);
    });

    it('rejects an unknown refresh token with invalid_grant', async () => {
      const answer = await refresh('f'.repeat(64));
      expect(answer.status).toBe(400);
      expect(errorTypeOf(answer.body)).toBe('invalid_grant');
    });

    it('keeps one live refresh token per user: a newer grant kills the older one', async () => {
      const user = emulator.addUser();
      const older = emulator.issueTokens(user.id);
      emulator.issueTokens(user.id);
      expect(errorTypeOf((await refresh(older.refreshToken)).body)).toBe('invalid_grant');
    });

    it('requires client authentication', async () => {
      const user = emulator.addUser();
      const tokens = emulator.issueTokens(user.id);
      const answer = await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken }, null);
      expect(answer.status).toBe(401);
      expect(errorTypeOf(answer.body)).toBe('invalid_client');
    });
  });

  describe('access tokens', () => {
    it('expire after 8 hours on the emulator clock with 401 expired_token', async () => {
      const user = emulator.addUser();
      const tokens = emulator.issueTokens(user.id);
      expect(tokens.expiresAt).toBe(emulator.clock.now() + 28_800_000);
      emulator.clock.advance(28_800_000 - 1000);
      expect((await callApi(emulator, tokens.accessToken, '/1/user/-/profile.json')).status).toBe(200);
      emulator.clock.advance(1000);
      const expired = await callApi(emulator, tokens.accessToken, '/1/user/-/profile.json');
      expect(expired.status).toBe(401);
      expect(errorTypeOf(expired.body)).toBe('expired_token');
    });

    it('can be expired on demand', async () => {
      const user = emulator.addUser();
      const tokens = emulator.issueTokens(user.id);
      emulator.expireAccessTokens(user.id);
      expect(errorTypeOf((await callApi(emulator, tokens.accessToken, '/1/user/-/profile.json')).body)).toBe('expired_token');
    });

    it('answer 401 invalid_token when unknown', async () => {
      const answer = await callApi(emulator, 'not-a-token', '/1/user/-/profile.json');
      expect(answer.status).toBe(401);
      expect(errorTypeOf(answer.body)).toBe('invalid_token');
    });
  });

  describe('revoke', () => {
    it('revokes all of the user\'s tokens, given either token', async () => {
      const user = emulator.addUser();
      const tokens = emulator.issueTokens(user.id);
      const answer = await postForm(emulator.urls.revokeUrl, { token: tokens.refreshToken });
      expect(answer.status).toBe(200);
      expect(errorTypeOf((await callApi(emulator, tokens.accessToken, '/1/user/-/profile.json')).body)).toBe('invalid_token');
      const refreshed = await postForm(emulator.urls.tokenUrl, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
      expect(errorTypeOf(refreshed.body)).toBe('invalid_grant');
    });

    it('needs Basic client authentication', async () => {
      const user = emulator.addUser();
      const tokens = emulator.issueTokens(user.id);
      const answer = await postForm(emulator.urls.revokeUrl, { token: tokens.accessToken }, basicAuth(CLIENT_ID, 'nope'));
      expect(answer.status).toBe(401);
      expect(errorTypeOf(answer.body)).toBe('invalid_client');
      expect((await callApi(emulator, tokens.accessToken, '/1/user/-/profile.json')).status).toBe(200);
    });
  });
});
