import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataSourceOptions } from 'typeorm';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { startAppProcess, type AppProcess } from '../support/app-processes.js';
import { createPostgresDataSource, type TestDataSource } from '../support/databases.js';
import { emulatorOptions, PROVIDERS, providerFacts, startEmulator } from '../support/fitbit-fixture.js';
import { TEST_USER_HEADER } from '../support/test-sign-in.js';

/** What a child process needs to reach the same database (classes do not cross process lines). */
function connectionOf(dataSource: TestDataSource): DataSourceOptions {
  const { type, url, schema, extra } = dataSource.options as DataSourceOptions & { url: string; schema: string; extra: unknown };
  return { type, url, schema, extra } as DataSourceOptions;
}

describe.each(PROVIDERS)('token refresh across two app processes (PostgreSQL, %s)', (provider) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let processes: AppProcess[] = [];
  let facts: ReturnType<typeof providerFacts>;

  beforeAll(async () => {
    emulator = await startEmulator({ provider, rateLimitPerHour: 10_000, rateLimitPerMinute: 10_000 });
    facts = providerFacts(emulator);
    dataSource = await createPostgresDataSource();
    const setup = { database: connectionOf(dataSource), fitbit: emulatorOptions(emulator) };
    processes = await Promise.all([startAppProcess(setup), startAppProcess(setup)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await dataSource.destroy();
    await emulator.stop();
  });

  let appUserId = 100;
  beforeEach(() => {
    appUserId += 1;
  });
  afterEach(() => emulator.faults.clear());

  async function linkUser(expiresAt: number): Promise<string> {
    const fitbitUser = emulator.addUser();
    const tokens = emulator.issueTokens(fitbitUser.id);
    await dataSource.getRepository(UserFitbit).insert({
      userId: String(appUserId),
      provider,
      providerUserId: facts.providerUserIdOf(fitbitUser),
      legacyUserId: null,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt,
      scopes: null,
      timeZone: fitbitUser.timezone,
      refreshLockedUntil: null,
      createdAt: Date.now(),
    });
    return fitbitUser.id;
  }

  async function fiftyRequestsOverBothProcesses(): Promise<number[]> {
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        const response = await fetch(`${processes[index % 2]!.url}/fitbit/get_data/activities/steps/?period=7d`, {
          headers: { [TEST_USER_HEADER]: String(appUserId) },
        });
        return ((await response.json()) as { meta: { status_code: number } }).meta.status_code;
      }),
    );
    return answers;
  }

  it('refreshes once when the stored expiry has passed, and every request succeeds', async () => {
    const fitbitUserId = await linkUser(Date.now() - 1000);
    const statuses = await fiftyRequestsOverBothProcesses();
    expect(statuses).toEqual(Array(50).fill(100));
    expect(emulator.stats.refreshCalls(fitbitUserId)).toBe(1);
    const link = await dataSource.getRepository(UserFitbit).findOneByOrFail({ userId: String(appUserId) });
    expect(link.expiresAt).toBeGreaterThan(Date.now());
    expect(link.refreshLockedUntil).toBeNull();
  });

  it('refreshes once when Fitbit answers expired_token, and every request succeeds', async () => {
    const fitbitUserId = await linkUser(Date.now() + 3_600_000);
    emulator.expireAccessTokens(fitbitUserId);
    emulator.faults.inject({ path: /\/activities\/steps\//, delayMs: 20 });
    const statuses = await fiftyRequestsOverBothProcesses();
    expect(statuses).toEqual(Array(50).fill(100));
    expect(emulator.stats.refreshCalls(fitbitUserId)).toBe(1);
  });

  it('answers 103 and removes the link when the refresh token is dead', async () => {
    const fitbitUserId = await linkUser(Date.now() - 1000);
    emulator.faults.inject({
      method: 'POST',
      path: facts.tokenPath,
      status: 400,
      body: { errors: [{ errorType: 'invalid_grant', message: 'dead' }], success: false, error: 'invalid_grant' },
    });
    const response = await fetch(`${processes[0]!.url}/fitbit/get_data/activities/steps/?period=7d`, {
      headers: { [TEST_USER_HEADER]: String(appUserId) },
    });
    expect(((await response.json()) as { meta: { status_code: number } }).meta.status_code).toBe(103);
    expect(await dataSource.getRepository(UserFitbit).countBy({ userId: String(appUserId) })).toBe(0);
    expect(fitbitUserId).toBeTruthy();
  });
});
