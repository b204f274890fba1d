import type { EmulatorClock } from '../../core/clock.js';

const MINUTE_MS = 60_000;

export interface MinuteRateState {
  exceeded: boolean;
  /** Whole seconds to the next clock minute, when the count starts again (at least 1). */
  retryAfterSeconds: number;
}

/** Counts API calls per user per clock minute (Google Health: 300 per minute per user). */
export class MinuteRateLimiter {
  private readonly counts = new Map<string, { minute: number; count: number }>();

  constructor(
    private readonly clock: EmulatorClock,
    private readonly limit: number,
  ) {}

  hit(userId: string): MinuteRateState {
    const now = this.clock.now();
    const minute = Math.floor(now / MINUTE_MS);
    const current = this.counts.get(userId);
    const count = current?.minute === minute ? current.count + 1 : 1;
    this.counts.set(userId, { minute, count });
    return { exceeded: count > this.limit, retryAfterSeconds: Math.max(1, Math.ceil(((minute + 1) * MINUTE_MS - now) / 1000)) };
  }
}
