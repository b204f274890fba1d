import type { QueueOptions } from 'bull';
import type { FitbitProviderName } from '../data/entities/user-fitbit.entity.js';
import type { TimeSeriesCategoryName, TimeSeriesTypeKey } from '../data/time-series-data-types.js';
import type { GoogleHealthOptions, RequestLike, ResolvedEndpoints } from './fitbit-module-options.interface.js';

/** The `googleHealth` options with their defaults applied; `projectAccessToken` always a function. */
export type ResolvedGoogleHealthOptions = Required<Omit<GoogleHealthOptions, 'projectNumber' | 'webhookAuthorization' | 'projectAccessToken'>> & {
  projectNumber: string | null;
  webhookAuthorization: string | null;
  projectAccessToken: (() => Promise<string>) | null;
};

/** The `users` accessors with their defaults applied: the request's user, its id as a string, whether it is active. */
export interface FitbitUserResolver {
  fromRequest(req: RequestLike): unknown;
  id(user: unknown): string;
  isActive(user: unknown): boolean;
  name(user: unknown): string;
}

/** The validated settings with every default applied: the one object the module reads its configuration from. */
export class FitbitConfig {
  readonly clientId!: string;
  readonly clientSecret!: string;
  readonly provider!: FitbitProviderName;
  readonly endpoints!: ResolvedEndpoints;
  readonly scopes!: string[];
  readonly callbackUrl!: string | null;
  readonly verificationCode!: string | null;
  readonly loginRedirect!: string;
  readonly logoutRedirect!: string;
  readonly subscribe!: boolean;
  readonly worker!: boolean;
  readonly subscriberId!: string | null;
  /** The types to retrieve, in the order the `subscriptions` option gives them. */
  readonly subscribedTypes!: TimeSeriesTypeKey[];
  readonly historicalInitDelayMs!: number;
  readonly betweenDelayMs!: number;
  readonly errorTemplate!: string | null;
  readonly decoratorMessage!: string | ((req: RequestLike) => string);
  readonly loginUrl!: string;
  readonly users!: FitbitUserResolver;
  readonly queue!: QueueOptions | null;
  /** The current key first, then the previous ones (still opened, never used to seal); empty: tokens stored as given. */
  readonly tokenEncryptionKeys!: Buffer[];
  /** Origins a redirect URI may be built on when `callbackUrl` is not set (loopback origins always may). */
  readonly trustedOrigins!: string[];
  readonly requestTimeoutMs!: number;
  readonly startupTimeoutMs!: number;
  readonly rawBodyProperty!: string;
  readonly routePrefix!: string;
  readonly googleHealth!: ResolvedGoogleHealthOptions;

  constructor(values: Omit<FitbitConfig, 'subscribedTypesOf'>) {
    Object.assign(this, values);
  }

  /** The subscribed types of one category, in configured order. */
  subscribedTypesOf(category: TimeSeriesCategoryName): TimeSeriesTypeKey[] {
    return this.subscribedTypes.filter((type) => type.category === category);
  }
}
