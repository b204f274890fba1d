/**
 * The suite-wide leak watch: everything the code under test writes to a logger, to stdout/stderr, to
 * Redis, and what child processes print, is checked against every secret the emulators issued
 * (tokens, authorization codes, client secret, webhook and project credentials). Installed for every
 * test file by `leak-watch.setup.ts`; child processes load `leak-watch.child.ts` to report their
 * Redis writes on stderr, which the parent captures.
 */
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';

/** Only text that could hold a credential is kept: the check runs at the end, when every secret is known. */
export const MAY_HOLD_A_SECRET = /ya29\.|1\/\/|1%2F%2F|eyJ|[0-9a-fA-F]{32}|4\/0|4%2F0|Bearer|Basic|secret|token/i;
/** Shorter secrets (test values such as 'secret') are words any log line may contain. */
const MIN_SECRET_LENGTH = 10;
/** `node --import` arguments that load the child side of the watch (after the TypeScript loader). */
export const CHILD_LEAK_WATCH_IMPORT = ['--import', new URL('./leak-watch.child.ts', import.meta.url).href];
/** How a child process marks a Redis command on stderr. */
export const CHILD_REDIS_MARK = 'leak-watch redis:';

interface Captured {
  source: string;
  text: string;
}

const captured: Captured[] = [];

export function capture(source: string, text: string): void {
  if (text !== '' && MAY_HOLD_A_SECRET.test(text)) captured.push({ source, text });
}

/** Everything a child process prints is captured, as the tests that read its output capture it. */
export function watchChild(child: ChildProcess, name: string): void {
  child.stdout?.on('data', (chunk: Buffer) => capture(`${name} stdout`, chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => capture(`${name} stderr`, chunk.toString()));
}

/** Wraps ioredis so every command an in-process client sends passes `onCommand` first. */
export function watchRedisCommands(onCommand: (text: string) => void): void {
  const prototype = Redis.prototype as unknown as { sendCommand: (command: { name: string; args: unknown[] }, ...rest: unknown[]) => unknown; __leakWatch?: true };
  if (prototype.__leakWatch) return;
  const original = prototype.sendCommand;
  prototype.sendCommand = function (this: unknown, command, ...rest) {
    try {
      onCommand([command.name, ...command.args.map((arg) => (Buffer.isBuffer(arg) ? arg.toString('utf8') : String(arg)))].join(' '));
    } catch {
      // Never let the watch break a command.
    }
    return original.call(this, command, ...rest);
  };
  prototype.__leakWatch = true;
}

export interface Leak {
  source: string;
  /** The text around the secret, with the secret itself masked. */
  excerpt: string;
}

/** Where any of `secrets` (raw or URL-encoded) appears in what was captured. */
export function findLeaks(secrets: Iterable<string>): Leak[] {
  const needles = new Map<string, string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    needles.set(secret, secret);
    needles.set(encodeURIComponent(secret), secret);
  }
  const leaks: Leak[] = [];
  for (const { source, text } of captured) {
    for (const needle of needles.keys()) {
      const at = text.indexOf(needle);
      if (at < 0) continue;
      const excerpt = `${text.slice(Math.max(0, at - 80), at)}<${needle.slice(0, 6)}…>${text.slice(at + needle.length, at + needle.length + 80)}`;
      leaks.push({ source, excerpt });
    }
  }
  return leaks;
}

/** Forgets what was captured (the watch's own test plants a leak on purpose). */
export function clearCaptured(): void {
  captured.length = 0;
}
