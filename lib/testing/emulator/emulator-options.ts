/** The API the emulator speaks: `fitbit` (the legacy Fitbit Web API) or `google-health` (the Google Health API). */
export type EmulatorModeName = 'fitbit' | 'google-health';

/** Options of `FitbitEmulator.start()`. */
export interface FitbitEmulatorOptions {
  /**
   * Which upstream API to behave like: `fitbit` is the legacy Fitbit Web API (Fitbit OAuth, api.fitbit.com),
   * `google-health` the Google Health API (Google OAuth, health.googleapis.com/v4, signed webhooks).
   */
  mode: EmulatorModeName;
  clientId: string;
  clientSecret: string;
  /** When given, `redirect_uri` must equal one of these; when absent any http(s) URL is accepted. */
  redirectUris?: string[];
  /** Default true: authorize redirects straight back with a code for the consent user. */
  autoApprove?: boolean;
  /**
   * Authorize requires a PKCE challenge with method S256: for tests of a client that must use PKCE.
   * Default: fitbit false (Fitbit accepted the plain authorization-code flow of server apps, and the
   * `plain` method), google-health true.
   */
  requirePkce?: boolean;
  /**
   * google-health mode: hold the emulator to Google's discovery document both ways. Every answer is
   * checked against the method's response schema (one that breaks it becomes a 500 naming the
   * problem), and every violation — an answer of the emulator's that breaks the schema, or a request
   * the real API would refuse as malformed (undeclared parameters, bad filters, wrong types…) — is
   * recorded until `assertContractKept()` or `takeContractViolations()`. Malformed requests are
   * refused (400, Google's error shape) in either mode. Default false.
   */
  strict?: boolean;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** fitbit mode: API calls per user per clock hour. Default 150. */
  rateLimitPerHour?: number;
  /** google-health mode: API calls per user per clock minute. Default 300. */
  rateLimitPerMinute?: number;
  /** Initial clock, epoch ms. Default: the wall clock at start. */
  now?: number;
  /** The clock follows the wall clock instead of standing still between test moves. */
  realTime?: boolean;
  /** fitbit mode: subscriber id recorded for subscriptions created without `X-Fitbit-Subscriber-Id`. Default "1". */
  defaultSubscriberId?: string;
  /** google-health mode: the Google Cloud project number in `projects/{n}/subscribers/…`. Default "123456789012". */
  projectNumber?: string;
  /** google-health mode: the Bearer token the project-level subscription API accepts. Default "project-token". */
  projectAccessToken?: string;
  /** google-health mode: the `Authorization` value notifications carry unless a delivery says otherwise. */
  webhookAuthorization?: string;
}

export interface ResolvedEmulatorOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: readonly string[] | null;
  autoApprove: boolean;
  requirePkce: boolean;
  strict: boolean;
  rateLimitPerHour: number;
  rateLimitPerMinute: number;
  defaultSubscriberId: string;
  projectNumber: string;
  projectAccessToken: string;
  webhookAuthorization: string | null;
}

export function resolveEmulatorOptions(options: FitbitEmulatorOptions): ResolvedEmulatorOptions {
  if (!options.clientId || !options.clientSecret) throw new Error('FitbitEmulator needs clientId and clientSecret');
  return {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUris: options.redirectUris ? [...options.redirectUris] : null,
    autoApprove: options.autoApprove ?? true,
    requirePkce: options.requirePkce ?? options.mode === 'google-health',
    strict: options.strict ?? false,
    rateLimitPerHour: options.rateLimitPerHour ?? 150,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 300,
    defaultSubscriberId: options.defaultSubscriberId ?? '1',
    projectNumber: options.projectNumber ?? '123456789012',
    projectAccessToken: options.projectAccessToken ?? 'project-token',
    webhookAuthorization: options.webhookAuthorization ?? null,
  };
}
