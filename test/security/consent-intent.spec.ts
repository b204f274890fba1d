/**
 * Consent actions need the user's own same-origin intent: a page on another site must not start a
 * link (login CSRF: the victim's health data flowing into the attacker's account) nor delete one.
 */
import type { NextFunction, Request, Response } from 'express';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { browserFor, connectThroughEmulator, emulatorOptions, PROVIDERS, providerFacts, startEmulator } from '../support/fitbit-fixture.js';
import { startFitbitTestApp, type FitbitTestApp } from '../support/fitbit-test-app.js';

/** A connect-flash stand-in that keeps what the module flashed on the request for the test. */
const flashed: { level: string; text: string }[] = [];
function recordFlash(req: Request, _res: Response, next: NextFunction): void {
  (req as unknown as { flash: (level: string, text: string) => void }).flash = (level, text) => flashed.push({ level, text });
  next();
}

describe.each(PROVIDERS)('same-origin intent for login/ and logout/ (%s)', (provider) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;
  let facts: ReturnType<typeof providerFacts>;

  beforeAll(async () => {
    emulator = await startEmulator({ provider });
    facts = providerFacts(emulator);
  });
  afterAll(() => emulator.stop());
  beforeEach(async () => {
    dataSource = await createSqliteDataSource();
    app = await startFitbitTestApp({
      dataSource,
      fitbit: FitbitModule.forRoot(emulatorOptions(emulator, { logoutRedirect: '/goodbye' })),
      middleware: [recordFlash],
    });
    flashed.length = 0;
    emulator.setConsentUser(emulator.addUser().id);
    emulator.clearRequests();
  });
  afterEach(async () => {
    await app.close();
    await dataSource.destroy();
  });

  const linkOf = (userId: number) => app.app.get(UserLinkStore).findByUser(String(userId));
  const crossSite = [
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }],
    ['an Origin of another site', { origin: 'https://evil.example' }],
    ['Origin: null (a sandboxed frame)', { origin: 'null' }],
    ['a Referer of another site', { referer: 'https://evil.example/auto-post.html' }],
    ['same-site without an origin of this site', { 'sec-fetch-site': 'same-site' }],
  ] as const;

  it.each(crossSite)('login/ refuses a request with %s: a 403 page, no redirect to the provider', async (_name, headers) => {
    const response = await browserFor(1).get(`${app.url}/fitbit/login/?next=/dashboard`, { headers });
    expect(response.status).toBe(403);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await response.text()).toContain('came from another website, so nothing was changed');
  });

  it.each([
    ['a same-origin navigation', { 'sec-fetch-site': 'same-origin', referer: 'REFERER' }],
    ['a typed URL or bookmark', { 'sec-fetch-site': 'none' }],
    ['a browser that sends no Fetch Metadata', {}],
  ])('login/ still redirects straight to the provider for %s', async (_name, headers) => {
    const withReferer = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value === 'REFERER' ? `${app.url}/home` : value]));
    const response = await browserFor(1).get(`${app.url}/fitbit/login/`, { headers: withReferer });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')!.startsWith(emulator.urls.authorizeUrl)).toBe(true);
  });

  it.each(crossSite)('GET logout/ refuses a request with %s and keeps the link and the grant', async (_name, headers) => {
    await connectThroughEmulator(app, browserFor(1));
    const link = (await linkOf(1))!;
    const response = await browserFor(1).get(`${app.url}/fitbit/logout/`, { headers });
    expect(response.status).toBe(403);
    expect(await linkOf(1)).not.toBeNull();
    expect(emulator.requests.some((request) => request.path === facts.revokePath)).toBe(false);
    expect(await facts.tokenWorks(app.app.get(UserLinkStore).accessToken(link))).toBe(true);
  });

  it('POST logout/ from a form on this site disconnects and follows next from the form', async () => {
    await connectThroughEmulator(app, browserFor(1));
    const link = (await linkOf(1))!;
    const accessToken = app.app.get(UserLinkStore).accessToken(link);
    const response = await browserFor(1).get(`${app.url}/fitbit/logout/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, 'sec-fetch-site': 'same-origin' },
      body: 'next=%2Fbye',
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/bye');
    expect(await linkOf(1)).toBeNull();
    expect(await facts.tokenWorks(accessToken)).toBe(false);
  });

  it('POST logout/ auto-submitted by another site changes nothing', async () => {
    await connectThroughEmulator(app, browserFor(1));
    const response = await browserFor(1).get(`${app.url}/fitbit/logout/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: 'next=%2F',
    });
    expect(response.status).toBe(403);
    expect(await linkOf(1)).not.toBeNull();
  });

  it('GET logout/ keeps working for a same-origin navigation (django-fitbit)', async () => {
    await connectThroughEmulator(app, browserFor(1));
    const response = await browserFor(1).get(`${app.url}/fitbit/logout/`, { headers: { 'sec-fetch-site': 'same-origin', referer: `${app.url}/` } });
    expect(response.headers.get('location')).toBe('/goodbye');
    expect(await linkOf(1)).toBeNull();
  });

  it('after complete/ the confirmation names the app account the provider account was linked to', async () => {
    await connectThroughEmulator(app, browserFor(7));
    expect(flashed).toContainEqual({ level: 'success', text: 'Your Fitbit account is now connected to your account "user7" on this site.' });
  });
});
