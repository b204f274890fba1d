import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DataSourceOptions } from 'typeorm';
import type { FitbitModuleOptions } from '../../lib/config/fitbit-module-options.interface.js';
import { CHILD_LEAK_WATCH_IMPORT } from './leak-watch.js';
import { waitUntilReady, type ReadyProcess } from './ready-process.js';

const ENTRY = fileURLToPath(new URL('./app-process.entry.ts', import.meta.url));

export interface AppProcess {
  url: string | null;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait; SIGKILL with `kill('SIGKILL')` to simulate a crash. */
  stop(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts the app (or a worker) in its own Node process and waits until it is ready. */
export async function startAppProcess(setup: {
  database: DataSourceOptions;
  fitbit: FitbitModuleOptions;
  subscribe?: boolean;
  worker?: boolean;
  http?: boolean;
}): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', ...CHILD_LEAK_WATCH_IMPORT, ENTRY], {
    env: { ...process.env, FITBIT_TEST_PROCESS: JSON.stringify(setup), SWC_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return asAppProcess(child, await waitUntilReady(child, /READY (\S+)/, 'app process'));
}

/** The READY protocol of app-process.entry.ts: `READY <url>`, or `READY worker` without HTTP. */
export function asAppProcess(child: ChildProcess, started: ReadyProcess): AppProcess {
  const { ready, output, kill } = started;
  return { url: ready === 'worker' ? null : ready, child, output, stop: () => kill('SIGTERM'), kill };
}
