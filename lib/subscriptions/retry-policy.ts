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
