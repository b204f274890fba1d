import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SQLITE_FILE,
  DEMO_CLIENT_ID,
  describeStartupError,
  parseEnvironment,
} from '../../sample-app/config/environment.js';
import { FitbitConfigurationError } from '../../lib/index.js';
import { runSampleAppToExit } from './sample-app-process.js';

const REAL = { FITBIT_CLIENT_ID: '23ABCD', FITBIT_CLIENT_SECRET: 'shh' };

describe('sample-app environment', () => {
  it('runs in demo mode with a SQLite file and demo:demo when nothing is set', () => {
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
      demo: { emulatorPort: 3001 },
    });
    expect(settings.fitbit).toEqual({
      clientId: DEMO_CLIENT_ID,
      clientSecret: expect.any(String),
      provider: 'fitbit',
      errorTemplate: 'fitbit-error',
      loginUrl: '/login',
    });
  });

  it('maps every variable to its FitbitModule option', () => {
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
      FITBIT_ROUTE_PREFIX: '/health/fitbit/',
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
      demo: null,
    });
    expect(settings.fitbit).toEqual({
      clientId: '23ABCD',
      clientSecret: 'shh',
      provider: 'fitbit',
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
    ['FITBIT_PROVIDER', { FITBIT_PROVIDER: 'google-health' }],
    ['FITBIT_CLIENT_SECRET', { FITBIT_CLIENT_ID: 'abc' }],
    ['FITBIT_CLIENT_ID', { FITBIT_CLIENT_SECRET: 'abc' }],
    ['FITBIT_SUBSCRIBER_ID', { ...REAL, REDIS_URL: 'redis://127.0.0.1:6379' }],
    ['FITBIT_AUTHORIZE_URL', { FITBIT_AUTHORIZE_URL: 'www.fitbit.com/oauth2/authorize' }],
    ['FITBIT_API_URL', { FITBIT_API_URL: 'ftp://api.fitbit.com' }],
    ['FITBIT_HISTORICAL_INIT_DELAY', { FITBIT_HISTORICAL_INIT_DELAY: '-1' }],
    ['FITBIT_HISTORICAL_INIT_DELAY', { FITBIT_HISTORICAL_INIT_DELAY: 'soon' }],
    ['FITBIT_BETWEEN_DELAY', { FITBIT_BETWEEN_DELAY: '5s' }],
    ['FITBIT_LOGIN_REDIRECT', { FITBIT_LOGIN_REDIRECT: 'dashboard' }],
    ['FITBIT_LOGOUT_REDIRECT', { FITBIT_LOGOUT_REDIRECT: 'javascript:alert(1)' }],
    ['FITBIT_CALLBACK_URL', { FITBIT_CALLBACK_URL: '/fitbit/complete/' }],
    ['FITBIT_SUBSCRIPTIONS', { FITBIT_SUBSCRIPTIONS: 'activities:steps' }],
    ['FITBIT_SUBSCRIPTIONS', { FITBIT_SUBSCRIPTIONS: '["steps"]' }],
    ['FITBIT_REQUEST_TIMEOUT_MS', { FITBIT_REQUEST_TIMEOUT_MS: '0' }],
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
  });

  it('stops npm start with the variable named, before anything listens', async () => {
    const badPort = await runSampleAppToExit({ PORT: 'eighty' });
    expect(badPort.code).toBe(1);
    expect(badPort.output).toContain('The sample app cannot start. PORT: must be a port number from 0 to 65535, got "eighty"');

    const badSubscriptions = await runSampleAppToExit({
      PORT: '0',
      DATABASE_URL: 'sqlite::memory:',
      FITBIT_SUBSCRIPTIONS: '{"foods":["steps"]}',
    });
    expect(badSubscriptions.code).toBe(1);
    expect(badSubscriptions.output).toContain("FITBIT_SUBSCRIPTIONS: ['steps'] resources are invalid for the foods category");
  });
});
