/**
 * Shared pieces of the reliability suite: app processes on one database, the one-line summary
 * each test prints, a seeded PRNG, a bounded-concurrency runner and a raw HTTP client.
 */
import { request as httpRequest, Agent } from 'node:http';
import type { LogLevel } from '@nestjs/common';
import type { DataSourceOptions } from 'typeorm';
import type { FitbitModuleOptions } from '../../../lib/config/fitbit-module-options.interface.js';
import { startAppProcess, type AppProcess } from '../../support/app-processes.js';
import type { TestDataSource } from '../../support/databases.js';
import { TEST_USER_HEADER } from '../../support/test-sign-in.js';

/** What a child process needs to reach the same database (classes and functions do not cross process lines). */
export function connectionOf(dataSource: TestDataSource): DataSourceOptions {
  const options = dataSource.options as DataSourceOptions & { url?: string; schema?: string; extra?: unknown; database?: string };
  if (options.type === 'postgres') {
    const { type, url, schema, extra } = options;
    return { type, url, schema, extra } as DataSourceOptions;
  }
  if (options.type === 'better-sqlite3') {
    if (!options.database || options.database === ':memory:') throw new Error('app processes can only share a SQLite database kept in a file');
    // Several processes write the file: wait for a lock instead of failing with SQLITE_BUSY.
    return { type: 'better-sqlite3', database: options.database, timeout: 10_000 } as DataSourceOptions;
  }
  throw new Error(`no cross-process connection for ${options.type}`);
}

export interface ClusterSetup {
  database: DataSourceOptions;
  fitbit: FitbitModuleOptions;
  subscribe?: boolean;
  worker?: boolean;
  /** Default: errors and warnings. */
  logLevels?: LogLevel[];
}

/** Starts app processes (HTTP) side by side; the setups may differ per process. */
export async function startApps(setups: ClusterSetup[]): Promise<AppProcess[]> {
  const started = await Promise.allSettled(setups.map((setup) => startAppProcess(setup)));
  const processes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await stopAll(processes);
    throw (failed as PromiseRejectedResult).reason;
  }
  return processes;
}

export async function stopAll(processes: readonly AppProcess[]): Promise<void> {
  await Promise.all(processes.map((process) => process.stop()));
}

/** The one line a reliability test prints with its figures. */
export function summary(line: string): void {
  console.log(`reliability: ${line}`);
}

/** A child that died, or logged an unhandled error: the test shows its output. */
export function assertAlive(processes: readonly AppProcess[]): void {
  for (const [index, process] of processes.entries()) {
    if (process.child.exitCode !== null || process.child.signalCode !== null) {
      const output = process.output().split('\n').filter((line) => !/^\[Nest\].* WARN /.test(line)).join('\n');
      throw new Error(`app process ${index} exited (${process.child.exitCode ?? process.child.signalCode}):\n${output.slice(-4000)}`);
    }
  }
}

/** mulberry32: a tiny seeded PRNG, so a failing fuzz run can be replayed from its seed. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Random printable ASCII, with some URL-hostile characters among them. */
  text(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!$&\'()*+,;=:@/?#[]%"<>\\^`{|} '): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  bytes(length: number): Buffer {
    const buffer = Buffer.alloc(length);
    for (let i = 0; i < length; i++) buffer[i] = this.int(256);
    return buffer;
  }
}

/** Runs `work` over `items` with at most `concurrency` in flight; answers in item order. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

export interface RawRequest {
  method: string;
  /** Sent as given in the request line: no normalisation, no encoding. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One request through node:http, which (unlike fetch) sends any method, path and body as given. */
export function rawRequest(baseUrl: string, spec: RawRequest, timeoutMs = 20_000): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: base.hostname, port: base.port, method: spec.method, path: spec.path, headers: spec.headers, agent, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms: ${spec.method} ${spec.path.slice(0, 200)}`)));
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** get_data's `meta.status_code` for a signed-in user. */
export async function dataStatus(baseUrl: string, appUserId: string, path = 'activities/steps', query = 'period=7d'): Promise<{ http: number; code: number | null }> {
  const response = await fetch(`${baseUrl}/fitbit/get_data/${path}/?${query}`, { headers: { [TEST_USER_HEADER]: appUserId } });
  const text = await response.text();
  let code: number | null = null;
  try {
    code = (JSON.parse(text) as { meta: { status_code: number } }).meta.status_code;
  } catch {
    code = null;
  }
  return { http: response.status, code };
}
