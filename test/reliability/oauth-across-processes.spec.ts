/**
 * Issue #8, item 1: behind a load balancer `login/` and `complete/` land on different app
 * processes. Login on process A, the provider sends the browser back to process B's
 * `complete/` (the registered callback URL), B must finish the link from the sealed cookie
 * alone — and must refuse a tampered cookie, or the state of another browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAUTH_STATE_COOKIE } from '../../lib/auth/sealed-cookie-state.store.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import type { AppProcess } from '../support/app-processes.js';
import { createPostgresDataSource, type TestDataSource } from '../support/databases.js';
import { emulatorOptions, PROVIDERS, providerFacts, startEmulator } from '../support/fitbit-fixture.js';
import { TEST_USER_HEADER } from '../support/test-sign-in.js';
import { connectionOf, dataStatus, startApps, stopAll, summary } from './support/cluster.js';

/** One browser: its cookies for the app's site (host without port, as browsers keep them). */
class SiteBrowser {
  private cookie: string | null = null;
  requests = 0;
  serverErrors = 0;

  constructor(private readonly appUserId: string) {}

  async get(url: string, options: { cookie?: string | null } = {}): Promise<{ status: number; location: string | null }> {
    const cookie = options.cookie === undefined ? this.cookie : options.cookie;
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { [TEST_USER_HEADER]: this.appUserId, ...(cookie ? { cookie: `${OAUTH_STATE_COOKIE}=${cookie}` } : {}) },
    });
    this.requests += 1;
    if (response.status >= 500) this.serverErrors += 1;
    await response.arrayBuffer();
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (name === OAUTH_STATE_COOKIE) this.cookie = value === '' ? null : value;
    }
    return { status: response.status, location: response.headers.get('location') };
  }

  get stateCookie(): string | null {
    return this.cookie;
  }
}

describe.each(PROVIDERS)('OAuth across processes: login on A, complete on B (PostgreSQL, %s)', (provider) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let processes: AppProcess[] = [];
  let a: string;
  let b: string;
  let facts: ReturnType<typeof providerFacts>;

  beforeAll(async () => {
    emulator = await startEmulator({ provider });
    facts = providerFacts(emulator);
    dataSource = await createPostgresDataSource();
    const database = connectionOf(dataSource);
    // B first: A's registered callback is B's complete/, as if both stood behind one public address.
    const [processB] = await startApps([{ database, fitbit: emulatorOptions(emulator, { loginRedirect: '/home' }) }]);
    const [processA] = await startApps([
      { database, fitbit: emulatorOptions(emulator, { loginRedirect: '/home', callbackUrl: `${processB!.url}/fitbit/complete/` }) },
    ]);
    processes = [processA!, processB!];
    [a, b] = [processA!.url!, processB!.url!];
  }, 120_000);
  afterAll(async () => {
    await stopAll(processes);
    await dataSource?.destroy();
    await emulator?.stop();
  });

  const linkOf = (appUserId: string) => dataSource.getRepository(UserFitbit).findOneBy({ userId: appUserId });

  /** login/ on A, then the provider's authorize page; returns B's complete/ URL the provider sent the browser to. */
  async function loginOnA(browser: SiteBrowser, next?: string): Promise<string> {
    const login = await browser.get(`${a}/fitbit/login/${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    expect(login.status).toBe(302);
    expect(login.location!.startsWith(emulator.urls.authorizeUrl)).toBe(true);
    expect(new URL(login.location!).searchParams.get('redirect_uri')).toBe(`${b}/fitbit/complete/`);
    expect(browser.stateCookie).toBeTruthy();
    const authorize = await browser.get(login.location!, { cookie: null });
    expect(authorize.status).toBe(302);
    expect(authorize.location!.startsWith(`${b}/fitbit/complete/?`)).toBe(true);
    return authorize.location!;
  }

  it('links the account on B, refuses a tampered cookie and another browser’s state, and the link works on both', async () => {
    let requests = 0;
    let refused = 0;
    let serverErrors = 0;

    // A tampered cookie: one character of the sealed text changed.
    const fitbitUser = emulator.addUser();
    emulator.setConsentUser(fitbitUser.id);
    const tamperer = new SiteBrowser('501');
    const tamperedCallback = await loginOnA(tamperer);
    const sealed = tamperer.stateCookie!;
    const flipped = `${sealed.slice(0, -3)}${sealed.at(-3) === 'A' ? 'B' : 'A'}${sealed.slice(-2)}`;
    const tampered = await tamperer.get(tamperedCallback, { cookie: flipped });
    expect(tampered).toEqual({ status: 302, location: '/fitbit/error/?reason=state-expired' });
    expect(await linkOf('501')).toBeNull();
    refused += 1;
    requests += tamperer.requests;
    serverErrors += tamperer.serverErrors;

    // Another browser of the same user: its own pending login, but the callback of the first browser.
    const first = new SiteBrowser('502');
    const second = new SiteBrowser('502');
    const firstCallback = await loginOnA(first);
    await loginOnA(second);
    const crossed = await second.get(firstCallback);
    expect(crossed).toEqual({ status: 302, location: '/fitbit/error/?reason=state-expired' });
    expect(await linkOf('502')).toBeNull();
    refused += 1;

    // The same cookie and callback, but signed in as someone else on B.
    const intruder = new SiteBrowser('503');
    const stolen = await intruder.get(firstCallback, { cookie: first.stateCookie });
    expect(stolen).toEqual({ status: 302, location: '/fitbit/error/?reason=state-expired' });
    expect(await linkOf('503')).toBeNull();
    refused += 1;

    // No cookie at all (a different site's cookie jar, as port-blind browsers would not have).
    const cookieless = await new SiteBrowser('502').get(firstCallback, { cookie: null });
    expect(cookieless).toEqual({ status: 302, location: '/fitbit/error/?reason=state-expired' });
    refused += 1;
    requests += first.requests + second.requests + intruder.requests + 1;
    serverErrors += first.serverErrors + second.serverErrors + intruder.serverErrors;

    // The real thing: login on A with next, complete on B.
    const owner = emulator.addUser();
    emulator.setConsentUser(owner.id);
    const browser = new SiteBrowser('504');
    const callback = await loginOnA(browser, '/after?x=1');
    const done = await browser.get(callback);
    expect(done).toEqual({ status: 302, location: '/after?x=1' });
    expect(browser.stateCookie).toBeNull();
    const link = await linkOf('504');
    expect(link).toMatchObject({ provider, providerUserId: facts.providerUserIdOf(owner) });
    expect(await facts.tokenWorks(link!.accessToken)).toBe(true);
    // A replay of the same callback (cookie already spent) fails and keeps the link.
    const replay = await browser.get(callback, { cookie: null });
    expect(replay.location).toBe('/fitbit/error/?reason=state-expired');
    expect(await linkOf('504')).toMatchObject({ accessToken: link!.accessToken });
    requests += browser.requests;
    serverErrors += browser.serverErrors;

    // Both processes serve the user's data with the link B stored.
    const answers = await Promise.all([dataStatus(a, '504'), dataStatus(b, '504')]);
    expect(answers).toEqual([
      { http: 200, code: 100 },
      { http: 200, code: 100 },
    ]);
    requests += 2;
    expect(serverErrors).toBe(0);
    const stored = await dataSource.getRepository(UserFitbit).count();
    expect(stored).toBe(1);

    summary(
      `oauth-across-processes (${provider}): ${requests} requests, login on A → complete on B linked 1 of 1, ` +
        `${refused} forged/crossed callbacks refused, links expected/stored 1/${stored}, ${serverErrors} 5xx`,
    );
  }, 60_000);
});
