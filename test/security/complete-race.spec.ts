/**
 * Two complete/ requests racing for one user (a double click, two tabs) or one provider account:
 * the database's unique constraint decides, and the loser ends on the error page. Before, that was
 * a raw 500 whose log printed the INSERT's parameters, tokens included.
 */
import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createDataSource, DATABASE_KINDS, type TestDataSource } from '../support/databases.js';
import { browserFor, connectThroughEmulator, emulatorOptions, PROVIDERS, providerFacts, startEmulator } from '../support/fitbit-fixture.js';
import { startFitbitTestApp, type FitbitTestApp } from '../support/fitbit-test-app.js';

const CASES = PROVIDERS.flatMap((provider) => DATABASE_KINDS.map((kind) => [provider, kind] as const));

describe.each(CASES)('a complete/ race (%s, %s)', (provider, kind) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: FitbitTestApp;

  beforeAll(async () => {
    emulator = await startEmulator({ provider });
  });
  afterAll(() => emulator.stop());
  afterEach(async () => {
    vi.restoreAllMocks();
    await app.close();
    await dataSource.destroy();
  });

  it.each([
    ['the same user', (userId: string) => ({ userId, providerUserId: 'OTHER1' })],
    ['the same provider account', (_userId: string, providerUserId: string) => ({ userId: '99', providerUserId })],
  ])('for %s ends on the error page, stores only the winner and logs no INSERT parameters', async (_name, rival) => {
    dataSource = await createDataSource(kind);
    app = await startFitbitTestApp({ dataSource, fitbit: FitbitModule.forRoot(emulatorOptions(emulator)) });
    const fitbitUser = emulator.addUser();
    emulator.setConsentUser(fitbitUser.id);
    const providerUserId = providerFacts(emulator).providerUserIdOf(fitbitUser);
    const logged: string[] = [];
    for (const level of ['log', 'warn', 'error'] as const) {
      vi.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    }
    // The rival request stores its link between this request's checks and its INSERT.
    const store = app.app.get(UserLinkStore);
    const findByUser = store.findByUser.bind(store);
    vi.spyOn(store, 'findByUser').mockImplementationOnce(async (userId) => {
      const found = await findByUser(userId);
      await dataSource.getRepository(UserFitbit).insert({
        provider,
        legacyUserId: null,
        accessToken: 'rival-access',
        refreshToken: 'rival-refresh',
        expiresAt: Date.now() + 3_600_000,
        scopes: null,
        timeZone: null,
        refreshLockedUntil: null,
        createdAt: Date.now(),
        ...rival(userId, providerUserId),
      });
      return found;
    });

    expect(await connectThroughEmulator(app, browserFor(1))).toBe(`${app.url}/fitbit/error/?reason=linked-elsewhere`);
    expect((await dataSource.getRepository(UserFitbit).find()).map((link) => link.accessToken)).toEqual(['rival-access']);
    expect(logged.join('\n')).toMatch(/Another connect stored a link/);
    for (const secret of emulator.issuedSecrets().filter((value) => value.length >= 10)) expect(logged.join('\n')).not.toContain(secret);
    expect(logged.join('\n')).not.toMatch(/INSERT|PARAMETERS/i);
  });
});
