import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DataSourceOptions } from 'typeorm';
import type { FitbitModuleOptions } from '../../lib/config/fitbit-module-options.interface.js';

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
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', ENTRY], {
    env: { ...process.env, FITBIT_TEST_PROCESS: JSON.stringify(setup), SWC_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app process did not start in time:\n${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app process exited with ${code}:\n${output}`));
    });
  });
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url: url === 'worker' ? null : url, child, output: () => output, stop: () => kill('SIGTERM'), kill };
}
