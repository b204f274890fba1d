/**
 * Issue #8, item 2: a refresh storm. Ten users whose access tokens just expired — five whose
 * stored expiry has passed, five whose tokens the provider killed early (401 expired_token) —
 * and 100 concurrent get_data requests spread over two app processes on one PostgreSQL.
 * Refresh tokens are single-use: a second refresh of one user would lock that user out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import type { AppProcess } from '../support/app-processes.js';
import { createPostgresDataSource, type TestDataSource } from '../support/databases.js';
import { emulatorOptions, PROVIDERS, providerFacts, startEmulator } from '../support/fitbit-fixture.js';
import { assertAlive, connectionOf, dataStatus, startApps, stopAll, summary } from './support/cluster.js';

const USERS = 10;
const REQUESTS = 100;
const PATHS = ['activities/steps', 'activities/distance', 'body/weight', 'sleep/minutesAsleep'];

describe.each(PROVIDERS)('refresh storm over two app processes (PostgreSQL, %s)', (provider) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let processes: AppProcess[] = [];
  let facts: ReturnType<typeof providerFacts>;

  beforeAll(async () => {
    emulator = await startEmulator({ provider, rateLimitPerHour: 100_000, rateLimitPerMinute: 100_000 });
    facts = providerFacts(emulator);
    dataSource = await createPostgresDataSource();
    const setup = { database: connectionOf(dataSource), fitbit: emulatorOptions(emulator) };
    processes = await startApps([setup, setup]);
  }, 120_000);
  afterAll(async () => {
    await stopAll(processes);
    await dataSource?.destroy();
    await emulator?.stop();
  });

  it(`refreshes each user once at the provider, and answers all ${REQUESTS} requests with 100`, async () => {
    const users: { appUserId: string; fitbitUserId: string }[] = [];
    for (let index = 0; index < USERS; index++) {
      const fitbitUser = emulator.addUser();
      const tokens = emulator.issueTokens(fitbitUser.id);
      const storedExpiryPassed = index % 2 === 0;
      await dataSource.getRepository(UserFitbit).insert({
        userId: String(7000 + index),
        provider,
        providerUserId: facts.providerUserIdOf(fitbitUser),
        legacyUserId: null,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        // Half known to be expired; half the provider expires behind the app's back.
        expiresAt: storedExpiryPassed ? Date.now() - 1000 : Date.now() + 3_600_000,
        scopes: null,
        timeZone: fitbitUser.timezone,
        refreshLockedUntil: null,
        createdAt: Date.now(),
      });
      users.push({ appUserId: String(7000 + index), fitbitUserId: fitbitUser.id });
    }
    emulator.expireAccessTokens();
    // Slow the token endpoint a little, so the requests of one user really overlap its refresh.
    emulator.faults.inject({ method: 'POST', path: facts.tokenPath, delayMs: 50 });

    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, (_, index) => {
        const user = users[index % USERS]!;
        const app = processes[Math.floor(index / USERS) % 2]!;
        return dataStatus(app.url!, user.appUserId, PATHS[index % PATHS.length]);
      }),
    );
    const elapsedMs = Date.now() - started;
    emulator.faults.clear();
    assertAlive(processes);

    const refreshCalls = users.map((user) => emulator.stats.refreshCalls(user.fitbitUserId));
    const non100 = answers.filter((answer) => answer.code !== 100).length;
    const serverErrors = answers.filter((answer) => answer.http >= 500).length;

    // Nobody is locked out: every stored link holds a token the provider accepts, and no lease is left behind.
    const links = await dataSource.getRepository(UserFitbit).find();
    let working = 0;
    for (const link of links) if (await facts.tokenWorks(link.accessToken)) working += 1;
    const leftLeases = links.filter((link) => link.refreshLockedUntil !== null).length;

    summary(
      `refresh-storm (${provider}): ${REQUESTS} requests over 2 processes in ${elapsedMs} ms, ${USERS} users, ` +
        `${refreshCalls.reduce((sum, calls) => sum + calls, 0)} refresh calls (expected ${USERS}), ${non100} non-100 answers, ` +
        `${serverErrors} 5xx, links with working tokens ${working}/${USERS}`,
    );
    expect(answers.map((answer) => answer.http)).toEqual(Array(REQUESTS).fill(200));
    expect(answers.map((answer) => answer.code)).toEqual(Array(REQUESTS).fill(100));
    expect(refreshCalls).toEqual(Array(USERS).fill(1));
    expect(links).toHaveLength(USERS);
    expect(working).toBe(USERS);
    expect(leftLeases).toBe(0);
    for (const link of links) expect(link.expiresAt).toBeGreaterThan(Date.now());
  }, 60_000);
});
