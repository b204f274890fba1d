import {
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderError,
  ProviderForbiddenError,
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderServerError,
  ProviderUnauthorizedError,
} from '../provider-errors.js';
import type { UpstreamResponse } from '../upstream-fetch.js';

interface FitbitErrorBody {
  errors?: { errorType?: string; message?: string }[];
}

/** python-fitbit's mapping of Fitbit's answers, with 429 carrying Retry-After. */
export function fitbitWebApiError(response: UpstreamResponse, what: string): ProviderError {
  const first = (response.body as FitbitErrorBody | null)?.errors?.[0];
  const errorType = typeof first?.errorType === 'string' ? first.errorType : null;
  const message = `${what}: Fitbit answered ${response.status}${errorType ? ` ${errorType}` : ''}${first?.message ? ` (${first.message})` : ''}`;
  const { status } = response;
  if (status === 401) return new ProviderUnauthorizedError(message, errorType, errorType === 'expired_token');
  if (status === 403) return new ProviderForbiddenError(message, status, errorType);
  if (status === 404) return new ProviderNotFoundError(message, status, errorType);
  if (status === 409) return new ProviderConflictError(message, status, errorType);
  if (status === 429) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return new ProviderRateLimitError(message, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 60);
  }
  if (status >= 500) return new ProviderServerError(message, status, errorType);
  return new ProviderBadRequestError(message, status, errorType);
}
