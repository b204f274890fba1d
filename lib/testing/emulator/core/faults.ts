import type { EmulatorRequest, EmulatorResponse } from './http-types.js';
import { seededSequence } from './seeded-random.js';

/** Which requests a fault hits and how: a status (with a body), a delay, a number of times. */
export interface FaultSpec {
  /** Any method when absent. */
  method?: string;
  /** A string matches paths that start with it; a RegExp is tested against the path. */
  path: string | RegExp;
  /** Without a status the fault only delays the request. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Apply to the next N matching requests; unlimited until cleared when absent. */
  times?: number;
  /** Chance (0..1) that a matching request is faulted, drawn from a PRNG seeded with `seed`. */
  probability?: number;
  seed?: number;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
  random: () => number;
}

/** What to do to a request a fault applies to. */
export interface FaultAction {
  delayMs: number;
  response: EmulatorResponse | null;
}

export type DefaultFaultResponse = (status: number) => EmulatorResponse;

export class FaultInjector {
  private faults: ActiveFault[] = [];

  constructor(private readonly defaultResponse: DefaultFaultResponse) {}

  inject(spec: FaultSpec): void {
    if (spec.probability !== undefined && (spec.probability < 0 || spec.probability > 1)) {
      throw new Error('fault probability must be between 0 and 1');
    }
    this.faults.push({ spec, remaining: spec.times ?? Number.POSITIVE_INFINITY, random: seededSequence(spec.seed ?? 1) });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first live fault that matches takes effect and is counted down. */
  actionFor(request: EmulatorRequest): FaultAction | null {
    for (const fault of this.faults) {
      if (fault.remaining <= 0 || !matches(fault.spec, request)) continue;
      if (fault.spec.probability !== undefined && fault.random() >= fault.spec.probability) continue;
      fault.remaining--;
      return { delayMs: fault.spec.delayMs ?? 0, response: this.responseOf(fault.spec) };
    }
    return null;
  }

  private responseOf(spec: FaultSpec): EmulatorResponse | null {
    if (spec.status === undefined) return null;
    const base = this.defaultResponse(spec.status);
    const body = spec.body === undefined ? base.body : typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
    const headers: Record<string, string> = { ...base.headers };
    if (spec.status === 429) headers['retry-after'] = '1';
    for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = value;
    return { status: spec.status, headers, body };
  }
}

function matches(spec: FaultSpec, request: EmulatorRequest): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== request.method) return false;
  return typeof spec.path === 'string' ? request.path.startsWith(spec.path) : new RegExp(spec.path.source, spec.path.flags.replace('g', '')).test(request.path);
}
