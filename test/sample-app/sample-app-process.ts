import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHILD_LEAK_WATCH_IMPORT, watchChild } from '../support/leak-watch.js';
import { waitUntilReady } from '../support/ready-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Variables the sample app reads; the test's own environment must not leak into the app under test. */
const SAMPLE_VARIABLES = /^(PORT|DATABASE_URL|SAMPLE_USERS|SESSION_SECRET|TOKEN_ENCRYPTION_KEY|REDIS_URL|GOOGLE_PROJECT_NUMBER|FITBIT_.*)$/;

export interface SampleAppProcess {
  url: string;
  /** The app's SQLite file (the fresh one this helper made unless DATABASE_URL was given). */
  databaseFile: string;
  output(): string;
  stop(): Promise<void>;
}

/** Runs `sample-app/main.ts` the way `npm start` does, on a free port with a fresh SQLite file. */
export async function startSampleApp(env: Record<string, string>): Promise<SampleAppProcess> {
  const directory = mkdtempSync(join(tmpdir(), 'sample-app-'));
  const databaseFile = join(directory, 'sample.sqlite');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SAMPLE_VARIABLES.test(name)));
  const child: ChildProcess = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', ...CHILD_LEAK_WATCH_IMPORT, 'sample-app/main.ts'], {
    cwd: ROOT,
    env: {
      ...inherited,
      SWC_NODE_PROJECT: 'tsconfig.json',
      NO_COLOR: '1',
      PORT: '0',
      DATABASE_URL: `sqlite:${databaseFile}`,
      SESSION_SECRET: 'browser test session secret',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = await waitUntilReady(child, /Open (http:\/\/localhost:\d+)/, 'the sample app', 30_000);
  return {
    url: started.ready,
    databaseFile,
    output: started.output,
    async stop() {
      await started.kill('SIGTERM');
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export interface SampleAppExit {
  code: number | null;
  output: string;
  /** From spawning the process to its exit. */
  ms: number;
}

/** Runs `sample-app/main.ts` (or `worker.ts`, `cli.ts`) to its exit, for start-up failures. */
export function runSampleAppToExit(env: Record<string, string>, entry: 'main.ts' | 'worker.ts' | 'cli.ts' = 'main.ts', args: string[] = []): Promise<SampleAppExit> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SAMPLE_VARIABLES.test(name)));
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', ...CHILD_LEAK_WATCH_IMPORT, `sample-app/${entry}`, ...args], {
    cwd: ROOT,
    env: { ...inherited, SWC_NODE_PROJECT: 'tsconfig.json', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  watchChild(child, 'the sample app');
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output, ms: Date.now() - started })));
}
