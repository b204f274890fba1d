import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SQLITE_FILE,
  DEMO_CLIENT_ID,
  DEMO_PROJECT_NUMBER,
  DEMO_WEBHOOK_AUTHORIZATION,
  describeStartupError,
  parseEnvironment,
} from '../../sample-app/config/environment.js';
import { FitbitConfigurationError } from '../../lib/index.js';
import { resolveFitbitConfig } from '../../lib/config/resolve-fitbit-config.js';
import { runSampleAppToExit } from './sample-app-process.js';

const REAL = { FITBIT_CLIENT_ID: '23ABCD', FITBIT_CLIENT_SECRET: 'shh' };
const REDIS = { REDIS_URL: 'redis://127.0.0.1:6379' };

describe('sample-app environment', () => {
  it('runs in demo mode against the Google Health emulator with a SQLite file and demo:demo when nothing is set', () => {
    const settings = parseEnvironment({});
    expect(settings).toMatchObject({
      port: 3000,
      database: { kind: 'sqlite', file: DEFAULT_SQLITE_FILE },
      sampleUsers: [{ username: 'demo', password: 'demo' }],
      defaultSampleUsers: true,
      sessionSecret: null,
      subscribe: false,
      redisUrl: null,
      routePrefix: 'fitbit',
      startupTimeoutMs: 3000,
      demo: { emulatorPort: 3001 },
    });
    expect(settings.fitbit).toEqual({
      clientId: DEMO_CLIENT_ID,
      clientSecret: expect.any(String),
      provider: 'google-health',
      // The demo emulator is started with the same two values.
      googleHealth: { projectNumber: DEMO_PROJECT_NUMBER, webhookAuthorization: DEMO_WEBHOOK_AUTHORIZATION },
      errorTemplate: 'fitbit-error',
      loginUrl: '/login',
    });
  });

  it('runs demo mode against the legacy emulator with FITBIT_PROVIDER=fitbit', () => {
    const settings = parseEnvironment({ FITBIT_PROVIDER: 'fitbit' });
    expect(settings.demo).toEqual({ emulatorPort: 3001 });
    expect(settings.fitbit).toEqual({
      clientId: DEMO_CLIENT_ID,
      clientSecret: expect.any(String),
      provider: 'fitbit',
      errorTemplate: 'fitbit-error',
      loginUrl: '/login',
    });
  });

  it('in demo mode with REDIS_URL subscribes with the demo subscriber and webhook Authorization, which the module accepts', () => {
    const settings = parseEnvironment(REDIS);
    expect(settings.fitbit).toMatchObject({
      provider: 'google-health',
      subscriberId: '1',
      googleHealth: { webhookAuthorization: DEMO_WEBHOOK_AUTHORIZATION, projectNumber: DEMO_PROJECT_NUMBER },
    });
    expect(() => resolveFitbitConfig(settings.fitbit, { subscribe: true })).not.toThrow();
    const own = parseEnvironment({ ...REDIS, FITBIT_WEBHOOK_AUTHORIZATION: 'Bearer my-own-demo-secret', GOOGLE_PROJECT_NUMBER: '42' });
    expect(own.fitbit.googleHealth).toEqual({ webhookAuthorization: 'Bearer my-own-demo-secret', projectNumber: '42' });
  });

  it('maps the google-health variables: the Health API base, token, revoke and keyset URLs, webhook Authorization, project number', () => {
    const settings = parseEnvironment({
      ...REAL,
      ...REDIS,
      FITBIT_SUBSCRIBER_ID: 'sample-subscriber',
      FITBIT_AUTHORIZE_URL: 'https://accounts.google.example/o/oauth2/v2/auth',
      FITBIT_API_URL: 'https://health.googleapis.example/v4/',
      FITBIT_TOKEN_URL: 'https://oauth2.googleapis.example/token',
      FITBIT_REVOKE_URL: 'https://oauth2.googleapis.example/revoke',
      FITBIT_KEYSET_URL: 'https://www.gstatic.example/googlehealthapi/webhooks/webhooks_public_keyset.json',
      FITBIT_WEBHOOK_AUTHORIZATION: ' Bearer 5b3f9c0e-long-random-secret ',
      GOOGLE_PROJECT_NUMBER: '987654321098',
    });
    expect(settings.demo).toBeNull();
    expect(settings.fitbit).toMatchObject({
      provider: 'google-health',
      subscriberId: 'sample-subscriber',
      endpoints: {
        authorizeUrl: 'https://accounts.google.example/o/oauth2/v2/auth',
        tokenUrl: 'https://oauth2.googleapis.example/token',
        revokeUrl: 'https://oauth2.googleapis.example/revoke',
        apiUrl: 'https://health.googleapis.example/v4',
        keysetUrl: 'https://www.gstatic.example/googlehealthapi/webhooks/webhooks_public_keyset.json',
      },
      googleHealth: { webhookAuthorization: 'Bearer 5b3f9c0e-long-random-secret', projectNumber: '987654321098' },
    });
    const config = resolveFitbitConfig(settings.fitbit, { subscribe: true });
    expect(config.endpoints).toEqual(settings.fitbit.endpoints);
    expect(config.googleHealth).toMatchObject({ webhookAuthorization: 'Bearer 5b3f9c0e-long-random-secret', projectNumber: '987654321098' });
  });

  it('with google-health, FITBIT_API_URL alone sets only the API base; unset endpoints stay the provider defaults', () => {
    const settings = parseEnvironment({ ...REAL, FITBIT_API_URL: 'https://health.example/v4' });
    expect(settings.fitbit.endpoints).toEqual({ apiUrl: 'https://health.example/v4' });
    expect(settings.fitbit.googleHealth).toBeUndefined();
    expect(resolveFitbitConfig(settings.fitbit, { subscribe: false }).endpoints).toMatchObject({
      apiUrl: 'https://health.example/v4',
      tokenUrl: 'https://oauth2.googleapis.com/token',
    });
  });

  it('with fitbit, FITBIT_TOKEN_URL and FITBIT_REVOKE_URL override the URLs derived from FITBIT_API_URL', () => {
    const settings = parseEnvironment({
      ...REAL,
      FITBIT_PROVIDER: 'fitbit',
      FITBIT_API_URL: 'https://api.fitbit.example',
      FITBIT_TOKEN_URL: 'https://auth.fitbit.example/token',
    });
    expect(settings.fitbit.endpoints).toEqual({
      tokenUrl: 'https://auth.fitbit.example/token',
      revokeUrl: 'https://api.fitbit.example/oauth2/revoke',
      apiUrl: 'https://api.fitbit.example',
    });
    expect(parseEnvironment({ ...REAL, FITBIT_PROVIDER: 'fitbit', FITBIT_REVOKE_URL: 'https://auth.fitbit.example/revoke' }).fitbit.endpoints).toEqual({
      revokeUrl: 'https://auth.fitbit.example/revoke',
    });
  });

  it('requires FITBIT_SUBSCRIBER_ID and FITBIT_WEBHOOK_AUTHORIZATION for google-health with REDIS_URL, and only those', () => {
    expect(() => parseEnvironment({ ...REAL, ...REDIS })).toThrow(/^FITBIT_SUBSCRIBER_ID: is required .*subscribers/);
    expect(() => parseEnvironment({ ...REAL, ...REDIS, FITBIT_SUBSCRIBER_ID: 's' })).toThrow(/^FITBIT_WEBHOOK_AUTHORIZATION: is required with FITBIT_PROVIDER=google-health/);
    expect(parseEnvironment({ ...REAL, ...REDIS, FITBIT_SUBSCRIBER_ID: 's', FITBIT_WEBHOOK_AUTHORIZATION: 'Bearer x' }).subscribe).toBe(true);
    // Without subscriptions Google sends no notifications; the legacy provider never needs the value.
    expect(parseEnvironment(REAL).fitbit.googleHealth).toBeUndefined();
    expect(parseEnvironment({ ...REAL, ...REDIS, FITBIT_PROVIDER: 'fitbit', FITBIT_SUBSCRIBER_ID: '1' }).subscribe).toBe(true);
  });

  it('maps every variable to its FitbitModule option (legacy fitbit provider)', () => {
    const key = 'ab'.repeat(32);
    const settings = parseEnvironment({
      ...REAL,
      PORT: '8080',
      DATABASE_URL: 'postgres://app:pw@db.example:5432/fitbit',
      SAMPLE_USERS: 'ann:one, ben:two:with:colons',
      SESSION_SECRET: 'a-long-enough-session-secret',
      TOKEN_ENCRYPTION_KEY: key,
      REDIS_URL: 'redis://:pw@cache:6380/2',
      FITBIT_QUEUE_PREFIX: 'sample',
      FITBIT_PROVIDER: 'fitbit',
      FITBIT_SUBSCRIBER_ID: '7',
      FITBIT_VERIFICATION_CODE: 'verify-me',
      FITBIT_AUTHORIZE_URL: 'https://www.fitbit.example/oauth2/authorize',
      FITBIT_API_URL: 'https://api.fitbit.example/',
      FITBIT_HISTORICAL_INIT_DELAY: '2.5',
      FITBIT_BETWEEN_DELAY: '0',
      FITBIT_LOGIN_REDIRECT: '/dashboard',
      FITBIT_LOGOUT_REDIRECT: 'https://example.com/bye',
      FITBIT_CALLBACK_URL: 'https://sample.example/fitbit/complete/',
      FITBIT_SCOPES: 'activity, sleep profile',
      FITBIT_SUBSCRIPTIONS: '{"activities":["steps"],"sleep":["minutesAsleep"]}',
      FITBIT_DECORATOR_MESSAGE: 'Connect Fitbit first',
      FITBIT_ERROR_TEMPLATE: '',
      FITBIT_REQUEST_TIMEOUT_MS: '5000',
      FITBIT_STARTUP_TIMEOUT_MS: '2500',
      FITBIT_ROUTE_PREFIX: '/health/fitbit/',
      FITBIT_WEBHOOK_AUTHORIZATION: 'Bearer legacy-ignores-this',
      GOOGLE_PROJECT_NUMBER: '12',
    });
    expect(settings).toMatchObject({
      port: 8080,
      database: { kind: 'postgres', url: 'postgres://app:pw@db.example:5432/fitbit' },
      sampleUsers: [
        { username: 'ann', password: 'one' },
        { username: 'ben', password: 'two:with:colons' },
      ],
      defaultSampleUsers: false,
      sessionSecret: 'a-long-enough-session-secret',
      subscribe: true,
      routePrefix: 'health/fitbit',
      startupTimeoutMs: 2500,
      demo: null,
    });
    expect(settings.fitbit).toEqual({
      clientId: '23ABCD',
      clientSecret: 'shh',
      provider: 'fitbit',
      googleHealth: { webhookAuthorization: 'Bearer legacy-ignores-this', projectNumber: '12' },
      endpoints: {
        authorizeUrl: 'https://www.fitbit.example/oauth2/authorize',
        tokenUrl: 'https://api.fitbit.example/oauth2/token',
        revokeUrl: 'https://api.fitbit.example/oauth2/revoke',
        apiUrl: 'https://api.fitbit.example',
      },
      scopes: ['activity', 'sleep', 'profile'],
      callbackUrl: 'https://sample.example/fitbit/complete/',
      verificationCode: 'verify-me',
      subscriberId: '7',
      subscriptions: { activities: ['steps'], sleep: ['minutesAsleep'] },
      historicalInitDelaySeconds: 2.5,
      betweenDelaySeconds: 0,
      loginRedirect: '/dashboard',
      logoutRedirect: 'https://example.com/bye',
      decoratorMessage: 'Connect Fitbit first',
      requestTimeoutMs: 5000,
      startupTimeoutMs: 2500,
      tokenEncryptionKey: key,
      loginUrl: '/login',
      queue: { redis: 'redis://:pw@cache:6380/2', prefix: 'sample' },
    });
  });

  it('resolves a relative sqlite: file against the working directory', () => {
    expect(parseEnvironment({ DATABASE_URL: 'sqlite:tmp/app.sqlite' }).database).toEqual({ kind: 'sqlite', file: resolve('tmp/app.sqlite') });
  });

  it('subscribes as subscriber "1" in demo mode with REDIS_URL', () => {
    expect(parseEnvironment({ REDIS_URL: 'redis://127.0.0.1:6379' }).fitbit.subscriberId).toBe('1');
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/app' }],
    ['DATABASE_URL', { DATABASE_URL: 'sqlite:' }],
    ['SAMPLE_USERS', { SAMPLE_USERS: 'ann' }],
    ['SAMPLE_USERS', { SAMPLE_USERS: 'ann:x,ann:y' }],
    ['SAMPLE_USERS', { SAMPLE_USERS: 'ann:' }],
    ['SESSION_SECRET', { SESSION_SECRET: 'short' }],
    ['TOKEN_ENCRYPTION_KEY', { TOKEN_ENCRYPTION_KEY: 'abcd' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['FITBIT_PROVIDER', { FITBIT_PROVIDER: 'garmin' }],
    ['FITBIT_CLIENT_SECRET', { FITBIT_CLIENT_ID: 'abc' }],
    ['FITBIT_CLIENT_ID', { FITBIT_CLIENT_SECRET: 'abc' }],
    ['FITBIT_SUBSCRIBER_ID', { ...REAL, REDIS_URL: 'redis://127.0.0.1:6379' }],
    ['FITBIT_AUTHORIZE_URL', { FITBIT_AUTHORIZE_URL: 'www.fitbit.com/oauth2/authorize' }],
    ['FITBIT_API_URL', { FITBIT_API_URL: 'ftp://api.fitbit.com' }],
    ['FITBIT_API_URL', { FITBIT_API_URL: 'health.googleapis.com/v4' }],
    ['FITBIT_TOKEN_URL', { FITBIT_TOKEN_URL: 'oauth2.googleapis.com/token' }],
    ['FITBIT_TOKEN_URL', { FITBIT_PROVIDER: 'fitbit', FITBIT_API_URL: 'https://api.fitbit.com', FITBIT_TOKEN_URL: 'file:///token' }],
    ['FITBIT_REVOKE_URL', { FITBIT_REVOKE_URL: '/revoke' }],
    ['FITBIT_KEYSET_URL', { FITBIT_KEYSET_URL: 'gstatic keyset' }],
    ['FITBIT_WEBHOOK_AUTHORIZATION', { FITBIT_WEBHOOK_AUTHORIZATION: 'no-scheme-just-a-secret' }],
    ['FITBIT_WEBHOOK_AUTHORIZATION', { FITBIT_WEBHOOK_AUTHORIZATION: 'Bearer line\nbreak' }],
    ['GOOGLE_PROJECT_NUMBER', { GOOGLE_PROJECT_NUMBER: 'my-project-id' }],
    ['FITBIT_WEBHOOK_AUTHORIZATION', { ...REAL, ...REDIS, FITBIT_SUBSCRIBER_ID: 's' }],
    ['FITBIT_HISTORICAL_INIT_DELAY', { FITBIT_HISTORICAL_INIT_DELAY: '-1' }],
    ['FITBIT_HISTORICAL_INIT_DELAY', { FITBIT_HISTORICAL_INIT_DELAY: 'soon' }],
    ['FITBIT_BETWEEN_DELAY', { FITBIT_BETWEEN_DELAY: '5s' }],
    ['FITBIT_LOGIN_REDIRECT', { FITBIT_LOGIN_REDIRECT: 'dashboard' }],
    ['FITBIT_LOGOUT_REDIRECT', { FITBIT_LOGOUT_REDIRECT: 'javascript:alert(1)' }],
    ['FITBIT_CALLBACK_URL', { FITBIT_CALLBACK_URL: '/fitbit/complete/' }],
    ['FITBIT_SUBSCRIPTIONS', { FITBIT_SUBSCRIPTIONS: 'activities:steps' }],
    ['FITBIT_SUBSCRIPTIONS', { FITBIT_SUBSCRIPTIONS: '["steps"]' }],
    ['FITBIT_REQUEST_TIMEOUT_MS', { FITBIT_REQUEST_TIMEOUT_MS: '0' }],
    ['FITBIT_STARTUP_TIMEOUT_MS', { FITBIT_STARTUP_TIMEOUT_MS: 'soon' }],
    ['FITBIT_ROUTE_PREFIX', { FITBIT_ROUTE_PREFIX: 'fit bit' }],
    ['FITBIT_QUEUE_PREFIX', { FITBIT_QUEUE_PREFIX: 'a b' }],
    ['FITBIT_EMULATOR_PORT', { FITBIT_EMULATOR_PORT: 'x' }],
  ])('rejects a bad %s with a message naming it', (variable, env) => {
    expect(() => parseEnvironment(env)).toThrow(new RegExp(`^${variable}: `));
  });

  it('names the variable behind a FitbitModule configuration error', () => {
    const error = new FitbitConfigurationError('subscriptions', "['steps'] resources are invalid for the foods category");
    expect(describeStartupError(error)).toBe(
      `FITBIT_SUBSCRIPTIONS: ['steps'] resources are invalid for the foods category (FitbitModule option "subscriptions")`,
    );
    for (const [option, variable] of [
      ['endpoints.tokenUrl', 'FITBIT_TOKEN_URL'],
      ['endpoints.revokeUrl', 'FITBIT_REVOKE_URL'],
      ['endpoints.keysetUrl', 'FITBIT_KEYSET_URL'],
      ['endpoints.apiUrl', 'FITBIT_API_URL'],
      ['googleHealth.webhookAuthorization', 'FITBIT_WEBHOOK_AUTHORIZATION'],
      ['googleHealth.projectNumber', 'GOOGLE_PROJECT_NUMBER'],
    ]) {
      expect(describeStartupError(new FitbitConfigurationError(option!, 'is wrong'))).toBe(`${variable}: is wrong (FitbitModule option "${option}")`);
    }
  });

  it('stops npm start with the variable named, before anything listens', async () => {
    const [badPort, badSubscriptions, noWebhookAuthorization] = await Promise.all([
      runSampleAppToExit({ PORT: 'eighty' }),
      runSampleAppToExit({ PORT: '0', DATABASE_URL: 'sqlite::memory:', FITBIT_SUBSCRIPTIONS: '{"foods":["steps"]}' }),
      runSampleAppToExit({ ...REAL, ...REDIS, FITBIT_SUBSCRIBER_ID: 'sample', PORT: '0', DATABASE_URL: 'sqlite::memory:' }),
    ]);
    expect(badPort.code).toBe(1);
    expect(badPort.output).toContain('The sample app cannot start. PORT: must be a port number from 0 to 65535, got "eighty"');
    expect(badSubscriptions.code).toBe(1);
    expect(badSubscriptions.output).toContain("FITBIT_SUBSCRIPTIONS: ['steps'] resources are invalid for the foods category");
    expect(noWebhookAuthorization.code).toBe(1);
    expect(noWebhookAuthorization.output).toContain('The sample app cannot start. FITBIT_WEBHOOK_AUTHORIZATION: is required with FITBIT_PROVIDER=google-health');
  });
});
