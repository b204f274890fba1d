import { ProviderRateLimitError, ProviderServerError, ProviderUnavailableError } from '../providers/provider-errors.js';

export const MAX_RETRIES = 6;

/** A server error or no answer: worth another try later. */
export function isTransient(error: unknown): boolean {
  return error instanceof ProviderServerError || error instanceof ProviderUnavailableError;
}

/**
 * django-fitbit's back-off: `Retry-After + uniform(2, 4) ** attempt` seconds, so attempt 0 waits
 * Retry-After + 1. Transient errors back off the same way without a Retry-After.
 */
export function retryDelayMs(error: unknown, attempt: number, random: () => number = Math.random): number {
  const retryAfter = error instanceof ProviderRateLimitError ? error.retryAfterSeconds : 0;
  return Math.round((retryAfter + (2 + 2 * random()) ** attempt) * 1000);
}

const WITHDRAWAL_BASE_DELAY_MS = 5_000;
const WITHDRAWAL_MAX_DELAY_MS = 3_600_000;

/**
 * Back-off of a withdrawal (unsubscribe and revoke) that failed: 5 s × 2^attempt, at most an hour,
 * spread over ×0.5–1.5 so that many withdrawals failing together do not come back together. The first
 * four retries fall within a minute; a rate limit adds the provider's Retry-After.
 */
export function withdrawalRetryDelayMs(error: unknown, attempt: number, random: () => number = Math.random): number {
  const retryAfterMs = error instanceof ProviderRateLimitError ? error.retryAfterSeconds * 1000 : 0;
  const base = Math.min(WITHDRAWAL_BASE_DELAY_MS * 2 ** attempt, WITHDRAWAL_MAX_DELAY_MS);
  return Math.round(retryAfterMs + base * (0.5 + random()));
}
