import type { EmulatorClock } from '../../core/clock.js';

const HOUR_MS = 3_600_000;

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds to the top of the clock hour, when the count starts again. */
  resetSeconds: number;
  exceeded: boolean;
}

/** Counts API calls per user per clock hour. */
export class RateLimiter {
  private readonly counts = new Map<string, { hour: number; count: number }>();

  constructor(
    private readonly clock: EmulatorClock,
    private readonly limit: number,
  ) {}

  hit(userId: string): RateLimitState {
    const now = this.clock.now();
    const hour = Math.floor(now / HOUR_MS);
    const current = this.counts.get(userId);
    const count = current?.hour === hour ? current.count + 1 : 1;
    this.counts.set(userId, { hour, count });
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - count),
      resetSeconds: Math.ceil(((hour + 1) * HOUR_MS - now) / 1000),
      exceeded: count > this.limit,
    };
  }
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'fitbit-rate-limit-limit': String(state.limit),
    'fitbit-rate-limit-remaining': String(state.remaining),
    'fitbit-rate-limit-reset': String(state.resetSeconds),
  };
}
