import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOGLE_HEALTH_SCOPES, type EmulatorUser, type FitbitEmulator } from '../../../lib/testing/index.js';
import {
  ACTIVITY,
  authorizeParams,
  authorizeUrl,
  callApi,
  clientForm,
  errorOf,
  METRICS,
  pkcePair,
  postForm,
  range,
  REDIRECT_URI,
  rollUp,
  SETTINGS,
  SLEEP,
  startGoogleEmulator,
} from './helpers/google-client.js';

/** Shows the consent page, submits it with the given ticks, exchanges the code. */
async function consent(emulator: FitbitEmulator, user: EmulatorUser, scopes: string[], ticked: string[]) {
  const { verifier, challenge } = pkcePair();
  const page = await fetch(authorizeUrl(emulator, authorizeParams(challenge, { scope: scopes.join(' ') })));
  const html = await page.text();
  const transaction = /name="transaction" value="([^"]+)"/.exec(html)![1]!;
  const form = new URLSearchParams({ transaction, user: user.id, decision: 'allow' });
  for (const scope of ticked) form.append('scope', scope);
  const decision = await fetch(`${emulator.baseUrl}/o/oauth2/v2/consent`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  const location = new URL(decision.headers.get('location')!);
  const code = location.searchParams.get('code')!;
  const tokens = await postForm(emulator.urls.tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...clientForm() });
  return { location, tokens };
}

describe('google-health consent page and partial consent', () => {
  let emulator: FitbitEmulator;
  let first: EmulatorUser;
  let second: EmulatorUser;

  beforeAll(async () => {
    emulator = await startGoogleEmulator({ autoApprove: false });
    first = emulator.addUser({ displayName: 'Ada', timezone: 'Europe/Berlin' });
    second = emulator.addUser({ displayName: 'Grace', timezone: 'America/New_York' });
  });
  afterAll(() => emulator.stop());

  it('shows a Google-worded, self-contained consent page listing accounts and the requested scopes', async () => {
    const response = await fetch(authorizeUrl(emulator, authorizeParams(pkcePair().challenge, { scope: GOOGLE_HEALTH_SCOPES.join(' ') })));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('Sign in with Google');
    expect(html).toContain('Choose an account');
    expect(html).toContain('wants access to your Google Account');
    expect(html).toContain(first.healthUserId);
    expect(html).toContain('Grace');
    for (const scope of GOOGLE_HEALTH_SCOPES) expect(html).toContain(`value="${scope}" checked`);
    expect(html).not.toMatch(/<link|<script|src="http/);
  });

  it('grants only the ticked scopes, says so in the token answer, and refuses the others with 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT', async () => {
    const { location, tokens } = await consent(emulator, second, [ACTIVITY, SLEEP, METRICS], [ACTIVITY]);
    expect(location.searchParams.get('scope')).toBe(ACTIVITY);
    expect(tokens.body.scope).toBe(ACTIVITY);
    expect(tokens.body.refresh_token).toBeTruthy();
    const token = tokens.body.access_token as string;
    expect((await callApi(emulator, token, '/users/me/identity')).body.healthUserId).toBe(second.healthUserId);
    expect((await rollUp(emulator, token, 'steps', range('2026-03-01', '2026-03-02'))).status).toBe(200);
    const weight = await rollUp(emulator, token, 'weight', range('2026-03-01', '2026-03-02'));
    expect(weight.status).toBe(403);
    expect(errorOf(weight.body)).toMatchObject({ code: 403, status: 'PERMISSION_DENIED', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' });
    expect(errorOf((await callApi(emulator, token, '/users/me/dataTypes/sleep/dataPoints')).body).reason).toBe('ACCESS_TOKEN_SCOPE_INSUFFICIENT');
    expect(errorOf((await callApi(emulator, token, '/users/me/settings')).body).reason).toBe('ACCESS_TOKEN_SCOPE_INSUFFICIENT');
  });

  it('issueTokens with scopes makes a partial grant too', async () => {
    const tokens = emulator.issueTokens(first.id, { scopes: [SETTINGS] });
    expect((await callApi(emulator, tokens.accessToken, '/users/me/settings')).status).toBe(200);
    expect((await rollUp(emulator, tokens.accessToken, 'steps', range('2026-03-01', '2026-03-02'))).status).toBe(403);
  });

  it('redirects with error=access_denied when the person cancels', async () => {
    const page = await (await fetch(authorizeUrl(emulator, authorizeParams(pkcePair().challenge)))).text();
    const transaction = /name="transaction" value="([^"]+)"/.exec(page)![1]!;
    const decision = await fetch(`${emulator.baseUrl}/o/oauth2/v2/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ transaction, decision: 'deny' }).toString(),
      redirect: 'manual',
    });
    expect(decision.status).toBe(302);
    const location = new URL(decision.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toBeNull();
  });
});
