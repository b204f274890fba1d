import type { QueueOptions } from 'bull';
import type { DataSource, DataSourceOptions } from 'typeorm';
import type { FitbitProviderName } from '../data/entities/user-fitbit.entity.js';

/** A request (or response) as the module's callbacks receive it: Express's, or any object with the same fields. */
export type RequestLike = Record<string, any>;

/** Upstream addresses, so that tests and demos can point the module at the emulator. */
export interface FitbitEndpoints {
  authorizeUrl?: string;
  tokenUrl?: string;
  revokeUrl?: string;
  /** Base of the data API (`https://api.fitbit.com` or `https://health.googleapis.com/v4`). */
  apiUrl?: string;
  /** Google Health only: the public keyset that signs webhook notifications. */
  keysetUrl?: string;
}

/** The endpoints with the provider's defaults filled in. */
export type ResolvedEndpoints = Required<Omit<FitbitEndpoints, 'keysetUrl'>> & { keysetUrl: string | null };

/** Settings of the `google-health` provider. */
export interface GoogleHealthOptions {
  /** The Cloud project number that owns the subscriber. */
  projectNumber?: string;
  /** The full `Authorization` header value Google sends with every webhook call (the subscriber's endpointAuthorization secret). */
  webhookAuthorization?: string;
  /** AUTOMATIC (default): the subscriber covers every user; MANUAL: one subscription per user through project credentials. */
  subscriptionCreatePolicy?: 'AUTOMATIC' | 'MANUAL';
  /**
   * Data source family read for the seed's `tracker/` types: `google-wearables` (default),
   * `all-sources`, `google-sources` or `self-sources`. Sent as Google's resource name
   * (`users/me/dataSourceFamilies/google-wearables`); the resource name is accepted here too.
   */
  trackerDataSourceFamily?: string;
  /**
   * The Google data types the subscriber's `subscriberConfigs` cover (and MANUAL subscriptions ask
   * for): their changes arrive by webhook. Types Google sends no webhooks for (active-energy-burned,
   * basal-energy-burned), and any left out here, are polled. Default: every type the module reads
   * that has webhooks (steps, distance, floors, altitude, total-calories, active-minutes,
   * sedentary-period, sleep, weight, body-fat, height, hydration-log, nutrition-log).
   */
  webhookDataTypes?: string[];
  /** Project credentials for MANUAL subscriptions: an access token, or a function that returns a fresh one. */
  projectAccessToken?: string | (() => string | Promise<string>);
  /** Minutes between polls of the types without webhooks (active and basal energy burned, and any not in `webhookDataTypes`). Default 60. */
  pollIntervalMinutes?: number;
}

/** How the module finds the signed-in app user on a request. */
export interface FitbitUserAccessors {
  /** Default: `req.user`. */
  fromRequest?: (req: RequestLike) => unknown;
  /** Default: `user.id`. */
  id?: (user: any) => string | number;
  /** Default: `user.isActive ?? user.is_active ?? true`. */
  isActive?: (user: any) => boolean;
  /**
   * How the user's account is named to them after connecting ("connected to …"), so that a person
   * signed in to someone else's account notices. Default: `user.username ?? user.email ?? user.name ?? id`.
   */
  name?: (user: any) => string;
}

/**
 * Options of `FitbitModule.forRoot()`. The README maps each django-fitbit `FITAPP_*` setting
 * to the option here.
 */
