import { getQueueToken } from '@nestjs/bull';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Bull from 'bull';
import { describe, expect, it } from 'vitest';
import { FitbitConfig } from '../../lib/config/fitbit-config.js';
import type { FitbitModuleOptions } from '../../lib/config/fitbit-module-options.interface.js';
import { FITBIT_ENTITIES } from '../../lib/data/fitbit-entities.js';
import { FITBIT_QUEUE } from '../../lib/fitbit.constants.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { TIME_SERIES_TYPES } from '../../lib/data/time-series-data-types.js';

const database = TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', entities: FITBIT_ENTITIES });
const redis = { host: '127.0.0.1', port: 6379 };
const base = { clientId: 'client', clientSecret: 'secret' };

async function boot(fitbit: ReturnType<typeof FitbitModule.forRoot>) {
  const moduleRef = await Test.createTestingModule({ imports: [database, fitbit] }).compile();
  return moduleRef;
}

async function startupError(fitbit: ReturnType<typeof FitbitModule.forRoot>): Promise<string> {
  try {
    const moduleRef = await boot(fitbit);
    await moduleRef.close();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the module started although it was misconfigured');
}

describe('FitbitModule configuration', () => {
  it('applies django-fitbit defaults', async () => {
    const moduleRef = await boot(FitbitModule.forRoot(base));
    const config = moduleRef.get(FitbitConfig);
    expect(config).toMatchObject({
      loginRedirect: '/',
      logoutRedirect: '/',
      subscribe: false,
      historicalInitDelayMs: 10_000,
      betweenDelayMs: 5_000,
      decoratorMessage: 'This page requires Fitbit integration.',
      verificationCode: null,
      errorTemplate: null,
      loginUrl: '/login',
      routePrefix: 'fitbit',
      tokenEncryptionKeys: [],
      trustedOrigins: [],
      requestTimeoutMs: 10_000,
      startupTimeoutMs: 3_000,
      provider: 'google-health',
      endpoints: {
        authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        tokenUrl: 'https://oauth2.googleapis.com/token',
        revokeUrl: 'https://oauth2.googleapis.com/revoke',
        apiUrl: 'https://health.googleapis.com/v4',
        keysetUrl: 'https://www.gstatic.com/googlehealthapi/webhooks/webhooks_public_keyset.json',
      },
    });
    expect(config.googleHealth).toMatchObject({ subscriptionCreatePolicy: 'AUTOMATIC', trackerDataSourceFamily: 'google-wearables', pollIntervalMinutes: 60 });
    expect(config.googleHealth.webhookDataTypes).toEqual(expect.arrayContaining(['steps', 'active-minutes', 'sleep', 'weight', 'height']));
    expect(config.googleHealth.webhookDataTypes).not.toContain('basal-energy-burned');
    expect(config.subscribedTypes).toHaveLength(TIME_SERIES_TYPES.length);
    expect(config.users.id({ id: 7 })).toBe('7');
    expect(config.users.isActive({ id: 7, isActive: false })).toBe(false);
    await moduleRef.close();
  });

  it('needs no Redis and registers no queue when subscribe is off', async () => {
    const moduleRef = await boot(FitbitModule.forRoot({ ...base, queue: { redis: { port: 1 } } }));
    expect(() => moduleRef.get(getQueueToken(FITBIT_QUEUE), { strict: false })).toThrow();
    await moduleRef.close();
  });

  it('registers the Bull queue on the configured Redis when subscribe is on', async () => {
    const moduleRef = await boot(
      FitbitModule.forRoot({ ...base, provider: 'fitbit', subscribe: true, worker: false, subscriberId: '1', queue: { redis, prefix: `cfg-${process.pid}` } }),
    );
    const queue = moduleRef.get<Bull.Queue>(getQueueToken(FITBIT_QUEUE), { strict: false });
    await queue.isReady();
    expect(queue.name).toBe(FITBIT_QUEUE);
    expect(await queue.client.ping()).toBe('PONG');
    await moduleRef.close();
  });

  it('reads the options from forRootAsync with injected dependencies', async () => {
    const moduleRef = await boot(
      FitbitModule.forRootAsync({
        useFactory: async (): Promise<FitbitModuleOptions> => ({ ...base, loginRedirect: '/dashboard', betweenDelaySeconds: 1.5 }),
        routePrefix: '/health/',
      }),
    );
    const config = moduleRef.get(FitbitConfig);
    expect(config.loginRedirect).toBe('/dashboard');
    expect(config.betweenDelayMs).toBe(1500);
    expect(config.routePrefix).toBe('health');
    await moduleRef.close();
  });

  it('keeps the subscriptions order and filters by it', async () => {
    const moduleRef = await boot(
      FitbitModule.forRoot({ ...base, subscriptions: { foods: ['log/water'], activities: ['steps', 'distance'] } }),
    );
    const config = moduleRef.get(FitbitConfig);
    expect(config.subscribedTypes).toEqual([
      { category: 'foods', resource: 'log/water' },
      { category: 'activities', resource: 'steps' },
      { category: 'activities', resource: 'distance' },
    ]);
    expect(config.subscribedTypesOf('activities').map((type) => type.resource)).toEqual(['steps', 'distance']);
    expect(config.subscribedTypesOf('sleep')).toEqual([]);
    await moduleRef.close();
  });

  describe('stops start-up with a message naming the option', () => {
    const cases: [string, ReturnType<typeof FitbitModule.forRoot>, RegExp][] = [
      ['missing client id', FitbitModule.forRoot({ clientSecret: 'secret' } as FitbitModuleOptions), /"clientId".*required.*FITAPP_CONSUMER_KEY/],
      ['empty client secret', FitbitModule.forRoot({ clientId: 'client', clientSecret: ' ' }), /"clientSecret".*required.*FITAPP_CONSUMER_SECRET/],
      ['unknown category', FitbitModule.forRoot({ ...base, subscriptions: { bogus: ['steps'] } }), /"subscriptions": bogus is an invalid category$/],
      [
        'resources of another category',
        FitbitModule.forRoot({ ...base, subscriptions: { foods: ['steps'] } }),
        /"subscriptions": \['steps'\] resources are invalid for the foods category$/,
      ],
      ['subscribe without subscriber id', FitbitModule.forRoot({ ...base, subscribe: true, queue: { redis } }), /"subscriberId".*required.*"subscribe"/],
      [
        'google-health subscribe without the webhook Authorization',
        FitbitModule.forRoot({ ...base, subscribe: true, subscriberId: 's', queue: { redis } }),
        /"googleHealth.webhookAuthorization": is required/,
      ],
      [
        'MANUAL subscriptions without project credentials',
        FitbitModule.forRoot({
          ...base,
          subscribe: true,
          subscriberId: 's',
          queue: { redis },
          googleHealth: { webhookAuthorization: 'Bearer x', projectNumber: '1', subscriptionCreatePolicy: 'MANUAL' },
        }),
        /"googleHealth.projectAccessToken": is required when googleHealth.subscriptionCreatePolicy is MANUAL/,
      ],
      [
        'a data source family Google does not define',
        FitbitModule.forRoot({ ...base, googleHealth: { trackerDataSourceFamily: 'phones' } }),
        /"googleHealth.trackerDataSourceFamily": must be one of all-sources, google-sources, google-wearables, self-sources/,
      ],
      [
        'webhook data types Google sends no webhooks for',
        FitbitModule.forRoot({ ...base, googleHealth: { webhookDataTypes: ['steps', 'basal-energy-burned'] } }),
        /"googleHealth.webhookDataTypes": basal-energy-burned: no webhooks/,
      ],
      ['an unknown subscription policy', FitbitModule.forRoot({ ...base, googleHealth: { subscriptionCreatePolicy: 'SOMETIMES' as never } }), /"googleHealth.subscriptionCreatePolicy"/],
      ['subscribe without queue', FitbitModule.forRoot({ ...base, subscribe: true, subscriberId: '1' }), /"queue".*required.*"subscribe"/],
      ['unknown provider', FitbitModule.forRoot({ ...base, provider: 'garmin' as never }), /"provider": must be one of/],
      ['endpoint that is no URL', FitbitModule.forRoot({ ...base, endpoints: { apiUrl: 'api.fitbit.com' } }), /"endpoints.apiUrl": must be an absolute http\(s\) URL/],
      ['short encryption key', FitbitModule.forRoot({ ...base, tokenEncryptionKey: 'c2hvcnQ=' }), /"tokenEncryptionKey": must be 32 bytes/],
      ['negative delay', FitbitModule.forRoot({ ...base, betweenDelaySeconds: -1 }), /"betweenDelaySeconds": must be a number of seconds/],
      ['a start-up timeout that is no whole number of milliseconds', FitbitModule.forRoot({ ...base, startupTimeoutMs: 2.5 }), /"startupTimeoutMs": must be a positive whole number/],
      ['login redirect that is neither path nor URL', FitbitModule.forRoot({ ...base, loginRedirect: 'javascript:alert(1)' }), /"loginRedirect"/],
      [
        'subscribe returned by the async factory',
        FitbitModule.forRootAsync({ useFactory: () => ({ ...base, subscribe: true }) as FitbitModuleOptions }),
        /"subscribe": shapes the module/,
      ],
    ];
    it.each(cases)('%s', async (_name, fitbit, message) => {
      expect(await startupError(fitbit)).toMatch(message);
    });
  });
});
