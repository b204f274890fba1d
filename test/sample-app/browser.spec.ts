import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Bull from 'bull';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FITBIT_QUEUE } from '../../lib/index.js';
import { FitbitEmulator, type EmulatorUser } from '../../lib/testing/index.js';
import { TEST_REDIS_URL } from '../support/service-urls.js';
import { startSampleApp, type SampleAppProcess } from './sample-app-process.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../artifacts/sample-app/', import.meta.url));
const CLIENT_ID = 'sample-browser-client';
const CLIENT_SECRET = 'sample-browser-secret';
const DEFAULT_WARNING = 'This page requires Fitbit integration.';

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

/** Changes a dashboard control and waits for the chart that follows. */
async function choose(page: Page, select: string, value: string): Promise<void> {
  await Promise.all([page.waitForResponse((response) => response.url().includes('/fitbit/get_data/')), page.selectOption(select, value)]);
  expect(await dashboardSettled(page)).toBe('ready');
}

/** The table's rows and the Chart.js instance's labels and numbers (window.fitbitChart). */
function readDashboard(page: Page): Promise<DashboardReading> {
  return page.evaluate<DashboardReading>(READ_DASHBOARD);
}

/** The table and the chart both hold exactly what the emulator serves for that user, path and days. */
function expectEmulatorNumbers(reading: DashboardReading, emulator: FitbitEmulator, user: EmulatorUser, path: string, days: number): void {
  expect(reading.rows).toHaveLength(days);
  expect(reading.rows.at(-1)!.date).toBe(emulator.todayOf(user.id));
  const served = reading.rows.map((row) => ({ date: row.date, value: emulator.dailyValue(user.id, path, row.date) }));
  expect(reading.rows).toEqual(served);
  expect(reading.labels).toEqual(served.map((row) => row.date));
  expect(reading.values).toEqual(served.map((row) => Number(row.value)));
}

