/**
 * Withdrawal of consent reaches the provider even when it is briefly down: disconnect records a
 * sealed pending row before the link goes, and the revoke (with subscriptions: unsubscribe, then
 * revoke) is retried until the provider confirms. Before, one 503 lost the withdrawal for good.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PendingRevocationStore } from '../../lib/auth/pending-revocation.store.js';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { Withdrawals } from '../../lib/auth/withdrawals.service.js';
import { RefreshTokensCommand } from '../../lib/commands/refresh-tokens.command.js';
import { PendingRevocation } from '../../lib/data/entities/pending-revocation.entity.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { browserFor, connectThroughEmulator, emulatorOptions, PROVIDERS, providerFacts, startEmulator } from '../support/fitbit-fixture.js';
import { startFitbitTestApp, type FitbitTestApp } from '../support/fitbit-test-app.js';
import { startSubscribingApp } from '../subscriptions/support/subscriptions-fixture.js';

/** Polls until `check` holds (the retries run on real timers); fails with `what` after the timeout. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(PROVIDERS)('durable withdrawal of consent (%s)', (provider) => {
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
    emulator.setConsentUser(emulator.addUser().id);
  });
  afterEach(async () => {
    emulator.faults.clear();
    await app.close();
    await dataSource.destroy();
  });

  const revokeFault = (times?: number) => emulator.faults.inject({ method: 'POST', path: facts.revokePath, status: 503, ...(times ? { times } : {}) });
  const revokeAnswers = () => emulator.requests.filter((request) => request.path === facts.revokePath).map((request) => request.status);
  const pendingRows = () => dataSource.getRepository(PendingRevocation).count();

  /** Connects user 1 and returns their access token, to ask the emulator later whether the grant still works. */
  async function connect(): Promise<string> {
    await connectThroughEmulator(app, browserFor(1));
    return app.app.get(UserLinkStore).accessToken((await app.app.get(UserLinkStore).findByUser('1'))!);
  }

  it('without Redis: the link goes at once, the revoke is retried with back-off until the provider confirms', async () => {
    app = await startFitbitTestApp({ dataSource, fitbit: FitbitModule.forRoot(emulatorOptions(emulator)) });
    app.app.get(Withdrawals).random = () => 0;
    const accessToken = await connect();
    revokeFault(2);
    emulator.clearRequests();
    const response = await browserFor(1).get(`${app.url}/fitbit/logout/`);
    expect(response.status).toBe(302);
    expect(await app.app.get(UserLinkStore).findByUser('1')).toBeNull();
    expect(await pendingRows()).toBe(1);
    expect(await facts.tokenWorks(accessToken)).toBe(true);

    await eventually(async () => (await pendingRows()) === 0, 'the pending withdrawal is worked off');
    expect(revokeAnswers()).toEqual([503, 503, 200]);
    expect(await facts.tokenWorks(accessToken)).toBe(false);
  });

  it('without Redis, after a restart: the refresh-tokens command drains what is still pending', async () => {
    // A file, so the rows outlive the first app (closing it closes its connection).
    const file = join(mkdtempSync(join(tmpdir(), 'withdrawal-')), 'app.sqlite');
    await dataSource.destroy();
    dataSource = await createSqliteDataSource({ database: file });
    app = await startFitbitTestApp({ dataSource, fitbit: FitbitModule.forRoot(emulatorOptions(emulator)) });
    const accessToken = await connect();
    revokeFault();
    await browserFor(1).get(`${app.url}/fitbit/logout/`);
    expect(await pendingRows()).toBe(1);
    // The app stops (its timers with it) while the provider is still down.
    await app.close();
    emulator.faults.clear();
    app = await startFitbitTestApp({ dataSource, fitbit: FitbitModule.forRoot({ ...emulatorOptions(emulator), commands: true }) });
    // As if the back-off had run out meanwhile.
    await dataSource.getRepository(PendingRevocation).createQueryBuilder().update().set({ nextAttemptAt: Date.now() - 1 }).execute();

    const summary = await app.app.get(RefreshTokensCommand).refreshTokens();
    expect(summary).toMatchObject({ revoked: 1, revocationsFailed: 0, pendingRevocations: 0 });
    expect(await pendingRows()).toBe(0);
    expect(await facts.tokenWorks(accessToken)).toBe(false);
  });

  it('with subscriptions: the worker unsubscribes and revokes, retrying after a 503, and the grant ends revoked', async () => {
    app = await startSubscribingApp(emulator, dataSource, { worker: true, label: 'withdrawal' });
    app.app.get(Withdrawals).random = () => 0;
    try {
      const accessToken = await connect();
      revokeFault(1);
      emulator.clearRequests();
      await browserFor(1).get(`${app.url}/fitbit/logout/`);
      expect(await app.app.get(UserLinkStore).findByUser('1')).toBeNull();
      const [row] = await app.app.get(PendingRevocationStore).findAll();
      expect(row).toMatchObject({ unsubscribe: true, revoke: true });

      await eventually(async () => (await pendingRows()) === 0, 'the pending withdrawal is worked off');
      expect(revokeAnswers()).toEqual([503, 200]);
      expect(await facts.tokenWorks(accessToken)).toBe(false);
    } finally {
      await (app as Awaited<ReturnType<typeof startSubscribingApp>>).queue.obliterate({ force: true });
    }
  });
});
