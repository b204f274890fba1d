/**
 * tokenEncryptionKey must be 32 random bytes; tokens are bound to their row and column (AES-GCM
 * additional data); keys rotate with tokenEncryptionKeys and `refresh-tokens --reseal`; values sealed
 * before binding existed (v1) stay readable and are re-sealed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SealedBox } from '../../lib/auth/sealed-box.js';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { RefreshTokensCommand } from '../../lib/commands/refresh-tokens.command.js';
import type { FitbitModuleOptions } from '../../lib/config/fitbit-module-options.interface.js';
import { resolveFitbitConfig } from '../../lib/config/resolve-fitbit-config.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { emulatorOptions, PROVIDERS, providerFacts, startEmulator } from '../support/fitbit-fixture.js';
import { startFitbitTestApp, type FitbitTestApp } from '../support/fitbit-test-app.js';

const base = { clientId: 'id', clientSecret: 'secret-of-the-client' };
const configError = async (options: Partial<FitbitModuleOptions>) => {
  try {
    resolveFitbitConfig({ ...base, ...options }, {});
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('tokenEncryptionKey', () => {
  it.each([
    ['a 43-character passphrase', 'ThisIsMySuperSecretPassphraseForTokens12345'],
    ['aaa…=', `${'a'.repeat(43)}=`],
    ['AAA…= (32 zero bytes)', `${'A'.repeat(43)}=`],
    ['64 zero hex digits', '0'.repeat(64)],
    ['a repeated hex pattern', '0123456789abcdef'.repeat(4)],
    ['16 bytes', randomBytes(16).toString('base64')],
    ['unpadded base64url', randomBytes(32).toString('base64url')],
  ])('refuses %s with a message naming the option', async (_name, key) => {
    expect(await configError({ tokenEncryptionKey: key })).toMatch(/FitbitModule option "tokenEncryptionKey": .*32 random bytes/);
  });

  it.each([
    ['hex', randomBytes(32).toString('hex')],
    ['base64', randomBytes(32).toString('base64')],
    ['base64 with the URL alphabet', randomBytes(32).toString('base64url') + '='],
  ])('accepts 32 random bytes as %s', async (_name, key) => {
    // Canonical base64url needs the zero low bits of its last character; retry a draw that has them.
    let candidate = key;
    while (_name.includes('URL') && Buffer.from(candidate.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('base64') !== candidate.replace(/-/g, '+').replace(/_/g, '/')) {
      candidate = randomBytes(32).toString('base64url') + '=';
    }
    expect(await configError({ tokenEncryptionKey: candidate })).toBeNull();
  });

  it('refuses tokenEncryptionKey beside tokenEncryptionKeys, and a weak key in the list by its index', async () => {
    const key = randomBytes(32).toString('hex');
    expect(await configError({ tokenEncryptionKey: key, tokenEncryptionKeys: [key] })).toMatch(/"tokenEncryptionKeys": and "tokenEncryptionKey" are both set/);
    expect(await configError({ tokenEncryptionKeys: [key, 'f'.repeat(64)] })).toMatch(/"tokenEncryptionKeys\[1\]": has too little entropy/);
  });
});

describe.each(PROVIDERS)('sealed tokens at rest (%s)', (provider) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let apps: FitbitTestApp[] = [];
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  beforeAll(async () => {
    emulator = await startEmulator({ provider });
  });
  afterAll(() => emulator.stop());
  afterEach(async () => {
    for (const app of apps) await app.close();
    apps = [];
    await dataSource.destroy();
  });

  async function appWith(keys: Buffer[]): Promise<FitbitTestApp> {
    const app = await startFitbitTestApp({
      dataSource,
      fitbit: FitbitModule.forRoot({ ...emulatorOptions(emulator, { tokenEncryptionKeys: keys.map((key) => key.toString('base64')) }), commands: true }),
    });
    apps.push(app);
    return app;
  }

  async function linkUser(app: FitbitTestApp, userId: string) {
    const user = emulator.addUser();
    const tokens = emulator.issueTokens(user.id);
    return app.app.get(UserLinkStore).save({
      userId,
      provider,
      providerUserId: providerFacts(emulator).providerUserIdOf(user),
      legacyUserId: null,
      timeZone: null,
      tokens: { ...tokens, scopes: [] },
    });
  }

  it('binds each sealed token to its row and column: moved elsewhere, it does not open', async () => {
    dataSource = await createSqliteDataSource();
    const app = await appWith([newKey]);
    const alice = await linkUser(app, '1');
    const bob = await linkUser(app, '2');
    const store = app.app.get(UserLinkStore);
    expect(store.accessToken(alice)).toMatch(/\S{20,}/);
    expect(() => store.accessToken({ ...bob, accessToken: alice.accessToken })).toThrow(/belongs to another row or column/);
    expect(() => store.refreshToken({ ...alice, refreshToken: alice.accessToken })).toThrow(/belongs to another row or column/);
  });

  it('rotates keys: old values open with a previous key, --reseal moves them to the current one, then the old key can go', async () => {
    dataSource = await createSqliteDataSource();
    const before = await appWith([oldKey]);
    const link = await linkUser(before, '1');
    const plain = before.app.get(UserLinkStore).accessToken(link);

    const rotated = await appWith([newKey, oldKey]);
    const stored = (await rotated.app.get(UserLinkStore).findByUser('1'))!;
    expect(rotated.app.get(UserLinkStore).accessToken(stored)).toBe(plain);
    const summary = await rotated.app.get(RefreshTokensCommand).refreshTokens({ reseal: true });
    expect(summary.resealed).toBe(1);
    expect((await rotated.app.get(RefreshTokensCommand).refreshTokens({ reseal: true })).resealed).toBe(0);

    const after = await appWith([newKey]);
    expect(after.app.get(UserLinkStore).accessToken((await after.app.get(UserLinkStore).findByUser('1'))!)).toBe(plain);
  });

  it('reads tokens sealed before row binding (v1) and re-seals them bound to the row', async () => {
    dataSource = await createSqliteDataSource();
    const app = await appWith([newKey]);
    const user = emulator.addUser();
    const tokens = emulator.issueTokens(user.id);
    const legacy = SealedBox.withKey(newKey);
    await dataSource.getRepository(UserFitbit).insert({
      userId: '1',
      provider,
      providerUserId: providerFacts(emulator).providerUserIdOf(user),
      legacyUserId: null,
      accessToken: legacy.seal(tokens.accessToken),
      refreshToken: legacy.seal(tokens.refreshToken),
      expiresAt: tokens.expiresAt,
      scopes: null,
      timeZone: null,
      refreshLockedUntil: null,
      createdAt: Date.now(),
    });
    const store = app.app.get(UserLinkStore);
    expect(store.refreshToken((await store.findByUser('1'))!)).toBe(tokens.refreshToken);
    expect((await app.app.get(RefreshTokensCommand).refreshTokens({ reseal: true })).resealed).toBe(1);
    const resealed = (await store.findByUser('1'))!;
    expect(resealed.refreshToken.startsWith('v2.')).toBe(true);
    expect(store.refreshToken(resealed)).toBe(tokens.refreshToken);
  });
});
