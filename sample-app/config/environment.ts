import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FitbitStartupError, type FitbitEndpoints, type FitbitModuleOptions, type FitbitProviderName } from '../../lib/index.js';

/** A bad environment variable; the message starts with its name. */
export class EnvironmentError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'EnvironmentError';
  }
}

export type DatabaseSettings = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface SampleUserSeed {
  username: string;
  password: string;
}

/** Everything the sample app reads from its environment, validated. */
export interface SampleSettings {
  port: number;
  database: DatabaseSettings;
  sampleUsers: SampleUserSeed[];
  /** SAMPLE_USERS was not set, so the sign-in page may show the demo account. */
  defaultSampleUsers: boolean;
  /** Null when SESSION_SECRET is unset: the demo secret is used and a warning printed. */
  sessionSecret: string | null;
  /** REDIS_URL is set: subscriptions, queue and worker are on. */
  subscribe: boolean;
  redisUrl: string | null;
  routePrefix: string;
  /** How long start-up waits for the database and Redis (FITBIT_STARTUP_TIMEOUT_MS). */
  startupTimeoutMs: number;
  /** Set when no client id is configured: the sample starts its own emulator in the provider's mode. */
  demo: { emulatorPort: number } | null;
  /** FitbitModule options; in demo mode the endpoints are filled in once the emulator listens. */
  fitbit: FitbitModuleOptions;
}

export const DEMO_CLIENT_ID = 'sample-demo-client';
export const DEMO_CLIENT_SECRET = 'sample-demo-secret';
/** Demo mode with google-health: the Authorization value the demo emulator signs its notifications with and the app expects. */
export const DEMO_WEBHOOK_AUTHORIZATION = 'Bearer sample-demo-webhook-secret';
/** Demo mode with google-health: the emulator's (and so the app's) Cloud project number. */
export const DEMO_PROJECT_NUMBER = '123456789012';
export const DEFAULT_PROVIDER: FitbitProviderName = 'google-health';
export const DEFAULT_PORT = 3000;
export const DEFAULT_STARTUP_TIMEOUT_MS = 3000;
export const DEFAULT_SQLITE_FILE = fileURLToPath(new URL('../data/sample-app.sqlite', import.meta.url));
const PROVIDERS: readonly FitbitProviderName[] = ['fitbit', 'google-health'];

type Env = Record<string, string | undefined>;

/** The variable's value, with unset and empty (or blank) meaning "not given". */
function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function port(env: Env, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new EnvironmentError(name, `must be a port number from 0 to 65535, got "${value}"`);
  }
  return Number(value);
}

function seconds(env: Env, name: string): number | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(number)) {
    throw new EnvironmentError(name, `must be a number of seconds ≥ 0, got "${value}"`);
  }
  return number;
}

const isHttpUrl = (value: string) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

/** An absolute http(s) URL; a base URL loses its trailing slashes, a callback URL is kept as registered. */
function httpUrl(env: Env, name: string, kind: 'base' | 'exact' = 'base'): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  if (!isHttpUrl(value)) throw new EnvironmentError(name, `must be an absolute http(s) URL, got "${value}"`);
  return kind === 'base' ? value.replace(/\/+$/, '') : value;
}

function redirectTarget(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !value.startsWith('/') && !isHttpUrl(value)) {
    throw new EnvironmentError(name, `must be a path starting with "/" or an http(s) URL, got "${value}"`);
  }
  return value;
}

function database(env: Env): DatabaseSettings {
  const value = text(env, 'DATABASE_URL');
  if (value === undefined) return { kind: 'sqlite', file: DEFAULT_SQLITE_FILE };
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw new EnvironmentError('DATABASE_URL', 'a sqlite: URL needs a file name, e.g. sqlite:data/app.sqlite');
    return { kind: 'sqlite', file: file === ':memory:' || isAbsolute(file) ? file : resolve(file) };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    if (!URL.canParse(value) || new URL(value).hostname === '') {
      throw new EnvironmentError('DATABASE_URL', `is not a valid PostgreSQL URL: "${value}"`);
    }
    return { kind: 'postgres', url: value };
  }
  throw new EnvironmentError('DATABASE_URL', `must be sqlite:<file> or a postgres:// URL, got "${value}"`);
}

