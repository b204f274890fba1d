import type { FitbitProviderName } from '../data/entities/user-fitbit.entity.js';
import { DATA_SOURCE_FAMILIES, dataSourceFamilyName } from '../providers/google-health/google-health.defaults.js';
import { WEBHOOK_DATA_TYPES } from '../providers/google-health/google-health-data-types.js';
import { DEFAULT_PROVIDER, PROVIDER_DEFAULTS } from '../providers/provider-defaults.js';
import { FitbitConfig, type FitbitUserResolver, type ResolvedGoogleHealthOptions } from './fitbit-config.js';
import { FitbitConfigurationError } from './fitbit-configuration.error.js';
import type {
  FitbitEndpoints,
  FitbitModuleExtras,
  FitbitModuleOptions,
  FitbitModuleShape,
  FitbitUserAccessors,
  GoogleHealthOptions,
  ResolvedEndpoints,
} from './fitbit-module-options.interface.js';
import { resolveSubscriptions } from './subscriptions.validator.js';
import { registerSecrets } from '../logging/redaction.js';

/** The default text of `@FitbitIntegrationWarning()` (django-fitbit's `FITAPP_DECORATOR_MESSAGE`). */
export const DEFAULT_DECORATOR_MESSAGE = 'This page requires Fitbit integration.';
const EXTRAS_KEYS: (keyof FitbitModuleExtras)[] = ['isGlobal', 'routePrefix', 'subscribe', 'worker', 'commands', 'dataSource'];

/** The module-shaping settings with their defaults, read once when the module is registered. */
export function resolveModuleShape(extras: FitbitModuleExtras): FitbitModuleShape {
  const subscribe = extras.subscribe === true;
  const routePrefix = extras.routePrefix ?? 'fitbit';
  if (typeof routePrefix !== 'string') throw new FitbitConfigurationError('routePrefix', 'must be a path such as "fitbit"');
  return {
    isGlobal: extras.isGlobal === true,
    routePrefix: routePrefix.replace(/^\/+|\/+$/g, ''),
    subscribe,
    worker: subscribe && extras.worker !== false,
    commands: extras.commands === true,
    dataSource: extras.dataSource,
  };
}

function requireText(options: FitbitModuleOptions, option: 'clientId' | 'clientSecret', django: string): string {
  const value = options[option];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new FitbitConfigurationError(option, `is required (django-fitbit's ${django}); give a non-empty string`);
  }
  return value;
}

function optionalText(options: FitbitModuleOptions, option: keyof FitbitModuleOptions): string | null {
  const value = options[option];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new FitbitConfigurationError(option, 'must be a string');
  return value;
}

function localPath(options: FitbitModuleOptions, option: 'loginRedirect' | 'logoutRedirect' | 'loginUrl', fallback: string): string {
  const value = optionalText(options, option) ?? fallback;
  if (!value.startsWith('/') && !/^https?:\/\//.test(value)) {
    throw new FitbitConfigurationError(option, `must be a path starting with "/" or an http(s) URL, got "${value}"`);
  }
  return value;
}

function seconds(options: FitbitModuleOptions, option: 'historicalInitDelaySeconds' | 'betweenDelaySeconds', fallback: number): number {
  const value = options[option] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new FitbitConfigurationError(option, `must be a number of seconds ≥ 0, got ${JSON.stringify(value)}`);
  }
  return Math.round(value * 1000);
}

function milliseconds(options: FitbitModuleOptions, option: 'requestTimeoutMs' | 'startupTimeoutMs', fallback: number): number {
  const value = options[option] ?? fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new FitbitConfigurationError(option, 'must be a positive whole number of milliseconds');
  }
  return value;
}

function resolveProvider(options: FitbitModuleOptions): FitbitProviderName {
  const provider = options.provider ?? DEFAULT_PROVIDER;
  if (!Object.prototype.hasOwnProperty.call(PROVIDER_DEFAULTS, provider)) {
    throw new FitbitConfigurationError('provider', `must be one of ${Object.keys(PROVIDER_DEFAULTS).join(', ')}, got "${provider}"`);
  }
  return provider;
}

