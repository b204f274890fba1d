import autocannon from 'autocannon';

/** One figure of a bench run, in the shape `npm run bench` collects. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The same figure for the reference route, when there is one. */
  baseline: number | null;
  /** value / baseline. */
  ratio: number | null;
  /** The least acceptable ratio, when the figure has a target. */
  target: number | null;
  /** Whether the ratio meets the target; null for figures without a target. */
  pass: boolean | null;
}

export interface LoadResult {
  route: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  /** Worker threads firing the requests, so the load generator does not share the server's event loop. */
  workers: number;
  headers?: Record<string, string>;
}

/** Runs autocannon against one URL and reduces its answer to what the bench prints. */
export async function loadRoute(route: string, url: string, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: options.headers ?? {},
    ...(options.workers > 0 ? { workers: options.workers } : {}),
  });
  return {
    route,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

const pad = (text: string, width: number) => text.padStart(width);

/** A small fixed-width table: route, req/s, p50, p99. */
export function formatLoadTable(results: readonly LoadResult[]): string {
  const routeWidth = Math.max(5, ...results.map((result) => result.route.length));
  const lines = [`${'route'.padEnd(routeWidth)}  ${pad('req/s', 10)}  ${pad('p50 ms', 8)}  ${pad('p99 ms', 8)}  ${pad('requests', 9)}`];
  for (const result of results) {
    lines.push(
      `${result.route.padEnd(routeWidth)}  ${pad(result.requestsPerSecond.toFixed(0), 10)}  ${pad(result.p50Ms.toFixed(2), 8)}  ` +
        `${pad(result.p99Ms.toFixed(2), 8)}  ${pad(String(result.requests), 9)}`,
    );
  }
  return lines.join('\n');
}
