/**
 * Issue #8, item 7: with `tokenEncryptionKey`, after a full connect/refresh cycle over two app
 * processes, neither database holds a token in plain text. Every token the provider issued on
 * the way is recovered by opening the stored values with the key (and checked to be real at
 * the provider), then searched for in the raw rows (PostgreSQL) and the raw file bytes (SQLite).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenCipher } from '../../lib/auth/token-cipher.js';
import type { FitbitConfig } from '../../lib/config/fitbit-config.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import type { AppProcess } from '../support/app-processes.js';
import { createPostgresDataSource, createSqliteDataSource, DATABASE_KINDS, type DatabaseKind, type TestDataSource } from '../support/databases.js';
import { browserFor, emulatorOptions, PROVIDERS, providerFacts, startEmulator } from '../support/fitbit-fixture.js';
import { assertAlive, connectionOf, dataStatus, startApps, stopAll, summary } from './support/cluster.js';

const KEY = randomBytes(32);
const cipher = new TokenCipher({ tokenEncryptionKeys: [KEY] } as unknown as FitbitConfig);
const CASES = PROVIDERS.flatMap((provider) => DATABASE_KINDS.map((kind) => [provider, kind] as const));

describe.each(CASES)('tokens at rest over two app processes (%s, %s)', (provider, kind: DatabaseKind) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let processes: AppProcess[] = [];
  let facts: ReturnType<typeof providerFacts>;
  const file = join(tmpdir(), `fitbit-reliability-tokens-${process.pid}-${provider}.sqlite`);
  const sqliteFiles = [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];

  beforeAll(async () => {
    emulator = await startEmulator({ provider });
    facts = providerFacts(emulator);
    for (const path of sqliteFiles) rmSync(path, { force: true });
    dataSource = kind === 'sqlite' ? await createSqliteDataSource({ database: file }) : await createPostgresDataSource();
    const setup = { database: connectionOf(dataSource), fitbit: emulatorOptions(emulator, { tokenEncryptionKey: KEY.toString('base64') }) };
    processes = await startApps([setup, setup]);
  }, 120_000);
  afterAll(async () => {
    await stopAll(processes);
    await dataSource?.destroy();
    await emulator?.stop();
    for (const path of sqliteFiles) rmSync(path, { force: true });
  });

  /** The stored row's tokens, opened with the key; fails when a stored value is not sealed. */
  async function storedTokens(appUserId: string): Promise<{ sealed: string[]; plain: string[] }> {
    const link = await dataSource.getRepository(UserFitbit).findOneByOrFail({ userId: appUserId });
    const sealed = [link.accessToken, link.refreshToken];
    const plain = (['access_token', 'refresh_token'] as const).map((column, index) => {
      const value = sealed[index]!;
      // Sealed with the current key and bound to this row and column.
      expect(cipher.needsReseal(value)).toBe(false);
      return cipher.openToken('fitbit_user_link', link, column, value);
    });
    return { sealed, plain };
  }

  /** Everything the database holds, as text: every row of every table, or the file's bytes. */
  async function databaseText(): Promise<string> {
    if (kind === 'postgres') {
      const tables = (await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)) as { table_name: string }[];
      const dumps: string[] = [];
      for (const { table_name } of tables) dumps.push(JSON.stringify(await dataSource.query(`SELECT * FROM "${table_name}"`)));
      return dumps.join('\n');
    }
    await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
    return sqliteFiles.filter((path) => existsSync(path)).map((path) => readFileSync(path).toString('latin1')).join('\n');
  }

  it('keeps every issued token sealed through connect on A, refresh on B and refresh on A', async () => {
    const [a, b] = processes.map((process) => process.url!) as [string, string];
    const appUserId = '42';
    const user = emulator.addUser();
    emulator.setConsentUser(user.id);
    const issued = new Set<string>();
    const sealedSeen = new Set<string>();
    const remember = ({ sealed, plain }: { sealed: string[]; plain: string[] }) => {
      for (const token of plain) issued.add(token);
      for (const value of sealed) sealedSeen.add(value);
    };

    // Connect on A.
    const browser = browserFor(Number(appUserId));
    const { url: landed } = await browser.follow(`${a}/fitbit/login/`, { stopAt: (next) => next.startsWith(a) && !new URL(next).pathname.startsWith('/fitbit/') });
    expect(new URL(landed).pathname).toBe('/');
    remember(await storedTokens(appUserId));

    // The provider expires the access token: B refreshes, then A refreshes again.
    let refreshes = 0;
    for (const app of [b, a]) {
      emulator.expireAccessTokens(user.id);
      expect(await dataStatus(app, appUserId)).toEqual({ http: 200, code: 100 });
      refreshes += 1;
      remember(await storedTokens(appUserId));
    }
    assertAlive(processes);
    expect(emulator.stats.refreshCalls(user.id)).toBe(refreshes);

    // The tokens recovered with the key are the provider's real ones: the latest access token works.
    const latest = await storedTokens(appUserId);
    expect(await facts.tokenWorks(latest.plain[0]!)).toBe(true);
    // Each refresh issued a new access token (google-health keeps the refresh token): at least 3 + 1 distinct tokens.
    expect(issued.size).toBeGreaterThanOrEqual(refreshes + 2);
    for (const token of issued) expect(token.length).toBeGreaterThan(20);

    const text = await databaseText();
    const found = [...issued].filter((token) => text.includes(token));
    const sealedStored = [...latest.sealed].filter((value) => text.includes(value)).length;
    const serverErrors = browser.hops.filter((hop) => hop.status >= 500).length;
    summary(
      `tokens-at-rest (${provider}, ${kind}): connect on A, refresh on B and on A, ${refreshes} refresh calls, ` +
        `${issued.size} distinct tokens issued, ${found.length} found in plain text in ${text.length} bytes scanned, ` +
        `sealed values stored ${sealedStored}/2, ${serverErrors} 5xx`,
    );
    expect(found).toEqual([]);
    expect(sealedStored).toBe(2);
    expect(serverErrors).toBe(0);
  }, 60_000);
});
