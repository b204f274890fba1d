import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { authorizeUrl, pkcePair, postForm, REDIRECT_URI, startEmulator, validAuthorizeParams } from './helpers/emulator-client.js';

describe('emulator consent page (autoApprove: false)', () => {
  let emulator: FitbitEmulator;

  beforeAll(async () => {
    emulator = await startEmulator({ autoApprove: false });
    emulator.addUser({ id: 'AAA111', displayName: 'Ada' });
    emulator.addUser({ id: 'BBB222', displayName: 'Bo <b>' });
  });
  afterAll(() => emulator.stop());

  async function openConsentPage(challenge: string): Promise<{ html: string; transaction: string; action: string }> {
    const response = await fetch(authorizeUrl(emulator, validAuthorizeParams(challenge, { scope: 'activity sleep profile' })), { redirect: 'manual' });
    expect(response.status).toBe(200);
    const html = await response.text();
    const transaction = /name="transaction" value="([^"]+)"/.exec(html)?.[1];
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!transaction || !action) throw new Error('consent form not found');
    return { html, transaction, action: new URL(action, emulator.baseUrl).toString() };
  }

  const decide = (action: string, fields: [string, string][]) =>
    fetch(action, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  it('shows the users to sign in as, a checkbox per requested scope, and Allow/Deny buttons, with inline CSS only', async () => {
    const { html } = await openConsentPage(pkcePair().challenge);
    expect(html).toContain('value="AAA111"');
    expect(html).toContain('value="BBB222"');
    expect(html).toContain('Bo &lt;b&gt;');
    for (const scope of ['activity', 'sleep', 'profile']) expect(html).toContain(`name="scope" value="${scope}" checked`);
    expect(html).toContain('value="allow"');
    expect(html).toContain('value="deny"');
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<link|<script|src="http/);
  });

  it('redirects with a code for the chosen user and only the ticked scopes (partial grant)', async () => {
    const { verifier, challenge } = pkcePair();
    const { transaction, action } = await openConsentPage(challenge);
    const response = await decide(action, [['transaction', transaction], ['user', 'BBB222'], ['scope', 'activity'], ['decision', 'allow']]);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('state-123');
    const code = location.searchParams.get('code')!;
    const tokens = await postForm(emulator.urls.tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    expect(tokens.body).toMatchObject({ user_id: 'BBB222', scope: 'activity' });
  });

  it('redirects with error=access_denied and the state on Deny', async () => {
    const { transaction, action } = await openConsentPage(pkcePair().challenge);
    const response = await decide(action, [['transaction', transaction], ['decision', 'deny']]);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('accepts each consent form once', async () => {
    const { transaction, action } = await openConsentPage(pkcePair().challenge);
    expect((await decide(action, [['transaction', transaction], ['user', 'AAA111'], ['decision', 'allow']])).status).toBe(302);
    const again = await decide(action, [['transaction', transaction], ['user', 'AAA111'], ['decision', 'allow']]);
    expect(again.status).toBe(400);
    expect(again.headers.get('location')).toBeNull();
  });
});