describe('the sample app in a browser', () => {
  const queuePrefix = `sample-browser-${process.pid}-${Date.now()}`;
  let browser: Browser;
  let emulator: FitbitEmulator;
  /** Against the test's emulator; with subscriptions (REDIS_URL); in demo mode. Started side by side. */
  let plainApp: SampleAppProcess;
  let subscribingApp: SampleAppProcess;
  let demoApp: SampleAppProcess;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    emulator = await FitbitEmulator.start({ mode: 'fitbit', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, autoApprove: false, realTime: true });
    const againstEmulator = {
      SAMPLE_USERS: 'alice:wonderland,bob:builder',
      FITBIT_CLIENT_ID: CLIENT_ID,
      FITBIT_CLIENT_SECRET: CLIENT_SECRET,
      FITBIT_AUTHORIZE_URL: emulator.urls.authorizeUrl,
      FITBIT_API_URL: emulator.urls.apiUrl,
    };
    [browser, plainApp, subscribingApp, demoApp] = await Promise.all([
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      }),
      startSampleApp(againstEmulator),
      startSampleApp({
        ...againstEmulator,
        REDIS_URL: TEST_REDIS_URL,
        FITBIT_QUEUE_PREFIX: queuePrefix,
        FITBIT_SUBSCRIBER_ID: '1',
        FITBIT_HISTORICAL_INIT_DELAY: '0',
        FITBIT_BETWEEN_DELAY: '0',
      }),
      startSampleApp({}),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plainApp?.stop(), subscribingApp?.stop(), demoApp?.stop()]);
    await browser?.close();
    await emulator?.stop();
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

  async function connectThroughConsentPage(page: Page, app: SampleAppProcess, user: EmulatorUser, shot?: string): Promise<void> {
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${emulator.urls.authorizeUrl}?`)), page.click('#connect-fitbit')]);
    expect(await page.locator('h1').textContent()).toBe('Allow access to your Fitbit data?');
    await page.check(`input[name=user][value="${user.id}"]`);
    if (shot) await screenshot(page, shot);
    await page.click('button.allow');
    await page.waitForURL((url) => url.href.startsWith(`${app.url}/dashboard`)).catch((error: Error) => {
      throw new Error(`${error.message}\nat ${page.url()}\n${app.output()}`);
    });
  }

  it('signs in, connects through the consent page, charts the emulator numbers, switches period and disconnects', async () => {
    const app = plainApp;
    const fitbitUser = emulator.addUser({ displayName: 'Alice on Fitbit', timezone: 'Europe/Berlin', memberSince: daysAgo(90) });
    const page = await newPage();

    await page.goto(`${app.url}/`);
    await page.waitForURL(/\/login\?next=%2F$/);
    await screenshot(page, '01-sign-in');
    await signIn(page, app, 'alice', 'wonderland');
    expect(await page.locator('.message-warning').allTextContents()).toEqual([DEFAULT_WARNING]);
    expect(await page.locator('#connect-fitbit').isVisible()).toBe(true);
    await screenshot(page, '02-home-with-warning');

    await connectThroughConsentPage(page, app, fitbitUser, '03-emulator-consent');
    expect(await dashboardSettled(page)).toBe('ready');
    expect(await page.locator('.message-warning').count()).toBe(0);
    expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 30);
    await screenshot(page, '04-dashboard-steps-30d');

    await choose(page, '#period', '7d');
    expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 7);
    expect(new URL(page.url()).search).toBe('?type=activities%2Fsteps&period=7d');
    await choose(page, '#type', 'activities/distance');
    expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/distance', 7);
    await screenshot(page, '05-dashboard-distance-7d');

    await Promise.all([page.waitForURL(`${app.url}/`), page.click('#disconnect-fitbit')]);
    expect(await page.locator('.message-warning').allTextContents()).toEqual([DEFAULT_WARNING]);
    expect(await page.locator('#connect-fitbit').isVisible()).toBe(true);
    await screenshot(page, '06-disconnected');

    await Promise.all([page.waitForURL(`${app.url}/login`), page.click('button:has-text("Sign out")')]);
    expect(await page.locator('.message-info').allTextContents()).toEqual(['You are signed out.']);
    await page.goto(`${app.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.close();
  });

  it('with subscriptions (REDIS_URL) serves the dashboard from the database after the history import', async () => {
    const app = subscribingApp;
    const fitbitUser = emulator.addUser({ displayName: 'Bob on Fitbit', timezone: 'America/Chicago', memberSince: daysAgo(60) });
    const page = await newPage();
    await signIn(page, app, 'bob', 'builder');
    await connectThroughConsentPage(page, app, fitbitUser);

    // The import runs in the app's in-process worker; until it has stored the steps the page says so.
    let state = await dashboardSettled(page);
    for (let attempt = 0; state !== 'ready' && attempt < 40; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await page.click('#chart-controls button[type=submit]');
      state = await dashboardSettled(page);
    }
    if (state !== 'ready') throw new Error(`dashboard ${state}: ${await page.textContent('#chart-status')}\n${app.output()}`);

    emulator.clearRequests();
    await page.reload();
    expect(await dashboardSettled(page)).toBe('ready');
    expectEmulatorNumbers(await readDashboard(page), emulator, fitbitUser, 'activities/steps', 30);
    expect(emulator.requests.filter((request) => request.path.includes('/activities/'))).toEqual([]);
    await screenshot(page, '07-dashboard-from-database');
    await page.close();
  });

  it('in demo mode (no client id) starts its own emulator and shows its consent page', async () => {
    const app = demoApp;
    expect(app.output()).toMatch(/Demo mode: .*Fitbit emulator at http:\/\/127\.0\.0\.1:\d+ stands in for Fitbit/);
    const page = await newPage();
    await page.goto(`${app.url}/login`);
    expect(await page.locator('.hint').textContent()).toContain('demo / demo');
    await page.fill('input[name=username]', 'demo');
    await page.fill('input[name=password]', 'wrong');
    await Promise.all([page.waitForURL(/\/login\?next=/), page.click('button[type=submit]:has-text("Sign in")')]);
    expect(await page.locator('.message-error').allTextContents()).toEqual(['Wrong user name or password.']);
    await signIn(page, app, 'demo', 'demo');

    const consentPage = /127\.0\.0\.1:\d+\/oauth2\/authorize\?/;
    await Promise.all([page.waitForURL(consentPage), page.click('#connect-fitbit')]);
    await Promise.all([page.waitForURL((url) => url.pathname === '/fitbit/error/'), page.click('button.deny')]);
    expect(await page.locator('h1').textContent()).toBe('Fitbit Authentication Error');
    await screenshot(page, '09-demo-error-page');

    await page.goto(`${app.url}/`);
    await Promise.all([page.waitForURL(consentPage), page.click('#connect-fitbit')]);
    expect(await page.locator('h1').textContent()).toBe('Allow access to your Fitbit data?');
    expect(await page.locator('input[name=user]').count()).toBe(3);
    await screenshot(page, '08-demo-consent');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(`${app.url}/dashboard`)), page.click('button.allow')]);
    expect(await dashboardSettled(page)).toBe('ready');
    expect((await readDashboard(page)).rows).toHaveLength(30);
    await page.close();
  });
});
