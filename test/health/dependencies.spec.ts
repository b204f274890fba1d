/**
 * The module's dependencies, for whoever runs it: start-up fails within `startupTimeoutMs`, in one
 * message naming the dependency and its address, when the database or Redis does not answer (it
 * used to hang for ever on Redis); an outage after start-up is one warning when it begins and one
 * when it ends; and `FitbitHealthIndicator` tells a Terminus health check about all of it.
 * The dead dependencies are the suite's own PostgreSQL and Redis behind a proxy that cuts or
 * freezes the connection, so nothing shared is stopped.
 */
import { Controller, Get, type INestApplication, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FITBIT_ENTITIES } from '../../lib/data/fitbit-entities.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { FitbitStartupError } from '../../lib/health/fitbit-startup.error.js';
import { FitbitHealthIndicator } from '../../lib/terminus/index.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { TestDataSource } from '../support/databases.js';
import { emulatorOptions, startEmulator } from '../support/fitbit-fixture.js';
import { fitbitQueueOf } from '../support/fitbit-queue.js';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '../support/service-urls.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const STARTUP_TIMEOUT_MS = 500;

/** Keeps warnings and errors, so a test can count the lines an outage produced. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(): void {}
  debug(): void {}
  verbose(): void {}
  warn(message: unknown): void {
    this.lines.push(`WARN ${String(message)}`);
  }
  error(message: unknown): void {
    this.lines.push(`ERROR ${String(message)}`);
  }
}

// #region readme:terminus
// In the module that imports TerminusModule (FitbitModule imported there, or global): providers: [FitbitHealthIndicator]
@Controller()
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly fitbit: FitbitHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.fitbit.isHealthy('fitbit', { timeoutMs: 300, maxQueueDepth: 2 })]);
  }
}
// #endregion

interface Dependencies {
  database: { proxy: TcpProxy; url: string };
  redis: { proxy: TcpProxy; url: string };
}

/** PostgreSQL and Redis URLs that both go through proxies of their own. */
async function proxiedDependencies(): Promise<Dependencies> {
  return { database: await TcpProxy.before(TEST_POSTGRES_URL), redis: await TcpProxy.before(TEST_REDIS_URL) };
}

