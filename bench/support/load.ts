/**
 * The loopback load of the HTTP benches (get-data, notification-intake): autocannon against a
 * route of the bench app and the app's bare route, taking turns.
 */
import autocannon from 'autocannon';
import { table, type BenchFigure, type BenchTarget } from './report.js';

export interface LoadResult {
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

export interface LoadOptions {
  connections: number;
  /** Worker threads firing the requests, so the load generator does not share the server's event loop. */
  workers: number;
  /** Default GET. */
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

/** Runs autocannon against one URL and reduces its answer to what the benches use. */
export async function loadRoute(route: string, url: string, options: LoadOptions & { durationSeconds: number }): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: options.method ?? 'GET',
    ...(options.body !== undefined ? { body: options.body } : {}),
    headers: options.headers ?? {},
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

export interface CompareOptions extends LoadOptions {
  rounds: number;
  roundSeconds: number;
  /** How the rounds' latency percentiles combine: their median, or the worst of them. */
  latency: 'median' | 'worst';
}

/**
 * Loads each route for `rounds` rounds of `roundSeconds`, the routes taking turns, so a change in
 * the machine's other load during the run weighs on all alike; a 1 s warm-up of each first, so
 * none pays for first-call compilation in its measured rounds. Returns one result per route:
 * requests per second averaged over its rounds, latencies combined as `latency` says. Throws when
 * a route answered anything but 2xx, or a request failed or timed out.
 */
export async function compareRoutes(routes: readonly { route: string; url: string }[], options: CompareOptions): Promise<LoadResult[]> {
  for (const { url } of routes) await loadRoute('warm-up', url, { ...options, durationSeconds: 1 });
  const rounds: LoadResult[][] = routes.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (const [index, { route, url }] of routes.entries()) rounds[index]!.push(await loadRoute(route, url, { ...options, durationSeconds: options.roundSeconds }));
  }
  const results = rounds.map((results) => combineRounds(results, options.latency));
  for (const result of results) {
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
      throw new Error(`${result.route}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    }
  }
  return results;
}

export interface VersusBare {
  bare: LoadResult;
  subject: LoadResult;
}

/**
 * The route under test against the app's bare route (`compareRoutes`, the bare route first),
 * printing the load and the table of both.
 */
export async function versusBareRoute(bare: { route: string; url: string }, subject: { route: string; url: string }, options: CompareOptions): Promise<VersusBare> {
  console.log(
    `load: ${options.connections} connections, ${options.rounds} alternating rounds of ${options.roundSeconds} s per route ` +
      `(latencies: the ${options.latency} of the rounds' percentiles), ${options.workers} autocannon worker thread(s), loopback\n`,
  );
  const [bareResult, subjectResult] = await compareRoutes([bare, subject], options);
  console.log(loadTable([bareResult!, subjectResult!]));
  return { bare: bareResult!, subject: subjectResult! };
}

/** The route's throughput against the bare route's, with its target, and latency percentiles against the bare route's, without one. */
export function versusBareFigures(
  { bare, subject }: VersusBare,
  throughput: { name: string; target: BenchTarget },
  latencies: { name: string; percentile: 'p50Ms' | 'p99Ms' }[],
): BenchFigure[] {
  return [
    { name: throughput.name, value: subject.requestsPerSecond, unit: 'req/s', baseline: bare.requestsPerSecond, target: throughput.target },
    ...latencies.map(({ name, percentile }) => ({ name, value: subject[percentile], unit: 'ms', baseline: bare[percentile], target: null })),
  ];
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function combineRounds(rounds: readonly LoadResult[], latency: 'median' | 'worst'): LoadResult {
  const sum = (pick: (result: LoadResult) => number) => rounds.reduce((total, result) => total + pick(result), 0);
  const combine = latency === 'median' ? median : (values: readonly number[]) => Math.max(...values);
  return {
    route: rounds[0]!.route,
    requestsPerSecond: sum((result) => result.requestsPerSecond) / rounds.length,
    p50Ms: combine(rounds.map((result) => result.p50Ms)),
    p99Ms: combine(rounds.map((result) => result.p99Ms)),
    maxMs: Math.max(...rounds.map((result) => result.maxMs)),
    requests: sum((result) => result.requests),
    non2xx: sum((result) => result.non2xx),
    errors: sum((result) => result.errors),
    timeouts: sum((result) => result.timeouts),
  };
}

/** route, req/s, p50, p99, max, requests. */
export function loadTable(results: readonly LoadResult[]): string {
  return table([
    ['route', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests'],
    ...results.map((r) => [r.route, r.requestsPerSecond.toFixed(0), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), r.maxMs.toFixed(0), String(r.requests)]),
  ]);
}
