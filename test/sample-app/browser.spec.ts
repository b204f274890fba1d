import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Bull from 'bull';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../lib/data/calendar.js';
import { RECONNECT_MESSAGE } from '../../lib/integration/fitbit.service.js';
import { FITBIT_QUEUE } from '../../lib/index.js';
import type { EmulatorUser, FitbitEmulator } from '../../lib/testing/index.js';
import { startStrictEmulator } from '../support/strict-emulators.js';
import { TEST_REDIS_URL } from '../support/service-urls.js';
import { startSampleApp, type SampleAppProcess } from './sample-app-process.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../artifacts/sample-app/', import.meta.url));
const CLIENT_ID = 'sample-browser-client';
const CLIENT_SECRET = 'sample-browser-secret';
const WEBHOOK_AUTHORIZATION = 'Bearer sample-browser-webhook-secret';
const PROJECT_NUMBER = '555000111222';
const DEFAULT_WARNING = 'This page requires Fitbit integration.';

type Provider = 'fitbit' | 'google-health';
const PROVIDERS: readonly Provider[] = ['fitbit', 'google-health'];

/** What differs between the two providers in the browser. */
const FACTS = {
  fitbit: {
    consentHeading: 'Allow access to your Fitbit data?',
    unsupportedNote: (type: string) => `Fitbit no longer serves “${type}”, so there is nothing to chart.`,
    demoOutput: /Demo mode: .*Fitbit emulator at http:\/\/127\.0\.0\.1:\d+ stands in for Fitbit\n/,
    consentUrl: /127\.0\.0\.1:\d+\/oauth2\/authorize\?/,
  },
  'google-health': {
    consentHeading: 'Sign in with Google',
    unsupportedNote: (type: string) => `Google Health has no equivalent of “${type}”, so there is nothing to chart.`,
    demoOutput: /Demo mode: .*Google Health emulator at http:\/\/127\.0\.0\.1:\d+ stands in for Google Health\n/,
    consentUrl: /127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?/,
  },
} as const;

interface DashboardReading {
  rows: { date: string; value: string }[];
  labels: string[];
  values: (number | null)[];
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

async function signIn(page: Page, app: SampleAppProcess, username: string, password: string): Promise<void> {
  await page.goto(`${app.url}/`);
  await page.waitForURL(/\/login\?next=%2F$/);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]:has-text("Sign in")')]);
}

// Run in the page (as strings: this project's TypeScript has no DOM types).
const DASHBOARD_SETTLED = `(() => {
  const state = document.getElementById('chart-status')?.dataset.state;
  return state !== undefined && state !== 'loading';
})()`;
const READ_DASHBOARD = `(() => ({
  rows: [...document.querySelectorAll('#data-table tbody tr')].map((row) => {
    const [date, value] = [...row.querySelectorAll('td')].map((cell) => cell.textContent);
    return { date, value };
  }),
  labels: [...window.fitbitChart.data.labels],
  values: [...window.fitbitChart.data.datasets[0].data],
}))()`;

/** Waits until the dashboard shows the answer to its latest request; returns data-state. */
async function dashboardSettled(page: Page): Promise<string> {
  await page.waitForFunction(DASHBOARD_SETTLED);
  return (await page.getAttribute('#chart-status', 'data-state'))!;
}

/** Changes a dashboard control and waits for the chart that follows; returns data-state. */
async function choose(page: Page, select: string, value: string): Promise<string> {
  await Promise.all([page.waitForResponse((response) => response.url().includes('/fitbit/get_data/')), page.selectOption(select, value)]);
  return dashboardSettled(page);
}

/** The table's rows and the Chart.js instance's labels and numbers (window.fitbitChart). */
function readDashboard(page: Page): Promise<DashboardReading> {
  return page.evaluate<DashboardReading>(READ_DASHBOARD);
}

/**
 * The table and the chart hold, for each of the user's last `days` days, what the emulator serves for that path:
 * the legacy emulator's exact text; through Google, the legacy-unit number the Google values are derived from
 * (within 0.01, as km and kg come back from millimetres and grams).
 */
function expectEmulatorNumbers(reading: DashboardReading, emulator: FitbitEmulator, user: EmulatorUser, path: string, days: number): void {
  const today = emulator.todayOf(user.id);
  const dates = Array.from({ length: days }, (_, i) => addDays(today, i - days + 1));
  expect(reading.rows.map((row) => row.date)).toEqual(dates);
  const served = dates.map((date) => ({ date, value: emulator.dailyValue(user.id, path, date) }));
  expect(served.every((row) => row.value !== null), `${path}: the emulator has a value for every day`).toBe(true);
  if (emulator.modeName === 'fitbit') {
    expect(reading.rows).toEqual(served);
  } else {
    for (const [index, row] of reading.rows.entries()) {
      const difference = Math.abs(Number(row.value) - Number(served[index]!.value));
      expect(difference, `${path} ${row.date}: shown ${row.value}, emulator ${served[index]!.value}`).toBeLessThanOrEqual(0.01 + 1e-9);
    }
  }
  expect(reading.labels).toEqual(dates);
  expect(reading.values).toEqual(reading.rows.map((row) => Number(row.value)));
}

