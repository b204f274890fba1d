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
import { GOOGLE_HEALTH_SCOPES } from '../../lib/providers/google-health/google-health.defaults.js';
import { TEST_REDIS_URL } from '../support/service-urls.js';
import { startSampleApp, type SampleAppProcess } from './sample-app-process.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../artifacts/sample-app/', import.meta.url));
const CLIENT_ID = 'sample-browser-client';
const CLIENT_SECRET = 'sample-browser-secret';
const WEBHOOK_AUTHORIZATION = 'Bearer sample-browser-webhook-secret';
const PROJECT_NUMBER = '555000111222';
const DEFAULT_WARNING = 'This page requires Fitbit integration.';
/** The two widths every page is looked at: a laptop and a phone. */
const WIDTHS = [1280, 390] as const;

type Provider = 'fitbit' | 'google-health';
const PROVIDERS: readonly Provider[] = ['fitbit', 'google-health'];

/** What differs between the two providers in the browser. */
const FACTS = {
  fitbit: {
    name: 'Fitbit',
    consentHeading: 'Allow access to your Fitbit data?',
    unsupportedNote: (type: string) => `Fitbit no longer serves “${type}”, so there is nothing to chart.`,
    unavailable: 'no longer served by Fitbit',
    demoOutput: /Demo mode: .*Fitbit emulator at http:\/\/127\.0\.0\.1:\d+ stands in for Fitbit\n/,
    consentUrl: /127\.0\.0\.1:\d+\/oauth2\/authorize\?/,
    weightScope: 'weight',
    seriesPath: /\/date\//,
  },
  'google-health': {
    name: 'Google Health',
    consentHeading: 'Sign in with Google',
    unsupportedNote: (type: string) => `Google Health has no equivalent of “${type}”, so there is nothing to chart.`,
    unavailable: 'not available from Google Health',
    demoOutput: /Demo mode: .*Google Health emulator at http:\/\/127\.0\.0\.1:\d+ stands in for Google Health\n/,
    consentUrl: /127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?/,
    weightScope: GOOGLE_HEALTH_SCOPES.measurements,
    seriesPath: /\/dataPoints/,
  },
} as const;

