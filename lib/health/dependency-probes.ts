import type { DataSource } from 'typeorm';
import { describeNoAnswer, upstreamAddress } from '../providers/upstream-fetch.js';

/** A dependency that did not answer in time, or refused: names it, where it was looked for, and why. */
export class DependencyUnreachableError extends Error {
  constructor(
    readonly dependency: 'database' | 'redis' | 'provider',
    readonly address: string,
    readonly problem: string,
  ) {
    super(`${describeDependency(dependency)} at ${address} ${problem}`);
    this.name = 'DependencyUnreachableError';
  }
}

function describeDependency(dependency: DependencyUnreachableError['dependency']): string {
  return dependency === 'redis' ? 'Redis' : dependency === 'database' ? 'the database' : 'the provider';
}

/** Settles with `work`, or rejects with `onTimeout()` after `timeoutMs`; the timer never keeps a process alive. */
export function withinTimeout<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    timer.unref();
  });
  // A late failure of `work` after the timeout must not become an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Where a TypeORM data source points (`postgres 127.0.0.1:5432/app`, `better-sqlite3 app.sqlite`), without credentials. */
export function databaseAddress(dataSource: DataSource): string {
  const options = dataSource.options as { type: string; url?: string; host?: string; port?: number; database?: unknown };
  if (options.url && URL.canParse(options.url)) {
    const url = new URL(options.url);
    return `${options.type} ${url.host}${url.pathname}`;
  }
  if (options.host) return `${options.type} ${options.host}${options.port ? `:${options.port}` : ''}/${String(options.database ?? '')}`;
  return `${options.type} ${String(options.database ?? '')}`;
}

/** `SELECT 1` on the data source, bounded. */
export async function pingDatabase(dataSource: DataSource, timeoutMs: number): Promise<void> {
  if (!dataSource.isInitialized) throw new DependencyUnreachableError('database', databaseAddress(dataSource), 'is not connected');
  try {
    await withinTimeout(dataSource.query('SELECT 1'), timeoutMs, () =>
      new DependencyUnreachableError('database', databaseAddress(dataSource), `did not answer within ${timeoutMs} ms`),
    );
  } catch (error) {
    if (error instanceof DependencyUnreachableError) throw error;
    throw new DependencyUnreachableError('database', databaseAddress(dataSource), `refused: ${describeNoAnswer(error, timeoutMs)}`);
  }
}

/** Whether anything answers HTTP at the URL (any status counts: this is reachability, not a call). */
export async function probeHttp(url: string, timeoutMs: number): Promise<void> {
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
  } catch (error) {
    throw new DependencyUnreachableError('provider', upstreamAddress(url), `did not answer: ${describeNoAnswer(error, timeoutMs)}`);
  }
}