function resolveEndpoints(provider: FitbitProviderName, given: FitbitEndpoints | undefined): ResolvedEndpoints {
  const endpoints = { ...PROVIDER_DEFAULTS[provider].endpoints };
  for (const [name, value] of Object.entries(given ?? {}) as [keyof FitbitEndpoints, string | undefined][]) {
    if (value === undefined) continue;
    if (!(name in endpoints)) throw new FitbitConfigurationError(`endpoints.${name}`, 'is not a known endpoint');
    if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      throw new FitbitConfigurationError(`endpoints.${name}`, `must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
    }
    endpoints[name] = value.replace(/\/+$/, '');
  }
  return endpoints;
}

const HEX_KEY = /^[0-9a-f]{64}$/i;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$|^[A-Za-z0-9_-]{43}=$/;
/** Random 32 bytes almost never have fewer distinct values than this (fewer than 1 in 10^12); repeated or patterned text does. */
const MIN_DISTINCT_BYTES = 16;

/**
 * A token-encryption key is 32 random bytes, written the way generators write them: 64 hex digits
 * (`openssl rand -hex 32`) or canonical padded base64 (`openssl rand -base64 32`). A 43-character
 * value is refused although lenient decoders accept it: that is the length of a typed passphrase.
 */
function parseEncryptionKey(value: unknown, option: string): Buffer {
  const help = 'give 32 random bytes as 64 hex digits (openssl rand -hex 32) or 44 base64 characters ending in "=" (openssl rand -base64 32)';
  if (typeof value !== 'string' || value === '') throw new FitbitConfigurationError(option, `must be a non-empty string: ${help}`);
  let key: Buffer;
  if (HEX_KEY.test(value)) key = Buffer.from(value, 'hex');
  else if (BASE64_KEY.test(value)) {
    const standard = value.replace(/-/g, '+').replace(/_/g, '/');
    key = Buffer.from(standard, 'base64');
    // Canonical only: the unused low bits of the last character are zero, so one key has one spelling.
    if (key.toString('base64') !== standard) throw new FitbitConfigurationError(option, `is not canonical base64 (typed rather than generated?): ${help}`);
  } else {
    throw new FitbitConfigurationError(option, `must be 32 bytes (got ${value.length} characters that are neither 64 hex digits nor padded base64): ${help}`);
  }
  if (new Set(key).size < MIN_DISTINCT_BYTES) {
    throw new FitbitConfigurationError(option, `has too little entropy (repeated or patterned bytes), so it is not a random key: ${help}`);
  }
  return key;
}

/** `tokenEncryptionKeys: [current, ...previous]`, or `tokenEncryptionKey` as the one current key. */
function resolveEncryptionKeys(options: FitbitModuleOptions): Buffer[] {
  const single = options.tokenEncryptionKey;
  const list = options.tokenEncryptionKeys;
  if (list !== undefined && single !== undefined && single !== '') {
    throw new FitbitConfigurationError('tokenEncryptionKeys', 'and "tokenEncryptionKey" are both set: give the current key first in tokenEncryptionKeys and drop tokenEncryptionKey');
  }
  if (list === undefined) return single === undefined || single === '' ? [] : [parseEncryptionKey(single, 'tokenEncryptionKey')];
  if (!Array.isArray(list)) throw new FitbitConfigurationError('tokenEncryptionKeys', 'must be a list of keys, the current one first');
  const keys = list.map((key, index) => parseEncryptionKey(key, `tokenEncryptionKeys[${index}]`));
  const unique = new Set(keys.map((key) => key.toString('hex')));
  if (unique.size !== keys.length) throw new FitbitConfigurationError('tokenEncryptionKeys', 'lists the same key twice');
  return keys;
}

function resolveTrustedOrigins(options: FitbitModuleOptions): string[] {
  const given = options.trustedOrigins ?? [];
  if (!Array.isArray(given)) throw new FitbitConfigurationError('trustedOrigins', 'must be a list of origins such as "https://example.com"');
  return given.map((origin) => {
    if (typeof origin !== 'string' || !URL.canParse(origin) || !/^https?:$/.test(new URL(origin).protocol) || new URL(origin).origin !== origin.replace(/\/+$/, '')) {
      throw new FitbitConfigurationError('trustedOrigins', `must hold origins only (scheme, host and port, no path), got ${JSON.stringify(origin)}`);
    }
    return new URL(origin).origin;
  });
}

function resolveUsers(accessors: FitbitUserAccessors | undefined): FitbitUserResolver {
  const fromRequest = accessors?.fromRequest ?? ((req) => req.user);
  const id = accessors?.id ?? ((user: { id?: unknown }) => user.id as string | number);
  const isActive =
    accessors?.isActive ??
    ((user: { isActive?: boolean; is_active?: boolean }) => user.isActive ?? user.is_active ?? true);
  const name =
    accessors?.name ??
    ((user: { username?: unknown; email?: unknown; name?: unknown }) =>
      [user.username, user.email, user.name].find((value): value is string => typeof value === 'string' && value !== '') ?? String(id(user as never)));
  return {
    fromRequest: (req) => fromRequest(req) ?? null,
    id: (user) => String(id(user as never)),
    isActive: (user) => isActive(user as never) !== false,
    name: (user) => String(name(user as never)),
  };
}

/** Applies the defaults (django-fitbit's, and the module's own) and stops start-up with a message naming the option at fault. */
export function resolveFitbitConfig(options: FitbitModuleOptions, extras: FitbitModuleExtras): FitbitConfig {
  for (const key of EXTRAS_KEYS) {
    if (key in (options as object)) {
      throw new FitbitConfigurationError(key, 'shapes the module, so forRootAsync takes it beside useFactory, not from the factory');
    }
  }
  const clientId = requireText(options, 'clientId', 'FITAPP_CONSUMER_KEY');
  const clientSecret = requireText(options, 'clientSecret', 'FITAPP_CONSUMER_SECRET');
  const provider = resolveProvider(options);
  const subscriptions = resolveSubscriptions(options.subscriptions);
  if ('error' in subscriptions) throw new FitbitConfigurationError('subscriptions', subscriptions.error);

  const shape = resolveModuleShape(extras);
  const { subscribe, routePrefix } = shape;
  const subscriberId = optionalText(options, 'subscriberId');
  if (subscribe && subscriberId === null) {
    throw new FitbitConfigurationError('subscriberId', 'is required when "subscribe" is on (django-fitbit\'s FITAPP_SUBSCRIBER_ID)');
  }
  if (subscribe && (options.queue === undefined || options.queue === null)) {
    throw new FitbitConfigurationError('queue', 'is required when "subscribe" is on: give the Bull queue options with the Redis connection');
  }
  const scopes = options.scopes ?? PROVIDER_DEFAULTS[provider].scopes;
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some((scope) => typeof scope !== 'string' || scope === '')) {
    throw new FitbitConfigurationError('scopes', 'must be a non-empty list of scope names');
  }
  const callbackUrl = optionalText(options, 'callbackUrl');
  if (callbackUrl !== null && !URL.canParse(callbackUrl)) {
    throw new FitbitConfigurationError('callbackUrl', `must be an absolute URL, got "${callbackUrl}"`);
  }
  // A redirect URI derived from the request would follow whatever Host header an attacker sends.
  if (callbackUrl === null && process.env.NODE_ENV === 'production') {
    throw new FitbitConfigurationError('callbackUrl', 'is required when NODE_ENV is "production": give the absolute URL of complete/ as registered at the provider');
  }
  const requestTimeoutMs = milliseconds(options, 'requestTimeoutMs', 10_000);
  const startupTimeoutMs = milliseconds(options, 'startupTimeoutMs', 3_000);
  const decoratorMessage = options.decoratorMessage ?? DEFAULT_DECORATOR_MESSAGE;
  if (typeof decoratorMessage !== 'string' && typeof decoratorMessage !== 'function') {
    throw new FitbitConfigurationError('decoratorMessage', 'must be a string or a function of the request');
  }

  const googleHealth = resolveGoogleHealth(provider, subscribe, options.googleHealth);
  registerSecrets(
    clientSecret,
    optionalText(options, 'verificationCode'),
    googleHealth.webhookAuthorization,
    typeof options.googleHealth?.projectAccessToken === 'string' ? options.googleHealth.projectAccessToken : null,
    options.tokenEncryptionKey,
    ...(Array.isArray(options.tokenEncryptionKeys) ? options.tokenEncryptionKeys : []),
  );

  return new FitbitConfig({
    clientId,
    clientSecret,
    provider,
    endpoints: resolveEndpoints(provider, options.endpoints),
    scopes: [...scopes],
    callbackUrl,
    verificationCode: optionalText(options, 'verificationCode'),
    loginRedirect: localPath(options, 'loginRedirect', '/'),
    logoutRedirect: localPath(options, 'logoutRedirect', '/'),
    subscribe,
    worker: shape.worker,
    subscriberId,
    subscribedTypes: subscriptions.types,
    historicalInitDelayMs: seconds(options, 'historicalInitDelaySeconds', 10),
    betweenDelayMs: seconds(options, 'betweenDelaySeconds', 5),
    errorTemplate: optionalText(options, 'errorTemplate'),
    decoratorMessage,
    loginUrl: localPath(options, 'loginUrl', '/login'),
    users: resolveUsers(options.users),
    queue: subscribe ? options.queue! : null,
    tokenEncryptionKeys: resolveEncryptionKeys(options),
    trustedOrigins: resolveTrustedOrigins(options),
    requestTimeoutMs,
    startupTimeoutMs,
    rawBodyProperty: optionalText(options, 'rawBodyProperty') ?? 'rawBody',
    routePrefix,
    googleHealth,
  });
}

function resolveGoogleHealth(provider: FitbitProviderName, subscribe: boolean, given: GoogleHealthOptions = {}): ResolvedGoogleHealthOptions {
  const option = (name: keyof GoogleHealthOptions) => `googleHealth.${name}`;
  const policy = given.subscriptionCreatePolicy ?? 'AUTOMATIC';
  if (policy !== 'AUTOMATIC' && policy !== 'MANUAL') {
    throw new FitbitConfigurationError(option('subscriptionCreatePolicy'), `must be AUTOMATIC or MANUAL, got ${JSON.stringify(policy)}`);
  }
  const pollIntervalMinutes = given.pollIntervalMinutes ?? 60;
  if (typeof pollIntervalMinutes !== 'number' || !(pollIntervalMinutes > 0)) {
    throw new FitbitConfigurationError(option('pollIntervalMinutes'), 'must be a number of minutes > 0');
  }
  const family = given.trackerDataSourceFamily ?? 'google-wearables';
  if (typeof family !== 'string' || dataSourceFamilyName(family) === null) {
    throw new FitbitConfigurationError(
      option('trackerDataSourceFamily'),
      `must be one of ${DATA_SOURCE_FAMILIES.join(', ')} (or users/me/dataSourceFamilies/<that>), got ${JSON.stringify(family)}`,
    );
  }
  const webhookDataTypes = given.webhookDataTypes ?? [...WEBHOOK_DATA_TYPES];
  if (!Array.isArray(webhookDataTypes) || webhookDataTypes.some((name) => typeof name !== 'string' || name === '')) {
    throw new FitbitConfigurationError(option('webhookDataTypes'), 'must be a list of Google data type names such as "steps"');
  }
  const withoutWebhooks = webhookDataTypes.filter((name) => !WEBHOOK_DATA_TYPES.includes(name));
  if (withoutWebhooks.length > 0) {
    throw new FitbitConfigurationError(
      option('webhookDataTypes'),
      `${withoutWebhooks.join(', ')}: no webhooks the module reads; the types with webhooks are ${WEBHOOK_DATA_TYPES.join(', ')}`,
    );
  }
  const token = given.projectAccessToken;
  const resolved: ResolvedGoogleHealthOptions = {
    projectNumber: given.projectNumber ?? null,
    webhookAuthorization: given.webhookAuthorization ?? null,
    subscriptionCreatePolicy: policy,
    trackerDataSourceFamily: family,
    webhookDataTypes: [...new Set(webhookDataTypes)],
    projectAccessToken: token === undefined ? null : typeof token === 'function' ? async () => token() : async () => token,
    pollIntervalMinutes,
  };
  if (provider === 'google-health' && subscribe) {
    if (!resolved.webhookAuthorization) {
      throw new FitbitConfigurationError(option('webhookAuthorization'), 'is required with the google-health provider and "subscribe": the Authorization value Google sends with each notification');
    }
    if (policy === 'MANUAL' && (!resolved.projectNumber || !resolved.projectAccessToken)) {
      throw new FitbitConfigurationError(
        resolved.projectNumber ? option('projectAccessToken') : option('projectNumber'),
        'is required when googleHealth.subscriptionCreatePolicy is MANUAL',
      );
    }
  }
  return resolved;
}