/** Waits until the emulator has had no request for a moment (the history import is done). */
async function emulatorQuiet(emulator: FitbitEmulator): Promise<void> {
  let seen = -1;
  for (let attempt = 0; attempt < 40 && emulator.requests.length !== seen; attempt += 1) {
    seen = emulator.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Runs SQL on a sample app's SQLite file (WAL: the running app keeps working). */
async function withDatabase<T>(file: string, work: (database: DataSource) => Promise<T>): Promise<T> {
  const database = await new DataSource({ type: 'better-sqlite3', database: file }).initialize();
  try {
    return await work(database);
  } finally {
    await database.destroy();
  }
}

describe('the sample app in a browser', () => {
  const queuePrefix = `sample-browser-${process.pid}-${Date.now()}`;
  let browser: Browser;
  const emulators = {} as Record<Provider, FitbitEmulator>;
  /** Against the test's emulator of each provider; google-health with subscriptions (REDIS_URL); demo mode (both providers). Started side by side. */
  const plainApps = {} as Record<Provider, SampleAppProcess>;
  const demoApps = {} as Record<Provider, SampleAppProcess>;
  let subscribingApp: SampleAppProcess;

  /** The variables that point the app at the test's emulator. */
  function againstEmulator(provider: Provider): Record<string, string> {
    const urls = emulators[provider].urls;
    const common = { SAMPLE_USERS: 'alice:wonderland,bob:builder', FITBIT_CLIENT_ID: CLIENT_ID, FITBIT_CLIENT_SECRET: CLIENT_SECRET, FITBIT_AUTHORIZE_URL: urls.authorizeUrl };
    if (provider === 'fitbit') return { ...common, FITBIT_PROVIDER: 'fitbit', FITBIT_API_URL: urls.apiUrl };
    // No FITBIT_PROVIDER: google-health is the default.
    return {
      ...common,
      FITBIT_API_URL: urls.apiUrl,
      FITBIT_TOKEN_URL: urls.tokenUrl,
      FITBIT_REVOKE_URL: urls.revokeUrl,
      FITBIT_KEYSET_URL: urls.keysetUrl!,
      FITBIT_WEBHOOK_AUTHORIZATION: WEBHOOK_AUTHORIZATION,
      GOOGLE_PROJECT_NUMBER: PROJECT_NUMBER,
    };
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const file of readdirSync(ARTIFACTS).filter((name) => name.endsWith('.png'))) rmSync(`${ARTIFACTS}${file}`);
    [emulators.fitbit, emulators['google-health']] = await Promise.all([
      startStrictEmulator({ mode: 'fitbit', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, autoApprove: false, realTime: true }),
      startStrictEmulator({
        mode: 'google-health',
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        autoApprove: false,
        realTime: true,
        rateLimitPerMinute: 100_000,
        webhookAuthorization: WEBHOOK_AUTHORIZATION,
        projectNumber: PROJECT_NUMBER,
      }),
    ]);
    [browser, plainApps.fitbit, plainApps['google-health'], subscribingApp, demoApps['google-health'], demoApps.fitbit] = await Promise.all([
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      }),
      startSampleApp(againstEmulator('fitbit')),
      startSampleApp(againstEmulator('google-health')),
      startSampleApp({
        ...againstEmulator('google-health'),
        REDIS_URL: TEST_REDIS_URL,
        FITBIT_QUEUE_PREFIX: queuePrefix,
        FITBIT_SUBSCRIBER_ID: 'sample-browser-subscriber',
        FITBIT_HISTORICAL_INIT_DELAY: '0',
        FITBIT_BETWEEN_DELAY: '0',
      }),
      startSampleApp({}),
      startSampleApp({ FITBIT_PROVIDER: 'fitbit' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([...Object.values(plainApps), ...Object.values(demoApps), subscribingApp].map((app) => app?.stop()));
    await browser?.close();
    await Promise.all(Object.values(emulators).map((emulator) => emulator.stop()));
    const queue = new Bull(FITBIT_QUEUE, { redis: TEST_REDIS_URL, prefix: queuePrefix });
    await queue.obliterate({ force: true });
    await queue.close();
    // The module's job locks live beside the queue under the same prefix.
    const redis = new Redis(TEST_REDIS_URL);
    for await (const keys of redis.scanStream({ match: `${queuePrefix}:*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
    await redis.quit();
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    page.setDefaultTimeout(10_000);
    return page;
  }

  /** Connect → the emulator's consent page (Fitbit's or Google's) → pick the account → allow → back on the dashboard. */
  async function connectThroughConsentPage(page: Page, app: SampleAppProcess, emulator: FitbitEmulator, user: EmulatorUser, shot?: string): Promise<void> {
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${emulator.urls.authorizeUrl}?`)), page.click('#connect-fitbit')]);
    expect(await page.locator('h1').textContent()).toBe(FACTS[emulator.modeName].consentHeading);
    await page.check(`input[name=user][value="${user.id}"]`);
    if (shot) await screenshot(page, shot);
    await page.click('button.allow');
    await page.waitForURL((url) => url.href.startsWith(`${app.url}/dashboard`)).catch((error: Error) => {
      throw new Error(`${error.message}\nat ${page.url()}\n${app.output()}`);
    });
  }

  it.each(PROVIDERS)(
    '%s: signs in, connects through the consent page, charts the emulator numbers, switches period and disconnects',
    async (provider) => {
      const app = plainApps[provider];
      const emulator = emulators[provider];
      const shot = (page: Page, name: string) => screenshot(page, `${provider}-${name}`);
      const fitbitUser = emulator.addUser({ displayName: `Alice on ${provider}`, timezone: 'Europe/Berlin', memberSince: daysAgo(90) });
      const page = await newPage();

      await page.goto(`${app.url}/`);
      await page.waitForURL(/\/login\?next=%2F$/);
      await shot(page, '01-sign-in');
      await signIn(page, app, 'alice', 'wonderland');
      expect(await page.locator('.message-warning').allTextContents()).toEqual([DEFAULT_WARNING]);
      expect(await page.locator('#connect-fitbit').isVisible()).toBe(true);
      await shot(page, '02-home-with-warning');

      await connectThroughConsentPage(page, app, emulator, fitbitUser, `${provider}-03-consent`);
      expect(await dashboardSettled(page)).toBe('ready');
      expect(await page.locator('.message-warning').count()).toBe(0);
      expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 30);
      await shot(page, '04-dashboard-steps-30d');

      expect(await choose(page, '#period', '7d')).toBe('ready');
      expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 7);
      expect(new URL(page.url()).search).toBe('?type=activities%2Fsteps&period=7d');
      expect(await choose(page, '#type', 'activities/distance')).toBe('ready');
      expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/distance', 7);
      await shot(page, '05-dashboard-distance-7d');

      // A type the provider has no data for: an empty chart and a note, not an error.
      const unsupported = provider === 'google-health' ? ['activities/activeScore', 'sleep/awakeningsCount'] : ['activities/activeScore'];
      for (const path of unsupported) {
        expect(await choose(page, '#type', path)).toBe('unsupported');
        const label = await page.locator('#type option:checked').textContent();
        expect(await page.textContent('#chart-status')).toBe(FACTS[provider].unsupportedNote(label!));
        expect(await readDashboard(page)).toEqual({ rows: [], labels: [], values: [] });
      }
      await shot(page, '06-dashboard-unsupported-type');

      await Promise.all([page.waitForURL(`${app.url}/`), page.click('#disconnect-fitbit')]);
      expect(await page.locator('.message-warning').allTextContents()).toEqual([DEFAULT_WARNING]);
      expect(await page.locator('#connect-fitbit').isVisible()).toBe(true);
      await shot(page, '07-disconnected');

      await Promise.all([page.waitForURL(`${app.url}/login`), page.click('button:has-text("Sign out")')]);
      expect(await page.locator('.message-info').allTextContents()).toEqual(['You are signed out.']);
      await page.goto(`${app.url}/dashboard`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.close();
    },
  );

  it('google-health: a user still linked through the legacy Fitbit API is asked to connect again, and can', async () => {
    const app = plainApps['google-health'];
    const emulator = emulators['google-health'];
    const fitbitUser = emulator.addUser({ displayName: 'Bob, once on Fitbit', timezone: 'Europe/Paris', memberSince: daysAgo(40) });
    await withDatabase(app.databaseFile, async (database) => {
      const [bob] = (await database.query(`SELECT id FROM sample_user WHERE username = 'bob'`)) as { id: number }[];
      await database.query(
        `INSERT INTO fitbit_user_link (user_id, provider, provider_user_id, access_token, refresh_token, expires_at, time_zone, created_at)
         VALUES (?, 'fitbit', ?, 'legacy-access-token', 'legacy-refresh-token', ?, 'Europe/Paris', ?)`,
        [String(bob!.id), fitbitUser.id, Date.now() + 3_600_000, Date.now() - 86_400_000],
      );
    });
    const page = await newPage();
    await signIn(page, app, 'bob', 'builder');
    expect(await page.locator('.message-warning').allTextContents()).toEqual([RECONNECT_MESSAGE]);
    expect(await page.locator('#connect-fitbit').isVisible()).toBe(true);
    await screenshot(page, 'google-health-08-legacy-link-reconnect');

    await connectThroughConsentPage(page, app, emulator, fitbitUser);
    expect(await dashboardSettled(page)).toBe('ready');
    expect(await page.locator('.message-warning').count()).toBe(0);
    expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 30);
    await page.goto(`${app.url}/`);
    expect(await page.locator('.message-warning').count()).toBe(0);
    await page.close();
  });

  it('google-health with subscriptions (REDIS_URL) serves the dashboard from the database after the history import', async () => {
    const app = subscribingApp;
    const emulator = emulators['google-health'];
    const fitbitUser = emulator.addUser({ displayName: 'Bob on Google', timezone: 'America/Chicago', memberSince: daysAgo(60) });
    const page = await newPage();
    await signIn(page, app, 'bob', 'builder');
    await connectThroughConsentPage(page, app, emulator, fitbitUser);

    // The import runs in the app's in-process worker; until it has stored the steps the page says so.
    let state = await dashboardSettled(page);
    for (let attempt = 0; state !== 'ready' && attempt < 40; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await page.click('#chart-controls button[type=submit]');
      state = await dashboardSettled(page);
    }
    if (state !== 'ready') throw new Error(`dashboard ${state}: ${await page.textContent('#chart-status')}\n${app.output()}`);

    await emulatorQuiet(emulator);
    emulator.clearRequests();
    await page.reload();
    expect(await dashboardSettled(page)).toBe('ready');
    expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 30);
    expect(emulator.requests.filter((request) => request.path.includes('/dataTypes/'))).toEqual([]);
    await screenshot(page, 'google-health-09-dashboard-from-database');
    await page.close();
  });

  it('in demo mode (no client id) starts its own Google Health emulator and shows its consent page', async () => {
    const app = demoApps['google-health'];
    expect(app.output()).toMatch(FACTS['google-health'].demoOutput);
    const page = await newPage();
    await page.goto(`${app.url}/login`);
    expect(await page.locator('.hint').textContent()).toContain('demo / demo');
    await page.fill('input[name=username]', 'demo');
    await page.fill('input[name=password]', 'wrong');
    await Promise.all([page.waitForURL(/\/login\?next=/), page.click('button[type=submit]:has-text("Sign in")')]);
    expect(await page.locator('.message-error').allTextContents()).toEqual(['Wrong user name or password.']);
    await signIn(page, app, 'demo', 'demo');

    const consentPage = FACTS['google-health'].consentUrl;
    await Promise.all([page.waitForURL(consentPage), page.click('#connect-fitbit')]);
    await Promise.all([page.waitForURL((url) => url.pathname === '/fitbit/error/'), page.click('button.deny')]);
    expect(await page.locator('h1').textContent()).toBe('Fitbit Authentication Error');
    await screenshot(page, 'demo-google-health-11-error-page');

    await page.goto(`${app.url}/`);
    await Promise.all([page.waitForURL(consentPage), page.click('#connect-fitbit')]);
    expect(await page.locator('h1').textContent()).toBe('Sign in with Google');
    expect(await page.locator('input[name=user]').count()).toBe(3);
    await screenshot(page, 'demo-google-health-10-consent');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${app.url}/dashboard`)), page.click('button.allow')]);
    expect(await dashboardSettled(page)).toBe('ready');
    // Plausible steps: a whole number a day, most days an ordinary walking day.
    const { rows, values } = await readDashboard(page);
    expect(rows).toHaveLength(30);
    expect(values.every((value) => Number.isInteger(value) && value! >= 0 && value! < 60_000)).toBe(true);
    expect(values.filter((value) => value! >= 1000).length).toBeGreaterThan(20);
    expect(await page.textContent('footer')).toContain('a local Google Health emulator stands in for Google Health');
    await screenshot(page, 'demo-google-health-12-dashboard');
    await page.close();
  });

  it('in demo mode with FITBIT_PROVIDER=fitbit starts the legacy Fitbit emulator', async () => {
    const app = demoApps.fitbit;
    expect(app.output()).toMatch(FACTS.fitbit.demoOutput);
    const page = await newPage();
    await signIn(page, app, 'demo', 'demo');
    await Promise.all([page.waitForURL(FACTS.fitbit.consentUrl), page.click('#connect-fitbit')]);
    expect(await page.locator('h1').textContent()).toBe('Allow access to your Fitbit data?');
    await screenshot(page, 'demo-fitbit-10-consent');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${app.url}/dashboard`)), page.click('button.allow')]);
    expect(await dashboardSettled(page)).toBe('ready');
    expect((await readDashboard(page)).rows).toHaveLength(30);
    await page.close();
  });
});
