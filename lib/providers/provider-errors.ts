import { redact } from '../logging/redaction.js';

/**
 * Provider-neutral failures. Each provider maps its own HTTP answers onto these once,
 * so everything above the provider seam reasons about one set of errors.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly reason: string | null = null,
  ) {
    // Upstream answers may quote the token they refuse: the message is redacted once, here.
    super(redact(message));
    this.name = new.target.name;
  }
}

/** 401. `tokenExpired` when the provider says the access token has expired and a refresh may help. */
export class ProviderUnauthorizedError extends ProviderError {
  constructor(message: string, reason: string | null, readonly tokenExpired: boolean) {
    super(message, 401, reason);
  }
}

/** 403: the grant does not cover the call (a scope left out at consent, or access withdrawn). */
export class ProviderForbiddenError extends ProviderError {}
/** 404: the user, subscription or resource does not exist at the provider. */
export class ProviderNotFoundError extends ProviderError {}
/** 409: the provider refused the change as conflicting (e.g. a subscription that exists already). */
export class ProviderConflictError extends ProviderError {}

/** 429, carrying how long the provider asked us to wait. */
export class ProviderRateLimitError extends ProviderError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message, 429, 'rate_limited');
  }
}

/** 5xx: the provider failed; worth retrying later. */
export class ProviderServerError extends ProviderError {}

/** Any other 4xx; `reason` holds the provider's error type (`invalid_grant`, `validation`, …). */
export class ProviderBadRequestError extends ProviderError {}

/** No answer within the configured request timeout, or the connection failed. */
export class ProviderUnavailableError extends ProviderError {
  constructor(message: string) {
    super(message, null, 'unavailable');
  }
}

/** The refresh token is dead (`invalid_grant`): only a new connect brings the link back. */
export function isInvalidGrant(error: unknown): boolean {
  return error instanceof ProviderBadRequestError && error.reason === 'invalid_grant';
}

/**
 * The provider says the grant behind a token no longer exists: a dead refresh token, a revoked or
 * unknown token at revoke, or an access token refused for a reason other than its expiry. Withdrawal
 * is complete when this is the answer.
 */
export function isGrantGone(error: unknown): boolean {
  if (isInvalidGrant(error)) return true;
  if (error instanceof ProviderBadRequestError && error.reason === 'invalid_token') return true;
  return error instanceof ProviderUnauthorizedError && !error.tokenExpired;
}
