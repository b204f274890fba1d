import { jsonResponse, type EmulatorResponse } from '../core/http-types.js';

export type GoogleRpcStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'ABORTED'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'UNIMPLEMENTED'
  | 'UNKNOWN';

export type GoogleErrorReason =
  | 'INVALID_AUTHENTICATOR'
  | 'CREDENTIALS_MISSING'
  | 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'
  | 'ACCOUNT_NOT_LINKED'
  | 'RATE_LIMIT_EXCEEDED'
  | 'IAM_PERMISSION_DENIED'
  | 'INVALID_DATA_POINT_FILTER';

const SERVICE = 'health.googleapis.com';

/**
 * Google's API error envelope:
 * `{"error":{"code","message","status","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason",…}]}}`.
 */
export function googleError(
  code: number,
  status: GoogleRpcStatus,
  message: string,
  options: { reason?: GoogleErrorReason; headers?: Record<string, string> } = {},
): EmulatorResponse {
  const details =
    options.reason === undefined
      ? []
      : [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: options.reason, domain: 'googleapis.com', metadata: { service: SERVICE } }];
  return jsonResponse(code, { error: { code, message, status, details } }, options.headers);
}

export const invalidArgument = (message: string, reason?: GoogleErrorReason): EmulatorResponse =>
  googleError(400, 'INVALID_ARGUMENT', message, reason === undefined ? {} : { reason });

/** Google's OAuth endpoints answer `{"error","error_description"}` instead. */
export function oauthError(status: number, error: string, description?: string): EmulatorResponse {
  return jsonResponse(status, description === undefined ? { error } : { error, error_description: description });
}

/** What Google plausibly answers with a given status, for injected faults. */
export function defaultGoogleError(code: number): EmulatorResponse {
  switch (code) {
    case 400:
      return googleError(code, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
    case 401:
      return googleError(code, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', {
        reason: 'INVALID_AUTHENTICATOR',
        headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      });
    case 403:
      return googleError(code, 'PERMISSION_DENIED', 'The caller does not have permission.');
    case 404:
      return googleError(code, 'NOT_FOUND', 'Requested entity was not found.');
    case 409:
      return googleError(code, 'ABORTED', 'The operation was aborted.');
    case 429:
      return googleError(code, 'RESOURCE_EXHAUSTED', 'Quota exceeded.', { reason: 'RATE_LIMIT_EXCEEDED' });
    case 500:
      return googleError(code, 'INTERNAL', 'Internal error encountered.');
    case 503:
      return googleError(code, 'UNAVAILABLE', 'The service is currently unavailable.');
    case 504:
      return googleError(code, 'DEADLINE_EXCEEDED', 'The request deadline was exceeded.');
    default:
      return googleError(code, code >= 500 ? 'INTERNAL' : 'UNKNOWN', code >= 500 ? 'Internal error encountered.' : 'The request could not be processed.');
  }
}
