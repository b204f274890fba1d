import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { createPostgresDataSource, createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { browserFor, connectThroughEmulator, emulatorOptions, PROVIDERS, startEmulator } from '../support/fitbit-fixture.js';
import { startFitbitTestApp } from '../support/fitbit-test-app.js';
import { TEST_USER_HEADER } from '../support/test-sign-in.js';

const KEY = randomBytes(32).toString('base64');

describe.each(PROVIDERS)('tokens at rest with tokenEncryptionKey (%s)', (provider) => {
  let emulator: FitbitEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ provider });
  });
  afterAll(() => emulator.stop());

  /** Connects, forces a refresh, and returns every token the emulator ever issued to that user. */
  async function connectAndRefresh(dataSource: TestDataSource, inspect: (tokens: string[]) => Promise<void>): Promise<void> {
    const app = await startFitbitTestApp({ dataSource, fitbit: FitbitModule.forRoot(emulatorOptions(emulator, { tokenEncryptionKey: KEY })) });
    try {
      const user = emulator.addUser();
      emulator.setConsentUser(user.id);
      await connectThroughEmulator(app, browserFor(1));
      const store = app.app.get(UserLinkStore);
      const first = (await store.findByUser('1'))!;
      const issued = [store.accessToken(first), store.refreshToken(first)];
      emulator.expireAccessTokens(user.id);
      const answer = await fetch(`${app.url}/fitbit/get_data/activities/steps/?period=7d`, { headers: { [TEST_USER_HEADER]: '1' } });
      expect(((await answer.json()) as { meta: { status_code: number } }).meta.status_code).toBe(100);
      const second = (await store.findByUser('1'))!;
      expect(second.accessToken).not.toBe(first.accessToken);
      issued.push(store.accessToken(second), store.refreshToken(second));
      for (const token of issued) expect(token.length).toBeGreaterThan(20);
      await inspect([...new Set(issued)]);
    } finally {
      await app.close();
    }
  }

  it('keeps no plaintext token in the SQLite database file', async () => {
    const file = join(tmpdir(), `fitbit-tokens-${process.pid}-${provider}.sqlite`);
    rmSync(file, { force: true });
    const dataSource = await createSqliteDataSource({ database: file });
    try {
      await connectAndRefresh(dataSource, async (tokens) => {
        await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
        const bytes = readFileSync(file).toString('latin1');
        for (const token of tokens) expect(bytes.includes(token)).toBe(false);
        expect(bytes).toMatch(/v2\.[\w-]{8}\./);
      });
    } finally {
      await dataSource.destroy();
      rmSync(file, { force: true });
      rmSync(`${file}-wal`, { force: true });
      rmSync(`${file}-shm`, { force: true });
    }
  });

  it('keeps no plaintext token in PostgreSQL', async () => {
    const dataSource = await createPostgresDataSource();
    try {
      await connectAndRefresh(dataSource, async (tokens) => {
        const dump = JSON.stringify(await dataSource.query('SELECT * FROM fitbit_user_link'));
        for (const token of tokens) expect(dump.includes(token)).toBe(false);
        expect(dump).toMatch(/v2\.[\w-]{8}\./);
      });
    } finally {
      await dataSource.destroy();
    }
  });
});
