/**
 * What a person sees when the sample app cannot start: one line naming the variable and the address,
 * and an exit soon after (10 s at most), for `npm start` and `npm run worker` alike. Before, a Redis
 * that did not answer hung both for ever, an unreachable PostgreSQL printed TypeORM's retry traces,
 * a busy port a stack trace, and a second `npm start` blamed the emulator's port.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../subscriptions/support/subscriptions-fixture.js';
import { TEST_REDIS_URL } from '../support/service-urls.js';
import { runSampleAppToExit, startSampleApp, type SampleAppExit } from './sample-app-process.js';

/**
 * The budget: a person waiting for a dead dependency gets an answer within 10 s. Starting Node and
 * compiling the app takes ~2.5 s on an idle machine and much longer on a busy one, so what is held
 * to the budget is the time beyond a run that fails before touching anything (started alongside,
 * so it pays the same load): at most 7 s, which makes well under 10 s on an idle machine.
 */
const WAIT_WITHIN_MS = 7_000;
const HINT = 'See "The sample app" in README.md for the environment variables.';
const COMMON = { SESSION_SECRET: 'startup failure test secret', DATABASE_URL: 'sqlite::memory:', PORT: '0' };
const REAL_CLIENT = { FITBIT_CLIENT_ID: 'startup-test-client', FITBIT_CLIENT_SECRET: 'startup-test-secret' };

/** Accepts connections and never says a word: a host that is up but whose service hangs. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs the entry with `env` beside a run that fails at once (a bad PORT), to weigh the wait against the start-up cost. */
async function runBesideControl(env: Record<string, string>, entry: 'main.ts' | 'worker.ts' = 'main.ts'): Promise<SampleAppExit & { controlMs: number }> {
  const [exit, control] = await Promise.all([runSampleAppToExit(env, entry), runSampleAppToExit({ ...COMMON, PORT: 'eighty' }, entry)]);
  expect(control.output).toContain('PORT: must be a port number');
  return { ...exit, controlMs: control.ms };
}

/** Exit code 1 soon, and nothing printed but the one line (and the README hint). */
function expectOneLineFailure(exit: SampleAppExit & { controlMs?: number }, line: RegExp): void {
  const printed = exit.output.split('\n').filter((text) => text.trim() !== '');
  expect(exit.code, exit.output).toBe(1);
  expect(printed, exit.output).toHaveLength(2);
  expect(printed[0]).toMatch(line);
  expect(printed[1]).toBe(HINT);
  if (exit.controlMs !== undefined) {
    console.log(`startup failure: exited after ${exit.ms} ms, ${exit.ms - exit.controlMs} ms more than a run that fails before connecting: ${printed[0]}`);
    expect(exit.ms - exit.controlMs, `exited after ${exit.ms} ms, the control after ${exit.controlMs} ms`).toBeLessThan(WAIT_WITHIN_MS);
  }
}

describe('sample app start-up failures', () => {
  let refusedPort: number;
  let silent: Awaited<ReturnType<typeof silentServer>>;

  beforeAll(async () => {
    refusedPort = await freePort();
    silent = await silentServer();
  });
  afterAll(async () => {
    await silent?.close();
  });

  it.each([
    ['npm start', 'main.ts', {}],
    ['npm run worker', 'worker.ts', { PORT: '3000' }],
  ] as const)('%s with an unreachable Redis names REDIS_URL and the address and exits', async (_name, entry, extra) => {
    const refused = await runBesideControl({ ...COMMON, ...extra, REDIS_URL: `redis://127.0.0.1:${refusedPort}` }, entry);
    const quiet = await runBesideControl({ ...COMMON, ...extra, REDIS_URL: `redis://127.0.0.1:${silent.port}` }, entry);
    expectOneLineFailure(
      refused,
      new RegExp(`^The sample app cannot start\\. REDIS_URL: Redis at 127\\.0\\.0\\.1:${refusedPort} did not answer within 3000 ms \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${refusedPort}\\) \\(FitbitModule option "queue"\\)$`),
    );
    expectOneLineFailure(
      quiet,
      new RegExp(`^The sample app cannot start\\. REDIS_URL: Redis at 127\\.0\\.0\\.1:${silent.port} did not answer within 3000 ms \\(FitbitModule option "queue"\\)$`),
    );
  });

  it.each([
    ['npm start', 'main.ts', {}],
    ['npm run worker', 'worker.ts', { PORT: '3000', REDIS_URL: TEST_REDIS_URL, FITBIT_QUEUE_PREFIX: `startup-${process.pid}` }],
  ] as const)('%s with an unreachable PostgreSQL names DATABASE_URL and the address and exits', async (_name, entry, extra) => {
    const refused = await runBesideControl({ ...COMMON, ...extra, DATABASE_URL: `postgres://postgres@127.0.0.1:${refusedPort}/test` }, entry);
    const quiet = await runBesideControl({ ...COMMON, ...extra, DATABASE_URL: `postgres://postgres:secret-password@127.0.0.1:${silent.port}/test` }, entry);
    expectOneLineFailure(
      refused,
      new RegExp(`^The sample app cannot start\\. DATABASE_URL: PostgreSQL at 127\\.0\\.0\\.1:${refusedPort}/test refused the connection \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${refusedPort}\\)$`),
    );
    expectOneLineFailure(quiet, new RegExp(`^The sample app cannot start\\. DATABASE_URL: PostgreSQL at 127\\.0\\.0\\.1:${silent.port}/test did not answer within 3000 ms$`));
    expect(quiet.output).not.toContain('secret-password');
  });

  it('a busy port is named as PORT, in the same one line', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const exit = await runSampleAppToExit({ ...COMMON, ...REAL_CLIENT, PORT: String(port) });
      expectOneLineFailure(exit, new RegExp(`^The sample app cannot start\\. PORT: port ${port} is already in use \\(is another "npm start" running\\?\\); stop it or set PORT to a free port$`));
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('a second npm start on the same port blames PORT, not the demo emulator that the first one runs on PORT + 1', async () => {
    const port = await freePort();
    const first = await startSampleApp({ PORT: String(port) });
    try {
      expect(first.url).toBe(`http://localhost:${port}`);
      const second = await runSampleAppToExit({ ...COMMON, PORT: String(port) });
      expectOneLineFailure(second, new RegExp(`^The sample app cannot start\\. PORT: port ${port} is already in use`));
      expect(second.output).not.toContain('FITBIT_EMULATOR_PORT');
    } finally {
      await first.stop();
    }
  });
});
