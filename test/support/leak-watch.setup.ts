/**
 * vitest setupFile: installs the leak watch around every test file and fails the file when any secret
 * an emulator issued (or was configured with) reached a log line, stdout/stderr, Redis, or a child
 * process's output. See `leak-watch.ts`.
 */
import { ConsoleLogger, Logger } from '@nestjs/common';
import { afterAll } from 'vitest';
import { FitbitEmulator } from '../../lib/testing/index.js';
import { capture, findLeaks, watchRedisCommands } from './leak-watch.js';

const LEVELS = ['log', 'warn', 'error', 'debug', 'verbose', 'fatal'] as const;
const emulators: FitbitEmulator[] = [];

/** Plain wrappers rather than vi.spyOn: a test's vi.restoreAllMocks() must not take the watch away. */
function wrap<T extends object>(target: T, name: string, source: string): void {
  const original = (target as Record<string, unknown>)[name];
  if (typeof original !== 'function') return;
  (target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    capture(source, args.map(describe).join(' '));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) {
    let text = `${value.stack ?? value.message}`;
    try {
      text += ` ${JSON.stringify(value)}`;
    } catch {
      // A circular error: its stack is what a logger would print.
    }
    return text;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

for (const level of LEVELS) {
  wrap(Logger.prototype, level, `Logger.${level}`);
  wrap(Logger, level, `Logger.${level}`);
  wrap(ConsoleLogger.prototype, level, `ConsoleLogger.${level}`);
}
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) wrap(console, level, `console.${level}`);
for (const [name, stream] of [['stdout', process.stdout], ['stderr', process.stderr]] as const) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    capture(name, typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '');
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
watchRedisCommands((text) => capture('redis', text));

const start = FitbitEmulator.start.bind(FitbitEmulator);
FitbitEmulator.start = async (options) => {
  const emulator = await start(options);
  emulators.push(emulator);
  return emulator;
};

afterAll(() => {
  const leaks = findLeaks(emulators.flatMap((emulator) => emulator.issuedSecrets()));
  if (leaks.length > 0) {
    throw new Error(`leak watch: ${leaks.length} secret(s) issued by the emulator reached logs, output or Redis:\n${leaks.map((leak) => `  [${leak.source}] ${leak.excerpt}`).join('\n')}`);
  }
});
