import { jsonResponse, type EmulatorResponse } from '../core/http-types.js';

export type FitbitErrorType =
  | 'expired_token'
  | 'invalid_token'
  | 'invalid_client'
  | 'insufficient_scope'
  | 'insufficient_permissions'
  | 'invalid_grant'
  | 'invalid_request'
  | 'unsupported_grant_type'
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'request'
  | 'system';

const HELP = ' Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.';

/** Fitbit's error envelope: `{"errors":[{errorType, fieldName?, message}],"success":false}`. */
export function fitbitError(
  status: number,
  errorType: FitbitErrorType,
  message: string,
  options: { fieldName?: string; headers?: Record<string, string> } = {},
): EmulatorResponse {
  const error = options.fieldName === undefined ? { errorType, message } : { errorType, fieldName: options.fieldName, message };
  return jsonResponse(status, { errors: [error], success: false }, options.headers);
}

/** An OAuth-flavoured error: same envelope, message pointing at the authorization docs. */
export function fitbitAuthError(status: number, errorType: FitbitErrorType, message: string): EmulatorResponse {
  return fitbitError(status, errorType, `${message}${HELP}`);
}

/** What Fitbit plausibly answers with a given status, for injected faults. */
export function defaultFitbitError(status: number): EmulatorResponse {
  if (status === 400) return fitbitError(status, 'validation', 'Invalid request.');
  if (status === 401) return fitbitAuthError(status, 'invalid_token', 'Access token invalid.');
  if (status === 403) return fitbitError(status, 'insufficient_permissions', 'API client not authorized to access this resource.');
  if (status === 404) return fitbitError(status, 'not_found', 'The API you are requesting could not be found.');
  if (status === 409) return fitbitError(status, 'conflict', 'The request conflicts with another one in progress.');
  if (status === 429) return fitbitError(status, 'system', 'Too Many Requests');
  if (status >= 500) return fitbitError(status, 'system', 'An unexpected error occurred. Please try again later.');
  return fitbitError(status, 'request', 'The request could not be processed.');
}
