export type EmulatorModeName = 'fitbit';

export interface FitbitEmulatorOptions {
  /** Which upstream API to behave like. Only the legacy Fitbit Web API exists for now. */
  mode: EmulatorModeName;
  clientId: string;
  clientSecret: string;
  /** When given, `redirect_uri` must equal one of these; when absent any http(s) URL is accepted. */
  redirectUris?: string[];
  /** Default true: authorize redirects straight back with a code for the consent user. */
  autoApprove?: boolean;
  /** Default true: authorize requires a PKCE S256 challenge. */
  requirePkce?: boolean;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 150 API calls per user per clock hour. */
  rateLimitPerHour?: number;
  /** Initial clock, epoch ms. Default: the wall clock at start. */
  now?: number;
  /** The clock follows the wall clock instead of standing still between test moves. */
  realTime?: boolean;
  /** Subscriber id recorded for subscriptions created without `X-Fitbit-Subscriber-Id`. Default "1". */
  defaultSubscriberId?: string;
}

export interface ResolvedEmulatorOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: readonly string[] | null;
  autoApprove: boolean;
  requirePkce: boolean;
  rateLimitPerHour: number;
  defaultSubscriberId: string;
}

export function resolveEmulatorOptions(options: FitbitEmulatorOptions): ResolvedEmulatorOptions {
  if (!options.clientId || !options.clientSecret) throw new Error('FitbitEmulator needs clientId and clientSecret');
  return {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUris: options.redirectUris ? [...options.redirectUris] : null,
    autoApprove: options.autoApprove ?? true,
    requirePkce: options.requirePkce ?? true,
    rateLimitPerHour: options.rateLimitPerHour ?? 150,
    defaultSubscriberId: options.defaultSubscriberId ?? '1',
  };
}
