import { getRepositoryToken } from '@nestjs/typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Repository } from 'typeorm';
import { OAUTH_STATE_COOKIE } from '../../lib/auth/sealed-cookie-state.store.js';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createDataSource, DATABASE_KINDS, type TestDataSource } from '../support/databases.js';
import { PROVIDER_DEFAULTS } from '../../lib/providers/provider-defaults.js';
import { browserFor, CLIENT_ID, connectThroughEmulator, emulatorOptions, PROVIDERS, providerFacts, startEmulator } from '../support/fitbit-fixture.js';
import { startFitbitTestApp, type FitbitTestApp } from '../support/fitbit-test-app.js';

const CASES = PROVIDERS.flatMap((provider) => DATABASE_KINDS.map((kind) => [provider, kind] as const));

describe.each(CASES)('connecting a Fitbit account (%s, %s)', (provider, kind) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;
  let links: Repository<UserFitbit>;
  let facts: ReturnType<typeof providerFacts>;

  beforeAll(async () => {
    emulator = await startEmulator({ provider });
    facts = providerFacts(emulator);
  });
  afterAll(() => emulator.stop());

  beforeEach(async () => {
    dataSource = await createDataSource(kind);
    app = await startFitbitTestApp({
      dataSource,
      fitbit: FitbitModule.forRoot(emulatorOptions(emulator, { loginRedirect: '/welcome', logoutRedirect: '/goodbye' })),
    });
    links = app.app.get(getRepositoryToken(UserFitbit));
    emulator.clearRequests();
  });
  afterEach(async () => {
    await app.close();
    await dataSource.destroy();
  });

  const linkOf = (userId: number) => links.findOneBy({ userId: String(userId) });

  describe('login/', () => {
    it('sends anonymous users to the sign-in URL with next', async () => {
      const response = await fetch(`${app.url}/fitbit/login/`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/fitbit/login/')}`);
    });

    it.each([
      ['not integrated', false],
      ['integrated', true],
    ])('redirects a %s user to the authorize URL with state and PKCE', async (_name, integrated) => {
      if (integrated) await connectThroughEmulator(app, browserFor(1));
      const browser = browserFor(1);
      const response = await browser.get(`${app.url}/fitbit/login/`);
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(emulator.urls.authorizeUrl);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: `${app.url}/fitbit/complete/`,
        code_challenge_method: 'S256',
        scope: PROVIDER_DEFAULTS[provider].scopes.join(' '),
      });
      expect(location.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(location.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
      const cookie = browser.cookie(new URL(app.url).host, OAUTH_STATE_COOKIE)!;
      expect(cookie).toBeTruthy();
      expect(cookie).not.toContain(location.searchParams.get('state'));
    });
  });

  describe('complete/', () => {
    it('stores the link, its expiry and the Fitbit time zone, then redirects to loginRedirect', async () => {
      const fitbitUser = emulator.addUser({ timezone: 'Pacific/Auckland' });
      emulator.setConsentUser(fitbitUser.id);
      const before = Date.now();
      expect(await connectThroughEmulator(app, browserFor(1))).toBe(`${app.url}/welcome`);

      const link = (await linkOf(1))!;
      expect(link).toMatchObject({ provider, providerUserId: facts.providerUserIdOf(fitbitUser), timeZone: 'Pacific/Auckland' });
      expect(link.expiresAt).toBeGreaterThanOrEqual(before + facts.accessTokenLifetimeMs - 5_000);
      expect(await facts.tokenWorks(app.app.get(UserLinkStore).accessToken(link))).toBe(true);
      const token = emulator.requests.find((request) => request.path === facts.tokenPath)!;
      expect(token.body).toMatch(/code_verifier=[\w-]{43}/);
      if (provider === 'fitbit') expect(token.headers.authorization).toMatch(/^Basic /);
      else expect(token.body).toContain('client_secret=test-secret');
    });

    it('follows a saved same-site next', async () => {
      expect(await connectThroughEmulator(app, browserFor(1), { next: '/dashboard?range=7d' })).toBe(`${app.url}/dashboard?range=7d`);
    });

    it.each(['https://evil.example/', '//evil.example', '/\\evil.example', '/\\/evil.example', 'javascript:alert(1)', '/\r\nLocation: http://evil.example', 'http:/evil.example'])(
      'ignores an off-site next %s',
      async (next) => {
        const final = await connectThroughEmulator(app, browserFor(1), { next });
        expect(final).toBe(`${app.url}/welcome`);
        expect(await linkOf(1)).not.toBeNull();
      },
    );

    it('overwrites the user\'s old link', async () => {
      const first = emulator.addUser();
      emulator.setConsentUser(first.id);
      await connectThroughEmulator(app, browserFor(1));
      const second = emulator.addUser();
      emulator.setConsentUser(second.id);
      await connectThroughEmulator(app, browserFor(1));
      expect(await links.countBy({ userId: '1' })).toBe(1);
      expect((await linkOf(1))!.providerUserId).toBe(facts.providerUserIdOf(second));
    });

    it('refuses an account already linked to another user and changes nothing', async () => {
      const shared = emulator.addUser();
      emulator.setConsentUser(shared.id);
      await connectThroughEmulator(app, browserFor(2));
      const before = await linkOf(2);
      expect(await connectThroughEmulator(app, browserFor(1))).toBe(`${app.url}/fitbit/error/?reason=linked-elsewhere`);
      expect(await linkOf(1)).toBeNull();
      expect(await linkOf(2)).toEqual(before);
    });

    it('redirects to the error page without a code', async () => {
      const response = await browserFor(1).get(`${app.url}/fitbit/complete/`);
      expect(response.headers.get('location')).toBe('/fitbit/error/?reason=exchange-failed');
      expect(await linkOf(1)).toBeNull();
    });

    it('redirects to the error page, saying so, when the user cancels or denies access', async () => {
      const response = await browserFor(1).get(`${app.url}/fitbit/complete/?error=access_denied&state=x`);
      expect(response.headers.get('location')).toBe('/fitbit/error/?reason=cancelled');
    });

    it('sends a denial through the real consent page to the error page as cancelled', async () => {
      const browser = browserFor(1);
      const login = await browser.get(`${app.url}/fitbit/login/`);
      const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
      const consent = new URL(authorize.headers.get('location')!);
      // Auto-approve answers with a code; a person who says no comes back with error=access_denied.
      consent.searchParams.delete('code');
      consent.searchParams.set('error', 'access_denied');
      expect((await browser.get(consent.toString())).headers.get('location')).toBe('/fitbit/error/?reason=cancelled');
      expect(await linkOf(1)).toBeNull();
    });

    it('refuses a grant that covers none of the data types, gives it back and says so', async () => {
      // The grant holds only the scope the identity needs, as if every data scope had been unticked
      // (a new account: Google adds back what an account granted before).
      emulator.setConsentUser(emulator.addUser().id);
      const identityOnly = provider === 'fitbit' ? ['profile'] : ['https://www.googleapis.com/auth/googlehealth.profile.readonly'];
      const narrow = await startFitbitTestApp({ dataSource, fitbit: FitbitModule.forRoot(emulatorOptions(emulator, { scopes: identityOnly })) });
      try {
        expect(await connectThroughEmulator(narrow, browserFor(1))).toBe(`${narrow.url}/fitbit/error/?reason=missing-scopes`);
        expect(await linkOf(1)).toBeNull();
        await expect.poll(() => emulator.requests.some((request) => request.path === facts.revokePath)).toBe(true);
      } finally {
        await narrow.close();
      }
    });

    type TokenFault = { status: number; body?: unknown; path?: string };
    it.each<[string, TokenFault]>([
      ['the exchange fails', { status: 500 }],
      ['the token has no access token', { status: 200, body: { refresh_token: 'r', expires_in: 28800, user_id: 'ABC123', token_type: 'Bearer' } }],
      ['the code is refused', { status: 400, body: { errors: [{ errorType: 'invalid_grant', message: 'bad code' }], success: false, error: 'invalid_grant' } }],
      ...(provider === 'fitbit'
        ? ([['the token has no user id', { status: 200, body: { access_token: 'a', refresh_token: 'r', expires_in: 28800, token_type: 'Bearer' } }]] as [string, TokenFault][])
        : ([['the identity call fails', { status: 500, path: '/v4/users/me/identity' }]] as [string, TokenFault][])),
    ])('redirects to the error page and stores nothing when %s', async (_name, fault) => {
      emulator.faults.inject({ method: fault.path ? 'GET' : 'POST', times: 1, ...fault, path: fault.path ?? facts.tokenPath });
      expect(await connectThroughEmulator(app, browserFor(1))).toBe(`${app.url}/fitbit/error/?reason=exchange-failed`);
      expect(await linkOf(1)).toBeNull();
      emulator.faults.clear();
    });

    it('refuses a callback whose state does not match this browser', async () => {
      const browser = browserFor(1);
      const login = await browser.get(`${app.url}/fitbit/login/`);
      const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
      const callback = new URL(authorize.headers.get('location')!);
      callback.searchParams.set('state', 'forged-state-value-forged-state-value');
      const response = await browser.get(callback.toString());
      expect(response.headers.get('location')).toBe('/fitbit/error/?reason=state-expired');
      expect(await linkOf(1)).toBeNull();
    });

    it('refuses a callback in a browser that did not start the login (login CSRF)', async () => {
      const login = await browserFor(1).get(`${app.url}/fitbit/login/`);
      const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
      const response = await browserFor(1).get(authorize.headers.get('location')!);
      expect(response.headers.get('location')).toBe('/fitbit/error/?reason=state-expired');
      expect(await linkOf(1)).toBeNull();
    });

    it('refuses a callback for a different signed-in user than the one who started it', async () => {
      const browser = browserFor(1);
      const login = await browser.get(`${app.url}/fitbit/login/`);
      const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
      browser.setHeader('x-test-user', '2');
      const response = await browser.get(authorize.headers.get('location')!);
      expect(response.headers.get('location')).toBe('/fitbit/error/?reason=state-expired');
      expect(await linkOf(2)).toBeNull();
    });

    it('sends anonymous users to sign in without echoing the code or state into the sign-in URL', async () => {
      const response = await fetch(`${app.url}/fitbit/complete/?code=the-code-4x9&state=the-state-7q2`, { redirect: 'manual' });
      expect(response.headers.get('location')).toBe('/login');
      expect(await response.text()).not.toMatch(/the-code-4x9|the-state-7q2/);
    });
  });

  describe('error/', () => {
    it('sends anonymous users to sign in', async () => {
      const response = await fetch(`${app.url}/fitbit/error/`, { redirect: 'manual' });
      expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/fitbit/error/')}`);
    });

    it.each([false, true])('renders the error page (integrated: %s)', async (integrated) => {
      if (integrated) await connectThroughEmulator(app, browserFor(1));
      const response = await browserFor(1).get(`${app.url}/fitbit/error/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(await response.text()).toContain('<h1>Fitbit Authentication Error</h1>');
    });

    const display = provider === 'fitbit' ? 'Fitbit' : 'Google';
    it.each([
      ['cancelled', `The sign-in at ${display} was cancelled, so nothing was connected.`],
      ['linked-elsewhere', `This ${display} account is already connected to another user of this app.`],
      ['exchange-failed', `${display} did not complete the sign-in, so nothing was connected.`],
      ['state-expired', 'The sign-in took too long, or was started in another browser or by another user'],
      ['missing-scopes', `No access to any of the data this app uses was allowed at ${display}`],
      ['no-such-reason', `We encountered an error while attempting to authenticate you through ${display}.`],
    ])('says why for reason %s, in the provider\'s name, with a link to try again', async (reason, text) => {
      const page = await (await browserFor(1).get(`${app.url}/fitbit/error/?reason=${reason}`)).text();
      expect(page).toContain(text);
      expect(page).toContain('<a class="retry" href="/fitbit/login/">Try again</a>');
      expect(page).not.toContain(provider === 'fitbit' ? 'Google' : 'through Fitbit');
    });
  });

  describe('logout/', () => {
    it('sends anonymous users to sign in', async () => {
      const response = await fetch(`${app.url}/fitbit/logout/`, { redirect: 'manual' });
      expect(response.headers.get('location')).toMatch(/^\/login\?next=/);
    });

    it('revokes the grant at Fitbit, deletes the link and redirects to logoutRedirect', async () => {
      await connectThroughEmulator(app, browserFor(1));
      const link = (await linkOf(1))!;
      const accessToken = app.app.get(UserLinkStore).accessToken(link);
      const response = await browserFor(1).get(`${app.url}/fitbit/logout/`);
      expect(response.headers.get('location')).toBe('/goodbye');
      expect(await linkOf(1)).toBeNull();
      expect(emulator.requests.some((request) => request.path === facts.revokePath && request.status === 200)).toBe(true);
      expect(await facts.tokenWorks(accessToken)).toBe(false);
    });

    it('follows a same-site next and ignores an off-site one', async () => {
      await connectThroughEmulator(app, browserFor(1));
      expect((await browserFor(1).get(`${app.url}/fitbit/logout/?next=/bye`)).headers.get('location')).toBe('/bye');
      expect((await browserFor(1).get(`${app.url}/fitbit/logout/?next=//evil.example`)).headers.get('location')).toBe('/goodbye');
    });

    it('just redirects a user without a link', async () => {
      const response = await browserFor(3).get(`${app.url}/fitbit/logout/`);
      expect(response.headers.get('location')).toBe('/goodbye');
      expect(emulator.requests.some((request) => request.path === facts.revokePath)).toBe(false);
    });
  });
});
