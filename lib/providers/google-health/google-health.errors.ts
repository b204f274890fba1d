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

interface GoogleErrorBody {
  error?: string | { code?: number; message?: string; status?: string; details?: { reason?: string }[] };
  error_description?: string;
}

/** Google's answers (API errors and OAuth errors) mapped onto the provider-neutral errors. */
export function googleHealthError(response: UpstreamResponse, what: string): ProviderError {
  const body = (response.body ?? {}) as GoogleErrorBody;
  const apiError = typeof body.error === 'object' && body.error !== null ? body.error : null;
  const reason =
    apiError?.details?.find((detail) => typeof detail?.reason === 'string')?.reason ??
    apiError?.status ??
    (typeof body.error === 'string' ? body.error : null);
  const detail = apiError?.message ?? body.error_description;
  const message = `${what}: Google answered ${response.status}${reason ? ` ${reason}` : ''}${detail ? ` (${detail})` : ''}`;
  const { status } = response;
  if (status === 401) {
    const expired = reason === 'INVALID_AUTHENTICATOR' || reason === 'UNAUTHENTICATED' || apiError !== null;
    return new ProviderUnauthorizedError(message, reason, expired);
  }
  if (status === 403) return new ProviderForbiddenError(message, status, reason);
  if (status === 404) return new ProviderNotFoundError(message, status, reason);
  if (status === 409) return new ProviderConflictError(message, status, reason);
  if (status === 429) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return new ProviderRateLimitError(message, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 60);
  }
  if (status >= 500) return new ProviderServerError(message, status, reason);
  return new ProviderBadRequestError(message, status, reason);
}