/** A host app with the module subscribing (no worker), optionally Terminus and the health route; not yet initialized. */
async function createHost(dependencies: Dependencies, emulator: FitbitEmulator, options: { logger?: LoggerService; apiUrl?: string; terminus?: boolean } = {}) {
  const prefix = `t-health-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  // Its own connection (only pinged, so no schema): the app closes it when it closes.
  const dataSource = new TestDataSource('postgres', { type: 'postgres', url: dependencies.database.url, entities: FITBIT_ENTITIES, synchronize: false });
  await dataSource.initialize();
  @Module({
    imports: [
      TypeOrmModule.forRootAsync({ useFactory: () => dataSource.options, dataSourceFactory: async () => dataSource }),
      FitbitModule.forRoot({
        ...emulatorOptions(emulator, {
          subscriberId: 'sub-1',
          startupTimeoutMs: STARTUP_TIMEOUT_MS,
          queue: { redis: dependencies.redis.url, prefix },
          ...(options.apiUrl ? { endpoints: { ...emulator.urls, apiUrl: options.apiUrl } } : {}),
        }),
        subscribe: true,
        worker: false,
        isGlobal: true,
      }),
      ...(options.terminus ? [TerminusModule.forRoot({ logger: false })] : []),
    ],
    controllers: options.terminus ? [HealthController] : [],
    providers: options.terminus ? [FitbitHealthIndicator] : [],
  })
  class HostModule {}
  return NestFactory.create(HostModule, { logger: options.logger ?? ['error'], abortOnError: false });
}

async function closeHost(app: INestApplication, dependencies: Dependencies): Promise<void> {
  // Reachable again first: the queue says goodbye to Redis on close.
  await dependencies.redis.proxy.restore();
  await dependencies.database.proxy.restore();
  await fitbitQueueOf(app).obliterate({ force: true });
  await app.close();
}

describe('the module and its dependencies', () => {
  let emulator: FitbitEmulator;
  let dependencies: Dependencies;

  beforeAll(async () => {
    emulator = await startEmulator({ provider: 'google-health' });
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  beforeAll(async () => {
    dependencies = await proxiedDependencies();
  });
  afterAll(async () => {
    await dependencies.database.proxy.stop();
    await dependencies.redis.proxy.stop();
  });
  afterEach(async () => {
    await dependencies.redis.proxy.restore();
    await dependencies.database.proxy.restore();
  });

  it.each(['refused', 'hung'] as const)('start-up fails, naming the queue option and the address, when Redis %s', async (how) => {
    const app = await createHost(dependencies, emulator);
    if (how === 'refused') await dependencies.redis.proxy.cut();
    else dependencies.redis.proxy.freeze();
    const started = Date.now();
    const failure = await app.init().then(() => null, (error: unknown) => error);
    const ms = Date.now() - started;
    expect(failure).toBeInstanceOf(FitbitStartupError);
    const address = `127.0.0.1:${dependencies.redis.proxy.port}`;
    expect((failure as Error).message).toBe(
      how === 'refused'
        ? `FitbitModule option "queue": Redis at ${address} did not answer within ${STARTUP_TIMEOUT_MS} ms (connect ECONNREFUSED ${address})`
        : `FitbitModule option "queue": Redis at ${address} did not answer within ${STARTUP_TIMEOUT_MS} ms`,
    );
    expect(failure).toMatchObject({ dependency: 'redis', address, option: 'queue' });
    // Bounded by the timeout (plus a busy machine's slack), where it used to wait for ever.
    expect(ms).toBeLessThan(STARTUP_TIMEOUT_MS + 4_000);
    await closeHost(app, dependencies);
  });

  it('start-up fails, naming the database and its address, when the database does not answer', async () => {
    const app = await createHost(dependencies, emulator);
    dependencies.database.proxy.freeze();
    const failure = await app.init().then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(FitbitStartupError);
    expect((failure as Error).message).toBe(
      `FitbitModule: the database at postgres 127.0.0.1:${dependencies.database.proxy.port}/test did not answer within ${STARTUP_TIMEOUT_MS} ms`,
    );
    expect(failure).toMatchObject({ dependency: 'database', option: null });
    await closeHost(app, dependencies);
  });

  it('logs one line when Redis goes away and one when it is back, however many reconnection attempts lie between', async () => {
    const logger = new CapturingLogger();
    const app = await createHost(dependencies, emulator, { logger });
    await app.init();
    const queue: Queue = fitbitQueueOf(app);
    let reconnects = 0;
    queue.client.on('reconnecting', () => (reconnects += 1));
    await dependencies.redis.proxy.cut();
    // Several attempts fail (each an ioredis error event) before Redis comes back.
    await until(() => reconnects >= 4, 'four reconnection attempts');
    const back = new Promise((resolve) => queue.client.once('ready', resolve));
    await dependencies.redis.proxy.restore();
    await back;
    await queue.add('after-outage', {}, { delay: 60_000 });

    const address = `127.0.0.1:${dependencies.redis.proxy.port}`;
    const redisLines = logger.lines.filter((line) => line.includes('Redis'));
    expect(redisLines).toHaveLength(2);
    expect(redisLines[0]).toMatch(new RegExp(`^WARN Redis at ${address.replaceAll('.', '\\.')} is unreachable.*: notifications are answered 503 and jobs wait; reconnecting$`));
    expect(redisLines[1]).toMatch(new RegExp(`^WARN Redis at ${address.replaceAll('.', '\\.')} answers again after \\d+\\.\\d s; queued work goes on$`));
    await closeHost(app, dependencies);
  });

  describe('FitbitHealthIndicator (nestjs-fitbit/terminus)', () => {
    let api: TcpProxy;
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      api = (await TcpProxy.before(emulator.urls.apiUrl)).proxy;
      const apiUrl = new URL(emulator.urls.apiUrl);
      apiUrl.port = String(api.port);
      app = await createHost(dependencies, emulator, { apiUrl: apiUrl.toString().replace(/\/$/, ''), terminus: true });
      await app.listen(0, '127.0.0.1');
      url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/health`;
    });
    afterAll(async () => {
      await closeHost(app, dependencies);
      await api.stop();
    });
    afterEach(async () => {
      await api.restore();
    });

    const health = async () => {
      const response = await fetch(url);
      return { http: response.status, body: (await response.json()) as { status: string; details: { fitbit: Record<string, any> } } };
    };

    it('is up with the database, Redis, the queue and the provider answering, and says where each is', async () => {
      const { http, body } = await health();
      expect(http).toBe(200);
      expect(body.status).toBe('ok');
      expect(body.details.fitbit).toEqual({
        status: 'up',
        database: { status: 'up', address: `postgres 127.0.0.1:${dependencies.database.proxy.port}/test` },
        redis: { status: 'up', address: `127.0.0.1:${dependencies.redis.proxy.port}` },
        queue: { status: 'up', waiting: 0, delayed: 0, active: 0, failed: 0 },
        provider: { status: 'up', address: expect.stringContaining(`127.0.0.1:${api.port}`) },
      });
    });

    it('is degraded, not down, when the provider cannot be reached or the queue falls behind', async () => {
      await api.cut();
      let { http, body } = await health();
      expect(http).toBe(200);
      expect(body.status).toBe('degraded');
      expect(body.details.fitbit.provider).toEqual({
        status: 'degraded',
        address: expect.stringContaining(`127.0.0.1:${api.port}`),
        message: expect.stringMatching(new RegExp(`^the provider at http://127\\.0\\.0\\.1:${api.port}/ did not answer: connect ECONNREFUSED`)),
      });
      await api.restore();

      const queue = fitbitQueueOf(app);
      for (let index = 0; index < 3; index += 1) await queue.add('later', {}, { delay: 3_600_000 });
      ({ http, body } = await health());
      expect(http).toBe(200);
      expect(body.status).toBe('degraded');
      expect(body.details.fitbit.queue).toEqual({ status: 'degraded', waiting: 0, delayed: 3, active: 0, failed: 0, message: '3 jobs waiting, more than 2' });
      await queue.empty();
      await queue.clean(0, 'delayed');
    });

    it('is down (503) when Redis or the database does not answer, naming it', async () => {
      const closed = new Promise((resolve) => fitbitQueueOf(app).client.once('close', resolve));
      await dependencies.redis.proxy.cut();
      await closed;
      let { http, body } = await health();
      expect(http).toBe(503);
      expect(body.details.fitbit.redis).toEqual({
        status: 'down',
        address: `127.0.0.1:${dependencies.redis.proxy.port}`,
        message: expect.stringMatching(/^Redis at 127\.0\.0\.1:\d+ is not connected \((reconnecting|connecting|close)\)$/),
      });
      expect(body.details.fitbit.database.status).toBe('up');
      const ready = new Promise((resolve) => fitbitQueueOf(app).client.once('ready', resolve));
      await dependencies.redis.proxy.restore();
      await ready;

      dependencies.database.proxy.freeze();
      ({ http, body } = await health());
      expect(http).toBe(503);
      expect(body.details.fitbit.database).toEqual({
        status: 'down',
        address: `postgres 127.0.0.1:${dependencies.database.proxy.port}/test`,
        message: `the database at postgres 127.0.0.1:${dependencies.database.proxy.port}/test did not answer within 300 ms`,
      });
      expect(body.details.fitbit.redis.status).toBe('up');
    });
  });
});

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
