/**
 * Why a connect ended on the error page, as `error/?reason=` carries it:
 * - `cancelled`: the person cancelled (or denied) at the provider's consent page;
 * - `linked-elsewhere`: that provider account is linked to another user of the app;
 * - `exchange-failed`: the provider did not turn the code into tokens and an identity;
 * - `state-expired`: the callback does not belong to a sign-in this browser and user started in
 *   the last ten minutes;
 * - `missing-scopes`: the grant covers none of the data types the app asks for.
 */
export const CONNECT_FAILURE_REASONS = ['cancelled', 'linked-elsewhere', 'exchange-failed', 'state-expired', 'missing-scopes'] as const;
export type ConnectFailureReason = (typeof CONNECT_FAILURE_REASONS)[number];

export function isConnectFailureReason(value: unknown): value is ConnectFailureReason {
  return typeof value === 'string' && (CONNECT_FAILURE_REASONS as readonly string[]).includes(value);
}

/** A connect the module refuses on purpose, carrying the reason the error page shows. */
export class ConnectRefusedError extends Error {
  constructor(
    readonly reason: ConnectFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectRefusedError';
  }
}

/** What the default error page says for each reason; `provider` is the provider's display name. */
export function connectFailureMessage(reason: ConnectFailureReason | null, provider: string): string {
  switch (reason) {
    case 'cancelled':
      return `The sign-in at ${provider} was cancelled, so nothing was connected.`;
    case 'linked-elsewhere':
      return `This ${provider} account is already connected to another user of this app. Use another ${provider} account, or disconnect it from the other user first.`;
    case 'exchange-failed':
      return `${provider} did not complete the sign-in, so nothing was connected. This is usually temporary.`;
    case 'state-expired':
      return 'The sign-in took too long, or was started in another browser or by another user, so it could not be finished.';
    case 'missing-scopes':
      return `No access to any of the data this app uses was allowed at ${provider}, so nothing was connected. Try again and allow access to the data you want to share.`;
    default:
      return `We encountered an error while attempting to authenticate you through ${provider}.`;
  }
}
