import type { FitbitProviderName } from '../data/entities/user-fitbit.entity.js';
import { DEFAULT_PROVIDER, PROVIDER_DEFAULTS } from '../providers/provider-defaults.js';
import { FitbitConfig, type FitbitUserResolver, type ResolvedGoogleHealthOptions } from './fitbit-config.js';
import { FitbitConfigurationError } from './fitbit-configuration.error.js';
import type {
  FitbitEndpoints,
  FitbitModuleExtras,
  FitbitModuleOptions,
  FitbitUserAccessors,
  GoogleHealthOptions,
  ResolvedEndpoints,
} from './fitbit-module-options.interface.js';
import { resolveSubscriptions } from './subscriptions.validator.js';

export const DEFAULT_DECORATOR_MESSAGE = 'This page requires Fitbit integration.';
const EXTRAS_KEYS: (keyof FitbitModuleExtras)[] = ['isGlobal', 'routePrefix', 'subscribe', 'worker'];

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

function resolveEncryptionKey(value: string | undefined): Buffer | null {
  if (value === undefined || value === '') return null;
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new FitbitConfigurationError('tokenEncryptionKey', 'must be 32 bytes written as 64 hex digits or base64');
  }
  return key;
}

function resolveUsers(accessors: FitbitUserAccessors | undefined): FitbitUserResolver {
  const fromRequest = accessors?.fromRequest ?? ((req) => req.user);
  const id = accessors?.id ?? ((user: { id?: unknown }) => user.id as string | number);
  const isActive =
    accessors?.isActive ??
    ((user: { isActive?: boolean; is_active?: boolean }) => user.isActive ?? user.is_active ?? true);
  return {
    fromRequest: (req) => fromRequest(req) ?? null,
    id: (user) => String(id(user as never)),
    isActive: (user) => isActive(user as never) !== false,
  };
}

/** Applies the defaults of behaviour.md §1 and stops start-up with a message naming the option at fault. */
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

  const subscribe = extras.subscribe === true;
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
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs <= 0) {
    throw new FitbitConfigurationError('requestTimeoutMs', 'must be a positive whole number of milliseconds');
  }
  const decoratorMessage = options.decoratorMessage ?? DEFAULT_DECORATOR_MESSAGE;
  if (typeof decoratorMessage !== 'string' && typeof decoratorMessage !== 'function') {
    throw new FitbitConfigurationError('decoratorMessage', 'must be a string or a function of the request');
  }
  const routePrefix = (extras.routePrefix ?? 'fitbit').replace(/^\/+|\/+$/g, '');

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
    worker: subscribe && extras.worker !== false,
    subscriberId,
    subscribedTypes: subscriptions.types,
    historicalInitDelayMs: seconds(options, 'historicalInitDelaySeconds', 10),
    betweenDelayMs: seconds(options, 'betweenDelaySeconds', 5),
    errorTemplate: optionalText(options, 'errorTemplate'),
    decoratorMessage,
    loginUrl: localPath(options, 'loginUrl', '/login'),
    users: resolveUsers(options.users),
    queue: subscribe ? options.queue! : null,
    tokenEncryptionKey: resolveEncryptionKey(options.tokenEncryptionKey),
    requestTimeoutMs,
    rawBodyProperty: optionalText(options, 'rawBodyProperty') ?? 'rawBody',
    routePrefix,
    googleHealth: resolveGoogleHealth(provider, subscribe, options.googleHealth),
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
  const token = given.projectAccessToken;
  const resolved: ResolvedGoogleHealthOptions = {
    projectNumber: given.projectNumber ?? null,
    webhookAuthorization: given.webhookAuthorization ?? null,
    subscriptionCreatePolicy: policy,
    trackerDataSourceFamily: given.trackerDataSourceFamily ?? 'google-wearables',
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
