import type { ChildProcess } from 'node:child_process';
import { watchChild } from './leak-watch.js';

export interface ReadyProcess {
  /** What the `ready` pattern's first group captured. */
  ready: string;
  output: () => string;
  /** Sends the signal (unless the process is gone) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Collects a child's output and waits for the line that says it is ready; rejects if it exits or times out first. */
export async function waitUntilReady(child: ChildProcess, ready: RegExp, what: string, timeoutMs = 60_000): Promise<ReadyProcess> {
  let output = '';
  watchChild(child, what);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const captured = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in time:\n${output}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
  return {
    ready: captured,
    output: () => output,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