function sampleUsers(env: Env): SampleUserSeed[] {
  const value = text(env, 'SAMPLE_USERS') ?? 'demo:demo';
  const users: SampleUserSeed[] = [];
  for (const entry of value.split(',').map((part) => part.trim())) {
    const colon = entry.indexOf(':');
    const username = entry.slice(0, colon).trim();
    const password = entry.slice(colon + 1);
    if (colon < 1 || username === '' || password === '') {
      throw new EnvironmentError('SAMPLE_USERS', `each entry must be name:password, got "${entry}"`);
    }
    if (!/^[\w.@-]{1,64}$/.test(username)) {
      throw new EnvironmentError('SAMPLE_USERS', `"${username}" is not a valid user name (letters, digits, . _ @ -)`);
    }
    if (users.some((user) => user.username === username)) {
      throw new EnvironmentError('SAMPLE_USERS', `"${username}" is listed twice`);
    }
    users.push({ username, password });
  }
  return users;
}

function redisUrl(env: Env): string | null {
  const value = text(env, 'REDIS_URL');
  if (value === undefined) return null;
  if (!URL.canParse(value) || !/^rediss?:$/.test(new URL(value).protocol)) {
    throw new EnvironmentError('REDIS_URL', `must be a redis:// or rediss:// URL, got "${value}"`);
  }
  return value;
}

function tokenEncryptionKey(env: Env): string | undefined {
  const value = text(env, 'TOKEN_ENCRYPTION_KEY');
  if (value === undefined) return undefined;
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new EnvironmentError('TOKEN_ENCRYPTION_KEY', 'must be 32 bytes written as 64 hex digits or base64 (try: openssl rand -hex 32)');
  }
  return value;
}

