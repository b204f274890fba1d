/**
 * The redirect URI is never built on the raw Host header, and the OAuth state cookie is Secure on
 * https (as the app's `trust proxy` decides), `__Secure-` prefixed then, and scoped to the module's path.
 */
import { request as httpRequest } from 'node:http';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OAUTH_STATE_COOKIE, SECURE_OAUTH_STATE_COOKIE } from '../../lib/auth/sealed-cookie-state.store.js';
import type { FitbitModuleOptions } from '../../lib/config/fitbit-module-options.interface.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { browserFor, emulatorOptions, PROVIDERS, startEmulator } from '../support/fitbit-fixture.js';
import { startFitbitTestApp, TEST_USER_HEADER, type FitbitTestApp } from '../support/fitbit-test-app.js';

describe.each(PROVIDERS)('redirect URI and state cookie (%s)', (provider) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;

  beforeAll(async () => {
    emulator = await startEmulator({ provider });
  });
  afterAll(() => emulator.stop());
  afterEach(async () => {
    vi.unstubAllEnvs();
    await app?.close();
    await dataSource?.destroy();
  });

  async function start(options: Partial<FitbitModuleOptions> = {}, trustProxy = false) {
    dataSource = await createSqliteDataSource();
    app = await startFitbitTestApp({ dataSource, fitbit: FitbitModule.forRoot(emulatorOptions(emulator, options)) });
    if (trustProxy) (app.app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void }).set('trust proxy', 'loopback');
  }
  const login = (headers: Record<string, string> = {}) => browserFor(1).get(`${app.url}/fitbit/login/`, { headers });
  const redirectUriOf = (response: Response) => new URL(response.headers.get('location')!).searchParams.get('redirect_uri');
  const stateCookieOf = (response: Response) => response.headers.getSetCookie().find((line) => line.includes(OAUTH_STATE_COOKIE))!;

  /** fetch will not send another Host than the URL's; node:http will. */
  const withHost = (host: string) =>
    new Promise<{ status: number; location: string | undefined; cookies: string[] }>((resolve, reject) => {
      const url = new URL(`${app.url}/fitbit/login/`);
      const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: { host, [TEST_USER_HEADER]: '1' } }, (response) => {
        response.resume();
        resolve({ status: response.statusCode!, location: response.headers.location, cookies: response.headers['set-cookie'] ?? [] });
      });
      request.once('error', reject);
      request.end();
    });

  it('never puts a forged Host into the redirect URI: the login ends on the error page', async () => {
    await start();
    expect(await withHost('evil.example')).toEqual({ status: 302, location: '/fitbit/error/', cookies: [] });
  });

  it('builds the redirect URI on a trusted origin named by the Host header', async () => {
    await start({ trustedOrigins: ['http://app.example'] });
    const { location } = await withHost('app.example');
    expect(new URL(location!).searchParams.get('redirect_uri')).toBe('http://app.example/fitbit/complete/');
  });

  it('ignores X-Forwarded-Host unless the app trusts the proxy, and then only for a trusted origin', async () => {
    await start({ trustedOrigins: ['https://app.example'] }, true);
    expect(redirectUriOf(await login({ 'x-forwarded-host': 'app.example', 'x-forwarded-proto': 'https' }))).toBe('https://app.example/fitbit/complete/');
    expect((await login({ 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' })).headers.get('location')).toBe('/fitbit/error/');
  });

  it('uses callbackUrl whatever the Host header says', async () => {
    await start({ callbackUrl: 'https://app.example/fitbit/complete/' });
    expect(new URL((await withHost('evil.example')).location!).searchParams.get('redirect_uri')).toBe('https://app.example/fitbit/complete/');
  });

  it('sets the state cookie Secure, __Secure- prefixed and scoped to the module path behind an https proxy the app trusts', async () => {
    await start({}, true);
    const cookie = stateCookieOf(await login({ 'x-forwarded-proto': 'https' }));
    expect(cookie.startsWith(`${SECURE_OAUTH_STATE_COOKIE}=`)).toBe(true);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\/fitbit\/(;|$)/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
  });

  it('over plain http (and from a proxy the app does not trust) the cookie is not Secure but still scoped to the module path', async () => {
    await start();
    const cookie = stateCookieOf(await login({ 'x-forwarded-proto': 'https' }));
    expect(cookie.startsWith(`${OAUTH_STATE_COOKIE}=`)).toBe(true);
    expect(cookie).not.toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\/fitbit\/(;|$)/);
  });

  it('refuses to start in production without callbackUrl, naming the option', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    dataSource = await createSqliteDataSource();
    @Module({ imports: [TypeOrmModule.forRoot({ ...dataSource.typeOrmOptions, migrationsRun: false }), FitbitModule.forRoot(emulatorOptions(emulator))] })
    class ProductionModule {}
    await expect(Test.createTestingModule({ imports: [ProductionModule] }).compile()).rejects.toThrow(
      /FitbitModule option "callbackUrl": is required when NODE_ENV is "production"/,
    );
  });
});
