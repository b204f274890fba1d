import {
  isInvalidGrant,
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderForbiddenError,
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderServerError,
  ProviderUnauthorizedError,
  ProviderUnavailableError,
} from '../providers/provider-errors.js';
import { DataStatus } from './data-response.js';

/** What the data endpoint answers for a failed provider call; null for errors it does not expect. */
export function dataStatusOf(error: unknown): DataStatus | null {
  if (error instanceof ProviderUnauthorizedError || error instanceof ProviderForbiddenError || isInvalidGrant(error)) {
    return DataStatus.unauthorized;
  }
  if (error instanceof ProviderConflictError || error instanceof ProviderRateLimitError) return DataStatus.rateLimited;
  if (error instanceof ProviderServerError || error instanceof ProviderUnavailableError) return DataStatus.providerError;
  // django-fitbit let a 404 escape as a 500; the provider not knowing the series is bad input, like a 400.
  if (error instanceof ProviderBadRequestError || error instanceof ProviderNotFoundError) return DataStatus.badInput;
  return null;
}

/** Fitbit answers 400 for floors and elevation when the user has no altimeter: no data, not an error. */
export function isMissingAltimeter(error: unknown, resource: string): boolean {
  return error instanceof ProviderBadRequestError && /(^|\/)(floors|elevation)$/.test(resource);
}