function subscriptions(env: Env): Record<string, string[]> | undefined {
  const value = text(env, 'FITBIT_SUBSCRIPTIONS');
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new EnvironmentError('FITBIT_SUBSCRIPTIONS', `must be JSON such as {"activities":["steps","distance"]}, got ${value}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EnvironmentError('FITBIT_SUBSCRIPTIONS', 'must be a JSON object mapping categories to lists of resources');
  }
  return parsed as Record<string, string[]>;
}

function positiveInteger(env: Env, name: string): number | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new EnvironmentError(name, `must be a whole number > 0, got "${value}"`);
  return Number(value);
}

/**
 * google-health: FITBIT_API_URL is the Health API base (…/v4); FITBIT_TOKEN_URL, FITBIT_REVOKE_URL and FITBIT_KEYSET_URL
 * each name one endpoint. fitbit: FITBIT_API_URL is the base of /oauth2/token, /oauth2/revoke and the Web API, and
 * FITBIT_TOKEN_URL / FITBIT_REVOKE_URL override the derived token and revoke URLs.
 */
function endpoints(env: Env, provider: FitbitProviderName): FitbitEndpoints | undefined {
  const authorizeUrl = httpUrl(env, 'FITBIT_AUTHORIZE_URL');
  const apiUrl = httpUrl(env, 'FITBIT_API_URL');
  let tokenUrl = httpUrl(env, 'FITBIT_TOKEN_URL');
  let revokeUrl = httpUrl(env, 'FITBIT_REVOKE_URL');
  const keysetUrl = httpUrl(env, 'FITBIT_KEYSET_URL');
  if (provider === 'fitbit' && apiUrl !== undefined) {
    tokenUrl ??= `${apiUrl}/oauth2/token`;
    revokeUrl ??= `${apiUrl}/oauth2/revoke`;
  }
  const given = withoutUndefined({ authorizeUrl, tokenUrl, revokeUrl, apiUrl, keysetUrl });
  return Object.keys(given).length === 0 ? undefined : given;
}

/** The whole `Authorization` header value Google sends with each notification, e.g. `Bearer <secret>`. */
function webhookAuthorization(env: Env): string | undefined {
  const value = text(env, 'FITBIT_WEBHOOK_AUTHORIZATION');
  if (value !== undefined && !/^[!-~]+ [ -~]*[!-~]$/.test(value)) {
    throw new EnvironmentError(
      'FITBIT_WEBHOOK_AUTHORIZATION',
      'must be the whole Authorization header value Google sends (the subscriber\'s endpointAuthorization secret), such as "Bearer <long random secret>"',
    );
  }
  return value;
}

function projectNumber(env: Env): string | undefined {
  const value = text(env, 'GOOGLE_PROJECT_NUMBER');
  if (value !== undefined && !/^\d{1,20}$/.test(value)) {
    throw new EnvironmentError('GOOGLE_PROJECT_NUMBER', `must be the Google Cloud project number (digits only, not the project id), got "${value}"`);
  }
  return value;
}

/** Where the demo emulator listens: FITBIT_EMULATOR_PORT, else the app's port + 1 (a free port when PORT is 0). */
function emulatorPort(env: Env, appPort: number): number {
  const fallback = appPort === 0 ? 0 : appPort + 1;
  if (fallback > 65535) throw new EnvironmentError('PORT', 'leaves no room for the demo emulator on PORT + 1; set FITBIT_EMULATOR_PORT');
  return port(env, 'FITBIT_EMULATOR_PORT', fallback);
}

/**
 * Reads and checks every variable the sample app understands (see "The sample app" in README.md).
 * Throws an EnvironmentError naming the first bad variable.
 */
export function parseEnvironment(env: Env = process.env): SampleSettings {
  const appPort = port(env, 'PORT', DEFAULT_PORT);
  const clientId = text(env, 'FITBIT_CLIENT_ID');
  const clientSecret = text(env, 'FITBIT_CLIENT_SECRET');
  if (clientId === undefined && clientSecret !== undefined) {
    throw new EnvironmentError('FITBIT_CLIENT_ID', 'is required when FITBIT_CLIENT_SECRET is set (leave both unset for demo mode)');
  }
  if (clientId !== undefined && clientSecret === undefined) {
    throw new EnvironmentError('FITBIT_CLIENT_SECRET', 'is required when FITBIT_CLIENT_ID is set');
  }
  const demo = clientId === undefined ? { emulatorPort: emulatorPort(env, appPort) } : null;

  const providerText = text(env, 'FITBIT_PROVIDER') ?? DEFAULT_PROVIDER;
  if (!(PROVIDERS as readonly string[]).includes(providerText)) {
    throw new EnvironmentError('FITBIT_PROVIDER', `must be one of ${PROVIDERS.join(', ')}, got "${providerText}"`);
  }
  const provider = providerText as FitbitProviderName;
  const google = provider === 'google-health';
  const redis = redisUrl(env);
  const subscriberId = text(env, 'FITBIT_SUBSCRIBER_ID') ?? (demo && redis ? '1' : undefined);
  if (redis !== null && subscriberId === undefined) {
    throw new EnvironmentError(
      'FITBIT_SUBSCRIBER_ID',
      google
        ? 'is required when REDIS_URL turns subscriptions on (the id of your subscriber, projects/<GOOGLE_PROJECT_NUMBER>/subscribers/<id>)'
        : 'is required when REDIS_URL turns subscriptions on (the subscriber id registered at Fitbit)',
    );
  }
  const authorization = webhookAuthorization(env) ?? (demo && google ? DEMO_WEBHOOK_AUTHORIZATION : undefined);
  if (google && redis !== null && authorization === undefined) {
    throw new EnvironmentError(
      'FITBIT_WEBHOOK_AUTHORIZATION',
      'is required with FITBIT_PROVIDER=google-health when REDIS_URL turns subscriptions on: the whole Authorization value Google sends with each notification, such as "Bearer <secret>"',
    );
  }
  const project = projectNumber(env) ?? (demo && google ? DEMO_PROJECT_NUMBER : undefined);
  const googleHealth = withoutUndefined({ projectNumber: project, webhookAuthorization: authorization });
  const sessionSecret = text(env, 'SESSION_SECRET') ?? null;
  if (sessionSecret !== null && sessionSecret.length < 16) {
    throw new EnvironmentError('SESSION_SECRET', 'must be at least 16 characters long');
  }
  const routePrefix = (text(env, 'FITBIT_ROUTE_PREFIX') ?? 'fitbit').replace(/^\/+|\/+$/g, '');
  if (!/^[\w-]+(\/[\w-]+)*$/.test(routePrefix)) {
    throw new EnvironmentError('FITBIT_ROUTE_PREFIX', `must be a path such as "fitbit", got "${env.FITBIT_ROUTE_PREFIX}"`);
  }
  const errorTemplate = env.FITBIT_ERROR_TEMPLATE === undefined ? 'fitbit-error' : text(env, 'FITBIT_ERROR_TEMPLATE');
  if (errorTemplate !== undefined && !/^[\w/-]+$/.test(errorTemplate)) {
    throw new EnvironmentError('FITBIT_ERROR_TEMPLATE', `must be the name of a view in sample-app/views, got "${errorTemplate}"`);
  }
  const callbackUrl = httpUrl(env, 'FITBIT_CALLBACK_URL', 'exact');
  const scopes = text(env, 'FITBIT_SCOPES')?.split(/[\s,]+/).filter((scope) => scope !== '');
  const queuePrefix = text(env, 'FITBIT_QUEUE_PREFIX');
  if (queuePrefix !== undefined && !/^[\w:.-]+$/.test(queuePrefix)) {
    throw new EnvironmentError('FITBIT_QUEUE_PREFIX', `must be letters, digits and _ : . -, got "${queuePrefix}"`);
  }

  const startupTimeoutMs = positiveInteger(env, 'FITBIT_STARTUP_TIMEOUT_MS');
  const fitbit: FitbitModuleOptions = {
    clientId: clientId ?? DEMO_CLIENT_ID,
    clientSecret: clientSecret ?? DEMO_CLIENT_SECRET,
    provider,
    endpoints: endpoints(env, provider),
    googleHealth: Object.keys(googleHealth).length === 0 ? undefined : googleHealth,
    scopes,
    callbackUrl,
    verificationCode: text(env, 'FITBIT_VERIFICATION_CODE'),
    subscriberId,
    subscriptions: subscriptions(env),
    historicalInitDelaySeconds: seconds(env, 'FITBIT_HISTORICAL_INIT_DELAY'),
    betweenDelaySeconds: seconds(env, 'FITBIT_BETWEEN_DELAY'),
    loginRedirect: redirectTarget(env, 'FITBIT_LOGIN_REDIRECT'),
    logoutRedirect: redirectTarget(env, 'FITBIT_LOGOUT_REDIRECT'),
    errorTemplate,
    decoratorMessage: text(env, 'FITBIT_DECORATOR_MESSAGE'),
    requestTimeoutMs: positiveInteger(env, 'FITBIT_REQUEST_TIMEOUT_MS'),
    startupTimeoutMs,
    tokenEncryptionKey: tokenEncryptionKey(env),
    loginUrl: '/login',
    queue: redis === null ? undefined : { redis, ...(queuePrefix === undefined ? {} : { prefix: queuePrefix }) },
  };
  return {
    port: appPort,
    database: database(env),
    sampleUsers: sampleUsers(env),
    defaultSampleUsers: text(env, 'SAMPLE_USERS') === undefined,
    sessionSecret,
    subscribe: redis !== null,
    redisUrl: redis,
    routePrefix,
    startupTimeoutMs: startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS,
    demo,
    fitbit: withoutUndefined(fitbit),
  };
}

/** FitbitModule option names → the variable that sets them, to name the variable in the module's own errors. */
export const VARIABLE_OF_OPTION: Readonly<Record<string, string>> = {
  clientId: 'FITBIT_CLIENT_ID',
  clientSecret: 'FITBIT_CLIENT_SECRET',
  provider: 'FITBIT_PROVIDER',
  'endpoints.authorizeUrl': 'FITBIT_AUTHORIZE_URL',
  'endpoints.tokenUrl': 'FITBIT_TOKEN_URL',
  'endpoints.revokeUrl': 'FITBIT_REVOKE_URL',
  'endpoints.apiUrl': 'FITBIT_API_URL',
  'endpoints.keysetUrl': 'FITBIT_KEYSET_URL',
  'googleHealth.webhookAuthorization': 'FITBIT_WEBHOOK_AUTHORIZATION',
  'googleHealth.projectNumber': 'GOOGLE_PROJECT_NUMBER',
  scopes: 'FITBIT_SCOPES',
  callbackUrl: 'FITBIT_CALLBACK_URL',
  verificationCode: 'FITBIT_VERIFICATION_CODE',
  subscriberId: 'FITBIT_SUBSCRIBER_ID',
  subscriptions: 'FITBIT_SUBSCRIPTIONS',
  historicalInitDelaySeconds: 'FITBIT_HISTORICAL_INIT_DELAY',
  betweenDelaySeconds: 'FITBIT_BETWEEN_DELAY',
  loginRedirect: 'FITBIT_LOGIN_REDIRECT',
  logoutRedirect: 'FITBIT_LOGOUT_REDIRECT',
  errorTemplate: 'FITBIT_ERROR_TEMPLATE',
  decoratorMessage: 'FITBIT_DECORATOR_MESSAGE',
  requestTimeoutMs: 'FITBIT_REQUEST_TIMEOUT_MS',
  startupTimeoutMs: 'FITBIT_STARTUP_TIMEOUT_MS',
  tokenEncryptionKey: 'TOKEN_ENCRYPTION_KEY',
  queue: 'REDIS_URL',
};

/**
 * One line on why start-up failed: a FitbitModule configuration or start-up error rewritten to name
 * the environment variable behind it, anything else its message's first line.
 */
export function describeStartupError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof FitbitStartupError && error.dependency === 'database') {
    return `DATABASE_URL: ${(error.cause as Error).message} (FitbitModule start-up check)`;
  }
  const option = /^FitbitModule option "([^"]+)": (.*)$/s.exec(message);
  const variable = option ? VARIABLE_OF_OPTION[option[1]!] : undefined;
  if (variable) return `${variable}: ${option![2]} (FitbitModule option "${option![1]}")`;
  return message.split('\n')[0]!;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