export interface FitbitModuleOptions {
  /** `FITAPP_CONSUMER_KEY`: the OAuth 2.0 client id. Required. */
  clientId: string;
  /** `FITAPP_CONSUMER_SECRET`: the OAuth 2.0 client secret. Required. */
  clientSecret: string;
  /** Which upstream API serves the data. */
  provider?: FitbitProviderName;
  /** The upstream addresses; default the provider's real ones. Point them at `FitbitEmulator.urls` in tests. */
  endpoints?: FitbitEndpoints;
  /** Settings only the `google-health` provider reads. */
  googleHealth?: GoogleHealthOptions;
  /** Scopes requested at authorize; default: the provider's scopes for all 36 types and the profile. */
  scopes?: string[];
  /**
   * Absolute URL of the `complete/` route as registered at the provider. Required when
   * `NODE_ENV=production`; otherwise derived from the request, on a loopback or `trustedOrigins` origin only.
   */
  callbackUrl?: string;
  /**
   * Origins (`https://example.com`) the module may build the redirect URI on, and from which
   * `login/`/`logout/` requests are accepted, beside the request's own origin. Never the raw Host header.
   */
  trustedOrigins?: string[];
  /** `FITAPP_VERIFICATION_CODE`: the code the provider sends to verify the subscriber endpoint. */
  verificationCode?: string;
  /** `FITAPP_LOGIN_REDIRECT`: where `complete/` sends the user when no `next` was saved. Default `/`. */
  loginRedirect?: string;
  /** `FITAPP_LOGOUT_REDIRECT`: where `logout/` sends the user without `next`. Default `/`. */
  logoutRedirect?: string;
  /** `FITAPP_SUBSCRIBER_ID`: the subscriber registered at the provider; needed with `subscribe`. */
  subscriberId?: string;
  /**
   * `FITAPP_SUBSCRIPTIONS`: ordered map category → resources to retrieve, in that order.
   * Default: every type.
   */
  subscriptions?: Record<string, string[]>;
  /** `FITAPP_HISTORICAL_INIT_DELAY`, seconds before the first history job after connecting. Default 10. */
  historicalInitDelaySeconds?: number;
  /** `FITAPP_BETWEEN_DELAY`, seconds between successive jobs of one batch. Default 5. */
  betweenDelaySeconds?: number;
  /** `FITAPP_ERROR_TEMPLATE`: a view name rendered with `res.render()`; default: the module's own page. */
  errorTemplate?: string;
  /** `FITAPP_DECORATOR_MESSAGE`: default text of `@FitbitIntegrationWarning()`. */
  decoratorMessage?: string | ((req: RequestLike) => string);
  /** Where anonymous users are sent (with `?next=`), like Django's LOGIN_URL. Default `/login`. */
  loginUrl?: string;
  /** How the module finds the signed-in app user, its id and whether it is active. */
  users?: FitbitUserAccessors;
  /** Bull queue options (Redis connection, key prefix). Needed only with `subscribe`. */
  queue?: QueueOptions;
  /**
   * Seals access and refresh tokens at rest (AES-256-GCM, bound to their row and column) when set:
   * 32 random bytes as 64 hex digits or padded base64. Without it tokens are stored as the provider gave them.
   */
  tokenEncryptionKey?: string;
  /**
   * Key rotation: `[current, ...previous]`. Values sealed with a previous key still open; new ones are
   * sealed with the current key, and `refresh-tokens --reseal` re-seals the rest. Instead of `tokenEncryptionKey`.
   */
  tokenEncryptionKeys?: string[];
  /** Timeout of one upstream request. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /**
   * How long start-up waits for the database and (with `subscribe`) Redis to answer before it
   * fails with a message naming the one that did not; also the bound of each health check and of
   * the command's first look at the provider. Default 3 000 ms.
   */
  startupTimeoutMs?: number;
  /** Request property that holds the raw body (Nest's `rawBody: true`). Default `rawBody`. */
  rawBodyProperty?: string;
}

/**
 * Settings that shape the module itself (which routes, queues and processors exist), so they are
 * given beside `useFactory` in `forRootAsync` rather than returned by it.
 */
export interface FitbitModuleExtras {
  /** Register the module's exports (FitbitService, FitbitConfig…) in every module of the app. Default false. */
  isGlobal?: boolean;
  /** Path prefix of this registration's routes. Default `fitbit`. */
  routePrefix?: string;
  /**
   * `FITAPP_SUBSCRIBE`: subscribe users to notifications and serve data from the database. Needs the
   * optional packages `@nestjs/bull` and `bull`; they are loaded only when this is on.
   */
  subscribe?: boolean;
  /** With `subscribe`: also run the job processors in this process. Default true. */
  worker?: boolean;
  /**
   * Register the `refresh-tokens` command for nest-commander's `CommandFactory.run()`. Needs the
   * optional package `nest-commander`, loaded only when this is on. Default false.
   */
  commands?: boolean;
  /**
   * The TypeORM connection the entities live on, as given to `TypeOrmModule.forFeature()`: its
   * name (`TypeOrmModule.forRoot({ name })`), options or DataSource. Default: the default connection.
   */
  dataSource?: DataSource | DataSourceOptions | string;
}

/** The module-shaping settings with their defaults applied. */
export interface FitbitModuleShape {
  isGlobal: boolean;
  routePrefix: string;
  subscribe: boolean;
  worker: boolean;
  commands: boolean;
  dataSource: DataSource | DataSourceOptions | string | undefined;
}
