/**
 * `npm run cli -- refresh-tokens` as a person meets it: its help says what runs without `--all`,
 * and in demo mode without a running `npm start` (so no emulator) it names the address it could
 * not reach and stops within seconds, where it used to print `POST /token: TypeError: fetch failed`
 * once per user.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../subscriptions/support/subscriptions-fixture.js';
import { runSampleAppToExit } from './sample-app-process.js';

describe('the sample CLI', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'sample-cli-'));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('--help explains that without --all only expired tokens are refreshed', async () => {
    const { code, output } = await runSampleAppToExit({ PORT: '3000' }, 'cli.ts', ['refresh-tokens', '--help']);
    expect(code).toBe(0);
    expect(output.replace(/\s+/g, ' ')).toContain('Without --all only the tokens that have already expired are refreshed; with --all every token is.');
  });

  it('in demo mode without npm start names the emulator address it cannot reach, tries nobody, and exits 1', async () => {
    const database = join(directory, 'cli.sqlite');
    const emulatorPort = await freePort();
    const env = { PORT: '3000', FITBIT_EMULATOR_PORT: String(emulatorPort), DATABASE_URL: `sqlite:${database}` };
    // A first run creates the schema (and has nothing to refresh); then two expired links appear.
    expect((await runSampleAppToExit(env, 'cli.ts', ['refresh-tokens'])).output).toContain('Successfully refreshed 0 tokens');
    const dataSource = await new DataSource({ type: 'better-sqlite3', database }).initialize();
    for (const user of ['1', '2']) {
      await dataSource.query(
        `INSERT INTO fitbit_user_link (user_id, provider, provider_user_id, access_token, refresh_token, expires_at, time_zone, created_at)
         VALUES (?, 'google-health', ?, 'access', 'refresh', 1, 'UTC', 1)`,
        [user, `health-user-${user}`],
      );
    }
    await dataSource.destroy();

    const { code, output } = await runSampleAppToExit(env, 'cli.ts', ['refresh-tokens']);
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([
      `Stopped: the provider at http://127.0.0.1:${emulatorPort}/token did not answer: connect ECONNREFUSED 127.0.0.1:${emulatorPort}; 2 tokens not tried`,
      'Successfully refreshed 0 tokens',
      'Failed to refresh 2 tokens',
    ]);
  });
});
