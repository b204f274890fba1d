import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

/** One figure of a bench run, in the shape `npm run bench` collects. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The same figure for the reference, when there is one. */
  baseline: number | null;
  /** value / baseline. */
  ratio: number | null;
  /** The bound the ratio must meet, when the figure has a target (see `pass`). */
  target: number | null;
  /** Whether the figure meets its target; null for figures without one. */
  pass: boolean | null;
}

export interface PostLoadResult {
  route: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** autocannon against one URL with a fixed POST body; worker threads keep the load off the server's loop. */
export async function postLoad(
  route: string,
  url: string,
  options: { connections: number; durationSeconds: number; workers: number; body: string; headers: Record<string, string> },
): Promise<PostLoadResult> {
  const result = await autocannon({
    url,
    method: 'POST',
    body: options.body,
    headers: options.headers,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.workers > 0 ? { workers: options.workers } : {}),
  });
  return {
    route,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** A fixed-width table of rows of cells; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}

export function redisQueueOptions(label: string) {
  const url = new URL(process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  return { redis: { host: url.hostname, port: Number(url.port || 6379) }, prefix: `bench-${label}-${process.pid}-${Date.now()}` };
}

export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs `main` when the file is the script node was started with. */
export function runIfMain(metaUrl: string, main: () => Promise<unknown>): void {
  const argv1 = process.argv[1];
  if (!argv1 || metaUrl !== pathToFileURL(argv1).href) return;
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/**
 * TypeORM options for a database of the bench's own: SQLite in memory, or a fresh PostgreSQL
 * schema (also the search path) that `drop` removes.
 */
export async function benchDatabase(kind: 'sqlite' | 'postgres'): Promise<{ options: Record<string, unknown>; schema: string | null; drop(): Promise<void> }> {
  if (kind === 'sqlite') return { options: { type: 'better-sqlite3', database: ':memory:' }, schema: null, drop: async () => undefined };
  const { default: pg } = await import('pg');
  const schema = `bench_${process.pid}_${Date.now()}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE SCHEMA "${schema}"`);
  return {
    options: { type: 'postgres', url: BENCH_POSTGRES_URL, schema, extra: { options: `-c search_path=${schema}` } },
    schema,
    drop: () => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  };
}

export async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
