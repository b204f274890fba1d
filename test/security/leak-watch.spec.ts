/**
 * The leak watch itself (test/support/leak-watch.setup.ts runs it around every file): it must see a
 * secret the emulator issued wherever it lands, or the suite-wide check could never fail.
 */
import { spawn } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { PROVIDERS, startEmulator } from '../support/fitbit-fixture.js';
import { CHILD_LEAK_WATCH_IMPORT, clearCaptured, findLeaks } from '../support/leak-watch.js';
import { TEST_REDIS_URL } from '../support/service-urls.js';
import { waitUntilReady } from '../support/ready-process.js';

describe.each(PROVIDERS)('the leak watch (%s)', (provider) => {
  let emulator: FitbitEmulator;
  let tokens: { accessToken: string; refreshToken: string };
  beforeAll(async () => {
    emulator = await startEmulator({ provider });
    tokens = emulator.issueTokens(emulator.addUser().id);
  });
  afterAll(() => emulator.stop());
  // What these tests plant on purpose must not fail the file.
  afterEach(() => clearCaptured());

  it('knows every secret the emulator issued or holds', () => {
    expect(emulator.issuedSecrets()).toEqual(expect.arrayContaining([tokens.accessToken, tokens.refreshToken, 'test-secret', 'Bearer test-webhook-secret']));
  });

  it('sees a token written through a Nest logger, even one whose output is switched off', () => {
    Logger.overrideLogger(false);
    try {
      new Logger('Planted').warn(`refresh with ${tokens.refreshToken}`);
    } finally {
      Logger.overrideLogger(['error', 'warn', 'log']);
    }
    expect(findLeaks(emulator.issuedSecrets()).map((leak) => leak.source)).toContain('Logger.warn');
  });

  it('sees a URL-encoded token on stderr', () => {
    process.stderr.write(`token=${encodeURIComponent(tokens.refreshToken)}\n`);
    expect(findLeaks(emulator.issuedSecrets()).map((leak) => leak.source)).toContain('stderr');
  });

  it('sees a token sent to Redis', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const key = `t-leak-watch-${process.pid}-${provider}`;
    try {
      await redis.set(key, JSON.stringify({ accessToken: tokens.accessToken }), 'PX', 1000);
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
    expect(findLeaks(emulator.issuedSecrets()).map((leak) => leak.source)).toContain('redis');
  });

  it("sees the Redis writes of a child process started with the child watch", async () => {
    const script = `import { Redis } from 'ioredis';
      const redis = new Redis(process.env.REDIS_URL);
      await redis.set(process.env.KEY, process.env.VALUE, 'PX', 1000);
      await redis.del(process.env.KEY);
      redis.disconnect();
      console.log('READY done');`;
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', ...CHILD_LEAK_WATCH_IMPORT, '--input-type=module', '-e', script], {
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json', REDIS_URL: TEST_REDIS_URL, KEY: `t-leak-watch-child-${process.pid}-${provider}`, VALUE: tokens.refreshToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = await waitUntilReady(child, /READY (\S+)/, 'the child');
    await started.kill('SIGTERM');
    expect(findLeaks(emulator.issuedSecrets()).map((leak) => leak.source)).toContain('the child stderr');
  });
});