interface DashboardReading {
  /** `value` is what the module sent (null on a day without one); `shown` what a person reads. */
  rows: { date: string; value: string | null; shown: string }[];
  labels: string[];
  values: (number | null)[];
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

// Run in the page (as strings: this project's TypeScript has no DOM types).
const DASHBOARD_SETTLED = `(() => {
  const state = document.getElementById('chart-status')?.dataset.state;
  return state !== undefined && state !== 'loading';
})()`;
const READ_DASHBOARD = `(() => ({
  rows: [...document.querySelectorAll('#data-table tbody tr')].map((row) => {
    const [date, value] = [...row.querySelectorAll('td')];
    return { date: date.textContent, value: value.dataset.value ?? null, shown: value.textContent };
  }),
  labels: [...window.fitbitChart.data.labels],
  values: [...window.fitbitChart.data.datasets[0].data],
}))()`;
/** How far the page reaches past the viewport's right edge (0: no horizontal scrolling), and what sticks out. */
const OVERFLOW = `(() => {
  const width = document.documentElement.clientWidth;
  const outside = [...document.querySelectorAll('body *')]
    .filter((element) => element.getClientRects().length > 0 && element.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map((element) => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') + (element.className ? '.' + String(element.className).split(' ')[0] : ''));
  return { overflow: document.documentElement.scrollWidth - width, outside };
})()`;
/** On the emulator's consent page: every account and scope line inside the card. */
const CONSENT_LINES_OUTSIDE_CARD = `(() => {
  const card = document.querySelector('main').getBoundingClientRect();
  return [...document.querySelectorAll('main label, main fieldset')]
    .filter((element) => element.getBoundingClientRect().right > card.right + 0.5 || element.scrollWidth > element.clientWidth + 1)
    .map((element) => element.textContent.trim().slice(0, 60));
})()`;

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
 * The page at a laptop's and a phone's width: a screenshot of each (look at them), and no
 * horizontal scrolling at either. `settle` runs after each resize (e.g. the chart redrawing).
 */
async function atBothWidths(page: Page, name: string, settle: () => Promise<unknown> = async () => undefined): Promise<void> {
  const original = page.viewportSize()!;
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    await settle();
    await screenshot(page, `${name}-${width}`);
    const { overflow, outside } = await page.evaluate<{ overflow: number; outside: string[] }>(OVERFLOW);
    expect(overflow, `${name} at ${width} px scrolls sideways by ${overflow} px: ${outside.join(', ')}`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize(original);
}

/** The emulator's local dates from `first` to `last`. */
function datesFrom(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/**
 * The table and the chart hold, for each of the user's last `days` days, what the emulator serves for that path:
 * the legacy emulator's exact text; through Google, the legacy-unit number the Google values are derived from
 * (within 0.01, as km and kg come back from millimetres and grams). The table shows the number as a person
 * reads it (thousands separated); the chart has the number itself.
 */
function expectEmulatorNumbers(reading: DashboardReading, emulator: FitbitEmulator, user: EmulatorUser, path: string, days: number): void {
  const today = emulator.todayOf(user.id);
  const dates = Array.from({ length: days }, (_, i) => addDays(today, i - days + 1));
  expect(reading.rows.map((row) => row.date)).toEqual(dates);
  const served = dates.map((date) => ({ date, value: emulator.dailyValue(user.id, path, date) }));
  expect(served.every((row) => row.value !== null), `${path}: the emulator has a value for every day`).toBe(true);
  if (emulator.modeName === 'fitbit') {
    expect(reading.rows.map(({ date, value }) => ({ date, value }))).toEqual(served);
  } else {
    for (const [index, row] of reading.rows.entries()) {
      const difference = Math.abs(Number(row.value) - Number(served[index]!.value));
      expect(difference, `${path} ${row.date}: shown ${row.value}, emulator ${served[index]!.value}`).toBeLessThanOrEqual(0.01 + 1e-9);
    }
  }
  for (const row of reading.rows) expect(row.shown).toBe(new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(Number(row.value)));
  expect(reading.labels).toEqual(dates);
  expect(reading.values).toEqual(reading.rows.map((row) => Number(row.value)));
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
    const common = { SAMPLE_USERS: 'alice:wonderland,bob:builder,carol:singer', FITBIT_CLIENT_ID: CLIENT_ID, FITBIT_CLIENT_SECRET: CLIENT_SECRET, FITBIT_AUTHORIZE_URL: urls.authorizeUrl };
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
        // Spaced out, so the import runs long enough to watch its progress bar fill.
        FITBIT_BETWEEN_DELAY: '0.15',
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
    // The module's job locks and import records live beside the queue under the same prefix.
    const redis = new Redis(TEST_REDIS_URL);
    for await (const keys of redis.scanStream({ match: `${queuePrefix}:*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
    await redis.quit();
  });

  async function newPage(): Promise<Page> {
    // en-US: the thousands separators the tests expect.
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
    page.setDefaultTimeout(10_000);
    return page;
  }

  async function signIn(page: Page, app: SampleAppProcess, username: string, password: string): Promise<void> {
    await page.goto(`${app.url}/`);
    await page.waitForURL(/\/login\?next=%2F$/);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]:has-text("Sign in")')]);
  }

  /**
   * Connect (or Reconnect) → the emulator's consent page (Fitbit's or Google's) → pick the account, untick `withhold`
   * → allow → back on the dashboard.
   */
  async function connectThroughConsentPage(
    page: Page,
    app: SampleAppProcess,
    emulator: FitbitEmulator,
    user: EmulatorUser,
    options: { shot?: string; button?: string; withhold?: string } = {},
  ): Promise<void> {
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${emulator.urls.authorizeUrl}?`)), page.click(options.button ?? '#connect-fitbit')]);
    expect(await page.locator('h1').textContent()).toBe(FACTS[emulator.modeName].consentHeading);
    await page.check(`input[name=user][value="${user.id}"]`);
    if (options.withhold) await page.uncheck(`input[name=scope][value="${options.withhold}"]`);
    if (options.shot) {
      await atBothWidths(page, options.shot);
      expect(await page.evaluate<string[]>(CONSENT_LINES_OUTSIDE_CARD), 'consent lines outside the card').toEqual([]);
    }
    await page.click('button.allow');
    await page.waitForURL((url) => url.href.startsWith(`${app.url}/dashboard`)).catch((error: Error) => {
      throw new Error(`${error.message}\nat ${page.url()}\n${app.output()}`);
    });
  }

  it.each(PROVIDERS)(
    '%s: signs in, connects through the consent page, charts the emulator numbers with units, periods, gaps, and disconnects',
    async (provider) => {
      const app = plainApps[provider];
      const emulator = emulators[provider];
      const facts = FACTS[provider];
      const shot = (page: Page, name: string) => screenshot(page, `${provider}-${name}`);
      const memberSince = daysAgo(90);
      const fitbitUser = emulator.addUser({ displayName: `Alice on ${provider}`, timezone: 'Europe/Berlin', memberSince });
      const page = await newPage();

      await page.goto(`${app.url}/`);
      await page.waitForURL(/\/login\?next=%2F$/);
      await shot(page, '01-sign-in');
      await signIn(page, app, 'alice', 'wonderland');
      expect(await page.locator('.message-warning').allTextContents()).toEqual([DEFAULT_WARNING]);
      expect(await page.locator('#connect-fitbit').isVisible()).toBe(true);
      await atBothWidths(page, `${provider}-02-home-with-warning`);

      await connectThroughConsentPage(page, app, emulator, fitbitUser, { shot: `${provider}-03-consent` });
      expect(await dashboardSettled(page)).toBe('ready');
      // A confirmation (the module's, naming the app account), and whom the app is connected to.
      expect(await page.locator('.message-success').allTextContents()).toEqual(['Your Fitbit account is now connected to your account "alice" on this site.']);
      expect(await page.locator('.message-warning').count()).toBe(0);
      expect(await page.textContent('.connected-as')).toBe(`Connected as ${fitbitUser.id} through ${facts.name}.`);
      expect(new URL(page.url()).search).toBe('?type=activities%2Fsteps&period=30d');
      expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 30);
      expect(await page.textContent('#value-heading')).toBe('Steps');
      expect(await page.textContent('#table-title')).toBe('Steps (30 days)');
      await atBothWidths(page, `${provider}-04-dashboard-steps-30d`, () => dashboardSettled(page));

      // "Last 7 days" is 7 days, and the date inputs follow the period, in the user's zone.
      const today = emulator.todayOf(fitbitUser.id);
      expect(await choose(page, '#period', '7d')).toBe('ready');
      expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 7);
      expect(new URL(page.url()).search).toBe('?type=activities%2Fsteps&period=7d');
      expect(await page.textContent('#chart-status')).toBe(`7 days, ${addDays(today, -6)} to ${today}`);
      expect([await page.inputValue('#from'), await page.inputValue('#to')]).toEqual([addDays(today, -6), today]);
      expect(await choose(page, '#period', '1d')).toBe('ready');
      expect(await page.textContent('#chart-status')).toBe(`1 day, ${today}`);
      expect(await page.textContent('#table-title')).toBe('Steps (1 day)');
      expect(await choose(page, '#period', '7d')).toBe('ready');
      expect(await choose(page, '#type', 'activities/distance')).toBe('ready');
      expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/distance', 7);
      expect(await page.textContent('#value-heading')).toBe('Distance (km)');
      await shot(page, '05-dashboard-distance-7d');

      // A range that starts before the user's history: the days without a value stay on the axis, as gaps.
      await page.fill('#from', addDays(memberSince, -4));
      await page.fill('#to', addDays(memberSince, 5));
      await Promise.all([page.waitForResponse((response) => response.url().includes('/fitbit/get_data/')), page.click('#chart-controls button[type=submit]')]);
      expect(await dashboardSettled(page)).toBe('ready');
      const gaps = await readDashboard(page);
      expect(gaps.rows.map((row) => row.date)).toEqual(datesFrom(addDays(memberSince, -4), addDays(memberSince, 5)));
      expect(gaps.rows.slice(0, 4).map((row) => [row.value, row.shown])).toEqual(Array(4).fill([null, '—']));
      expect(gaps.values.slice(0, 4)).toEqual([null, null, null, null]);
      expect(gaps.values.slice(4).every((value) => typeof value === 'number')).toBe(true);
      expect(await page.textContent('#chart-status')).toBe(`10 days, ${addDays(memberSince, -4)} to ${addDays(memberSince, 5)} · 6 with a value`);
      await shot(page, '05b-dashboard-gaps');

      // Types the provider cannot serve are marked and cannot be picked; a link to one says why instead of an empty chart.
      const unsupported = provider === 'google-health' ? ['activities/activeScore', 'sleep/awakeningsCount'] : ['activities/activeScore'];
      for (const path of unsupported) {
        const option = page.locator(`#type option[value="${path}"]`);
        expect(await option.isDisabled()).toBe(true);
        expect(await option.textContent()).toMatch(new RegExp(` \\(${facts.unavailable}\\)$`));
        await page.goto(`${app.url}/dashboard?type=${encodeURIComponent(path)}&period=7d`);
        expect(await dashboardSettled(page)).toBe('unsupported');
        const label = await option.getAttribute('data-label');
        expect(await page.textContent('#chart-status')).toBe(facts.unsupportedNote(label!));
        expect(await page.textContent('#empty-text')).toBe(facts.unsupportedNote(label!));
        expect(await page.locator('#chart-box').isVisible()).toBe(false);
        expect(await page.locator('#table-card').isVisible()).toBe(false);
      }
      await atBothWidths(page, `${provider}-06-dashboard-unsupported-type`);

      // The provider forgets the connection (a 401 on the data): the page offers Reconnect, not only Disconnect.
      await page.goto(`${app.url}/dashboard?type=activities%2Fsteps&period=7d`);
      expect(await dashboardSettled(page)).toBe('ready');
      emulator.faults.inject({ path: facts.seriesPath, status: 401, times: 2 });
      expect(await choose(page, '#period', '30d')).toBe('problem');
      emulator.faults.clear();
      expect(await page.textContent('#chart-status')).toBe(`${facts.name} no longer accepts this connection. Reconnect your Fitbit account to see your data again.`);
      expect(await page.locator('#reconnect-fitbit').isVisible()).toBe(true);
      expect(await page.locator('#disconnect-fitbit').isVisible()).toBe(false);
      expect(await page.locator('#chart-box').isVisible()).toBe(false);
      await shot(page, '06b-connection-refused-reconnect');
      await connectThroughConsentPage(page, app, emulator, fitbitUser, { button: '#reconnect-fitbit' });
      expect(await dashboardSettled(page)).toBe('ready');
      expect(await page.locator('.message-success').allTextContents()).toEqual(['Your Fitbit account is now connected to your account "alice" on this site.']);

      await Promise.all([page.waitForURL(`${app.url}/`), page.click('#disconnect-fitbit')]);
      expect(await page.locator('.message-success').allTextContents()).toEqual(['Your Fitbit account is disconnected.']);
      expect(await page.locator('.message-warning').allTextContents()).toEqual([DEFAULT_WARNING]);
      expect(await page.locator('#connect-fitbit').isVisible()).toBe(true);
      await shot(page, '07-disconnected');
      // Not connected: the dashboard says so and draws nothing.
      await page.goto(`${app.url}/dashboard`);
      expect(await page.locator('#not-connected').isVisible()).toBe(true);
      expect(await page.locator('#chart').count()).toBe(0);

      await Promise.all([page.waitForURL(`${app.url}/login`), page.click('button:has-text("Sign out")')]);
      expect(await page.locator('.message-info').allTextContents()).toEqual(['You are signed out.']);
      await page.goto(`${app.url}/dashboard`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.close();
    },
  );

  it.each(PROVIDERS)('%s: a data type whose scope was unticked at consent says "not shared", not "no data"', async (provider) => {
    const app = plainApps[provider];
    const emulator = emulators[provider];
    const fitbitUser = emulator.addUser({ displayName: `Carol on ${provider}`, timezone: 'Asia/Tokyo', memberSince: daysAgo(40) });
    const page = await newPage();
    await signIn(page, app, 'carol', 'singer');
    await connectThroughConsentPage(page, app, emulator, fitbitUser, { withhold: FACTS[provider].weightScope });
    expect(await dashboardSettled(page)).toBe('ready');
    expect(await page.locator('.message-warning').allTextContents()).toEqual([
      expect.stringMatching(new RegExp(`^Only part of your data was shared at ${provider === 'fitbit' ? 'Fitbit' : 'Google'}: \\d data types? will not be available\\.`)),
    ]);
    await page.goto(`${app.url}/dashboard?type=body%2Fweight&period=7d`);
    expect(await dashboardSettled(page)).toBe('not-granted');
    expect(await page.textContent('#empty-text')).toBe('You did not allow this app to read “Weight” when you connected. Reconnect and allow it to see it here.');
    expect(await page.locator('#chart-box').isVisible()).toBe(false);
    await screenshot(page, `${provider}-08-not-granted`);
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('#disconnect-fitbit')]);
    await page.close();
  });

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
    expect(await page.textContent('#connect-fitbit')).toBe('Reconnect Fitbit');
    await screenshot(page, 'google-health-09-legacy-link-reconnect');

    await connectThroughConsentPage(page, app, emulator, fitbitUser);
    expect(await dashboardSettled(page)).toBe('ready');
    expect(await page.locator('.message-warning').count()).toBe(0);
    expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 30);
    await page.goto(`${app.url}/`);
    expect(await page.locator('.message-warning').count()).toBe(0);
    await page.close();
  });

  it('google-health with subscriptions (REDIS_URL): a progress bar fills during the history import, then the chart is served from the database; disconnected, nothing is drawn', async () => {
    const app = subscribingApp;
    const emulator = emulators['google-health'];
    const fitbitUser = emulator.addUser({ displayName: 'Bob on Google', timezone: 'America/Chicago', memberSince: daysAgo(60) });
    const page = await newPage();
    await signIn(page, app, 'bob', 'builder');
    await connectThroughConsentPage(page, app, emulator, fitbitUser);
    expect(await page.locator('.message-success').allTextContents()).toEqual(['Your Fitbit account is now connected to your account "bob" on this site.']);
    expect(await page.locator('.message-info').allTextContents()).toEqual(['Your history is being imported: the bar below fills as it arrives.']);

    // The bar shows while the in-process worker imports, fills, and the chart follows without a reload.
    await page.waitForSelector('#import-progress[data-state="running"]');
    await page.waitForFunction(`document.getElementById('import-bar').value >= 2`);
    const midway = await page.evaluate<{ value: number; max: number; text: string }>(
      `({ value: document.getElementById('import-bar').value, max: document.getElementById('import-bar').max, text: document.getElementById('import-text').textContent })`,
    );
    expect(midway.value).toBeLessThan(midway.max);
    expect(midway.text).toMatch(/^Importing your history: \d+ of \d+ data types done, [\d,]+ days? stored so far\.$/);
    await atBothWidths(page, 'google-health-10-import-progress');
    await page.waitForSelector('#import-progress[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent('#import-text')).toMatch(/^History imported: [\d,]+ days of \d+ data types\.$/);
    await page.waitForFunction(`document.getElementById('chart-status').dataset.state === 'ready'`);

    emulator.clearRequests();
    await page.reload();
    expect(await dashboardSettled(page)).toBe('ready');
    expect(await page.locator('#import-progress').isVisible()).toBe(false);
    expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 30);
    expect(emulator.requests.filter((request) => request.path.includes('/dataTypes/'))).toEqual([]);
    await screenshot(page, 'google-health-11-dashboard-from-database');

    // Disconnected, the rows stay stored, but the page does not chart them beside a "connect" banner.
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('#disconnect-fitbit')]);
    expect(await page.locator('.message-success').allTextContents()).toEqual(['Your Fitbit account is disconnected. The data already stored here is kept.']);
    await page.goto(`${app.url}/dashboard`);
    expect(await page.locator('.message-warning').allTextContents()).toEqual(['Connect your Fitbit account to see your data here.']);
    expect(await page.locator('#not-connected').isVisible()).toBe(true);
    expect(await page.locator('#chart').count()).toBe(0);
    expect(await page.locator('#your-data').textContent()).toContain('what is stored stays until it is deleted');
    await screenshot(page, 'google-health-12-disconnected-no-chart');
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

    // Cancelled at Google: the error page says so, in Google's name, and offers to try again.
    const consentPage = FACTS['google-health'].consentUrl;
    await Promise.all([page.waitForURL(consentPage), page.click('#connect-fitbit')]);
    await Promise.all([page.waitForURL((url) => url.pathname === '/fitbit/error/'), page.click('button.deny')]);
    expect(new URL(page.url()).search).toBe('?reason=cancelled');
    expect(await page.locator('h1').textContent()).toBe('Fitbit Authentication Error');
    expect(await page.textContent('#error-reason')).toBe('The sign-in at Google was cancelled, so nothing was connected.');
    await atBothWidths(page, 'demo-google-health-13-error-page');
    await Promise.all([page.waitForURL(consentPage), page.click('#try-again')]);

    expect(await page.locator('h1').textContent()).toBe('Sign in with Google');
    expect(await page.locator('input[name=user]').count()).toBe(3);
    await atBothWidths(page, 'demo-google-health-14-consent');
    expect(await page.evaluate<string[]>(CONSENT_LINES_OUTSIDE_CARD), 'consent lines outside the card').toEqual([]);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${app.url}/dashboard`)), page.click('button.allow')]);
    expect(await dashboardSettled(page)).toBe('ready');
    expect(await page.textContent('.connected-as')).toBe('Connected as DEMO01 through Google Health.');
    // Plausible steps: a whole number a day, most days an ordinary walking day.
    const { rows, values } = await readDashboard(page);
    expect(rows).toHaveLength(30);
    expect(values.every((value) => Number.isInteger(value) && value! >= 0 && value! < 60_000)).toBe(true);
    expect(values.filter((value) => value! >= 1000).length).toBeGreaterThan(20);
    expect(rows.filter((row) => Number(row.value) >= 1000).every((row) => /^\d{1,2},\d{3}$/.test(row.shown))).toBe(true);
    expect(await page.textContent('footer')).toContain('a local Google Health emulator stands in for Google Health');
    await atBothWidths(page, 'demo-google-health-15-dashboard', () => dashboardSettled(page));
    await page.close();
  });

  it('in demo mode with FITBIT_PROVIDER=fitbit starts the legacy Fitbit emulator', async () => {
    const app = demoApps.fitbit;
    expect(app.output()).toMatch(FACTS.fitbit.demoOutput);
    const page = await newPage();
    await signIn(page, app, 'demo', 'demo');
    await Promise.all([page.waitForURL(FACTS.fitbit.consentUrl), page.click('#connect-fitbit')]);
    expect(await page.locator('h1').textContent()).toBe('Allow access to your Fitbit data?');
    await atBothWidths(page, 'demo-fitbit-14-consent');
    expect(await page.evaluate<string[]>(CONSENT_LINES_OUTSIDE_CARD), 'consent lines outside the card').toEqual([]);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${app.url}/dashboard`)), page.click('button.allow')]);
    expect(await dashboardSettled(page)).toBe('ready');
    expect((await readDashboard(page)).rows).toHaveLength(30);
    await page.close();
  });

  it('answers an unknown address with an HTML page for a browser (JSON for scripts), and has a favicon', async () => {
    const app = demoApps.fitbit;
    const page = await newPage();
    await signIn(page, app, 'demo', 'demo');
    const response = await page.goto(`${app.url}/no-such-page`);
    expect(response!.status()).toBe(404);
    expect(response!.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    await atBothWidths(page, 'demo-fitbit-16-not-found');
    const json = await fetch(`${app.url}/no-such-page`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(await json.json()).toMatchObject({ statusCode: 404 });

    const icon = await page.getAttribute('link[rel=icon]', 'href');
    const favicon = await fetch(new URL(icon!, app.url));
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect((await fetch(`${app.url}/favicon.ico`, { redirect: 'manual' })).headers.get('location')).toBe(icon);
    await page.close();
  });
});
