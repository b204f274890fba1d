import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, type LoggerService, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommandFactory } from 'nest-commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenRefresher } from '../../lib/auth/token-refresher.js';
import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import { CommandOutput, type CommandOutputStream } from '../../lib/commands/command-output.js';
import { RefreshTokensCommand } from '../../lib/commands/refresh-tokens.command.js';
import type { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { FitbitEmulator, type IssuedTokens } from '../../lib/testing/index.js';
import { createDataSource, createSqliteDataSource, DATABASE_KINDS, type DatabaseKind, type TestDataSource } from '../support/databases.js';

const CLIENT_ID = 'refresh-command-client';
const CLIENT_SECRET = 'refresh-command-secret';
const CLEAR_LINE = '\x1b[2K';

/** Collects everything written, as a terminal would receive it (when `tty`) or as a pipe. */
class CapturedOutput extends CommandOutput {
  override readonly stream: CommandOutputStream;
  private readonly chunks: string[] = [];

  constructor(tty = false) {
    super();
    const chunks = this.chunks;
    this.stream = {
      isTTY: tty,
      columns: 100,
      write(data: string | Uint8Array, ...rest: unknown[]): boolean {
        chunks.push(String(data));
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      },
    } as unknown as CommandOutputStream;
  }

  get text(): string {
    return this.chunks.join('');
  }

  get lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }
}

/** Keeps the warnings; with a sink they are also written there, to check where they land. */
class CapturedLogger implements LoggerService {
  readonly warnings: string[] = [];
  constructor(private readonly sink?: CommandOutputStream) {}
  log(): void {}
  error(): void {}
  debug(): void {}
  verbose(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
    this.sink?.write(`WARN ${String(message)}\n`);
  }
}

function outputModule(output: CommandOutput): DynamicModule {
  @Global()
  @Module({})
  class CapturedOutputModule {}
  return { module: CapturedOutputModule, global: true, providers: [{ provide: CommandOutput, useValue: output }], exports: [CommandOutput] };
}

function databaseModule(dataSource: TestDataSource): DynamicModule {
  return TypeOrmModule.forRootAsync({
    useFactory: () => ({ ...dataSource.typeOrmOptions, migrationsRun: false }),
    dataSourceFactory: async () => dataSource,
  });
}

async function callProfile(emulator: FitbitEmulator, accessToken: string): Promise<{ status: number; encodedId?: string }> {
  const response = await fetch(`${emulator.urls.apiUrl}/1/user/-/profile.json`, { headers: { authorization: `Bearer ${accessToken}` } });
  const body = (await response.json()) as { user?: { encodedId?: string } };
  return { status: response.status, encodedId: body.user?.encodedId };
}

/** Spends a refresh token at the emulator, as another client holding it would. */
async function spendRefreshToken(emulator: FitbitEmulator, refreshToken: string): Promise<void> {
  const response = await fetch(emulator.urls.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
  if (response.status !== 200) throw new Error(`spending the refresh token answered ${response.status}`);
}

async function revokeTokens(emulator: FitbitEmulator, token: string): Promise<void> {
  const response = await fetch(emulator.urls.revokeUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  });
  if (response.status !== 200) throw new Error(`revoke answered ${response.status}`);
}

interface SeededLink {
  link: UserFitbit;
  fitbitUserId: string;
  issued: IssuedTokens;
}

let emulator: FitbitEmulator;
let appUserSeq = 0;

async function seedLink(store: UserLinkStore, options: { expired: boolean }): Promise<SeededLink> {
  const user = emulator.addUser();
  const issued = emulator.issueTokens(user.id);
  const link = await store.save({
    userId: `app-user-${++appUserSeq}`,
    provider: 'fitbit',
    providerUserId: user.id,
    legacyUserId: null,
    timeZone: user.timezone,
    tokens: {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: options.expired ? Date.now() - 60_000 : issued.expiresAt,
      scopes: [],
    },
  });
  return { link, fitbitUserId: user.id, issued };
}

function fitbitModule(): DynamicModule {
  return FitbitModule.forRoot({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, provider: 'fitbit', endpoints: emulator.urls });
}

beforeAll(async () => {
  emulator = await FitbitEmulator.start({ mode: 'fitbit', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
});

afterAll(async () => {
  await emulator?.stop();
});

afterEach(() => {
  emulator.faults.clear();
  process.exitCode = undefined;
});

describe.each(DATABASE_KINDS)('refresh-tokens command on %s', (kind: DatabaseKind) => {
  let moduleRef: TestingModule;
  let output: CapturedOutput;
  let logger: CapturedLogger;
  let store: UserLinkStore;
  let command: RefreshTokensCommand;

  async function boot(tty = false): Promise<void> {
    const dataSource = await createDataSource(kind);
    output = new CapturedOutput(tty);
    logger = new CapturedLogger(tty ? output.stream : undefined);
    moduleRef = await Test.createTestingModule({ imports: [databaseModule(dataSource), fitbitModule(), outputModule(output)] })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
    store = moduleRef.get(UserLinkStore);
    command = moduleRef.get(RefreshTokensCommand);
  }

  afterEach(async () => {
    await moduleRef?.close();
  });

  const stored = async (link: UserFitbit): Promise<UserFitbit | null> => store.findById(link.id);

  it('refreshes nothing when no token has expired', async () => {
    await boot();
    const fresh = [await seedLink(store, { expired: false }), await seedLink(store, { expired: false })];

    await command.run([], {});

    expect(output.lines).toEqual(['Successfully refreshed 0 tokens']);
    for (const { fitbitUserId, link } of fresh) {
      expect(emulator.stats.refreshCalls(fitbitUserId)).toBe(0);
      expect((await stored(link))?.accessToken).toBe(link.accessToken);
    }
    expect(process.exitCode).toBeUndefined();
  });

  it('refreshes exactly the expired token and stores a pair that works', async () => {
    await boot();
    const expired = await seedLink(store, { expired: true });
    const fresh = await seedLink(store, { expired: false });

    await command.run([], {});

    expect(output.lines).toEqual(['Successfully refreshed 1 tokens']);
    expect(emulator.stats.refreshCalls(expired.fitbitUserId)).toBe(1);
    expect(emulator.stats.refreshCalls(fresh.fitbitUserId)).toBe(0);

    const after = (await stored(expired.link))!;
    expect(store.accessToken(after)).not.toBe(expired.issued.accessToken);
    expect(store.refreshToken(after)).not.toBe(expired.issued.refreshToken);
    expect(after.expiresAt).toBeGreaterThan(Date.now());
    expect(await callProfile(emulator, store.accessToken(after))).toEqual({ status: 200, encodedId: expired.fitbitUserId });

    const untouched = (await stored(fresh.link))!;
    expect(store.accessToken(untouched)).toBe(fresh.issued.accessToken);
    expect(store.refreshToken(untouched)).toBe(fresh.issued.refreshToken);
    expect(untouched.expiresAt).toBe(fresh.link.expiresAt);
    expect(process.exitCode).toBeUndefined();
  });

  it('refreshes every token with --all', async () => {
    await boot();
    const seeded = [await seedLink(store, { expired: true }), await seedLink(store, { expired: false }), await seedLink(store, { expired: false })];

    await command.run([], { all: true });

    expect(output.lines).toEqual(['Successfully refreshed 3 tokens']);
    for (const { fitbitUserId, link, issued } of seeded) {
      expect(emulator.stats.refreshCalls(fitbitUserId)).toBe(1);
      const after = (await stored(link))!;
      expect(store.accessToken(after)).not.toBe(issued.accessToken);
      expect((await callProfile(emulator, store.accessToken(after))).status).toBe(200);
    }
  });

  it('reports an invalid refresh token as a failure, exits 1 and keeps the link', async () => {
    await boot();
    const spent = await seedLink(store, { expired: true });
    const valid = await seedLink(store, { expired: true });
    await spendRefreshToken(emulator, spent.issued.refreshToken);

    await command.run([], {});

    expect(output.lines).toEqual(['Successfully refreshed 1 tokens', 'Failed to refresh 1 tokens']);
    expect(process.exitCode).toBe(1);
    expect(emulator.stats.refreshCalls(spent.fitbitUserId)).toBe(2);
    const kept = (await stored(spent.link))!;
    expect(kept).not.toBeNull();
    expect(store.refreshToken(kept)).toBe(spent.issued.refreshToken);
    expect(kept.refreshLockedUntil).toBeNull();
    expect(logger.warnings).toEqual([expect.stringMatching(new RegExp(`user ${spent.link.userId}: .*invalid_grant`))]);
    expect((await callProfile(emulator, store.accessToken((await stored(valid.link))!))).status).toBe(200);
  });

  it('with --deauth removes the links whose refresh token is dead and refreshes the others', async () => {
    await boot();
    const revoked = await seedLink(store, { expired: true });
    const valid = await seedLink(store, { expired: true });
    const alsoValid = await seedLink(store, { expired: false });
    await revokeTokens(emulator, revoked.issued.accessToken);

    await command.run([], { all: true, deauth: true });

    expect(output.lines).toEqual(['Successfully refreshed 2 tokens', 'Failed to refresh 1 tokens', 'Deauthenticated 1 users']);
    expect(process.exitCode).toBe(1);
    expect(await stored(revoked.link)).toBeNull();
    for (const { link, issued } of [valid, alsoValid]) {
      const after = (await stored(link))!;
      expect(store.accessToken(after)).not.toBe(issued.accessToken);
      expect((await callProfile(emulator, store.accessToken(after))).status).toBe(200);
    }
    expect(logger.warnings).toEqual([expect.stringMatching(new RegExp(`user ${revoked.link.userId}, removed their link: .*invalid_grant`))]);
  });

  it('with --deauth keeps links that failed for another reason', async () => {
    await boot();
    const seeded = await seedLink(store, { expired: true });
    emulator.faults.inject({ method: 'POST', path: '/oauth2/token', status: 500, times: 1 });

    await command.run([], { deauth: true });

    expect(output.lines).toEqual(['Successfully refreshed 0 tokens', 'Failed to refresh 1 tokens', 'Deauthenticated 0 users']);
    expect(process.exitCode).toBe(1);
    const kept = (await stored(seeded.link))!;
    expect(store.refreshToken(kept)).toBe(seeded.issued.refreshToken);
    expect(logger.warnings).toEqual([expect.stringContaining(`user ${seeded.link.userId}: `)]);
  });

  it('spends each refresh token once when the running app refreshes the same link meanwhile', async () => {
    await boot();
    const seeded = await seedLink(store, { expired: true });
    // The first refresh to reach Fitbit is slow, so the other one meets the lease.
    emulator.faults.inject({ method: 'POST', path: '/oauth2/token', delayMs: 300, times: 1 });

    const [refreshedByApp] = await Promise.all([moduleRef.get(TokenRefresher).refresh(seeded.link), command.run([], {})]);

    expect(emulator.stats.refreshCalls(seeded.fitbitUserId)).toBe(1);
    expect(output.lines).toEqual(['Successfully refreshed 1 tokens']);
    const after = (await stored(seeded.link))!;
    expect(after.accessToken).toBe(refreshedByApp.accessToken);
    expect((await callProfile(emulator, store.accessToken(after))).status).toBe(200);
    expect(process.exitCode).toBeUndefined();
  });

  it('spends each refresh token once when two runs overlap', async () => {
    await boot();
    const seeded = [await seedLink(store, { expired: true }), await seedLink(store, { expired: true })];
    emulator.faults.inject({ method: 'POST', path: '/oauth2/token', delayMs: 150 });

    await Promise.all([command.run([], {}), command.run([], { all: true })]);

    expect(output.lines).toEqual(['Successfully refreshed 2 tokens', 'Successfully refreshed 2 tokens']);
    for (const { fitbitUserId, link } of seeded) {
      expect(emulator.stats.refreshCalls(fitbitUserId)).toBe(1);
      expect((await callProfile(emulator, store.accessToken((await stored(link))!))).status).toBe(200);
    }
  });
});

describe('refresh-tokens progress bar', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  async function boot(tty: boolean) {
    const output = new CapturedOutput(tty);
    const logger = new CapturedLogger(output.stream);
    moduleRef = await Test.createTestingModule({
      imports: [databaseModule(await createSqliteDataSource()), fitbitModule(), outputModule(output)],
    })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
    return { output, store: moduleRef.get(UserLinkStore), command: moduleRef.get(RefreshTokensCommand) };
  }

  it('draws a bar on a terminal and clears it before the warnings and the result lines', async () => {
    const { output, store, command } = await boot(true);
    await seedLink(store, { expired: true });
    const spent = await seedLink(store, { expired: true });
    await seedLink(store, { expired: true });
    await spendRefreshToken(emulator, spent.issued.refreshToken);

    await command.run([], {});

    expect(output.text).toContain('Refreshing Fitbit tokens [');
    expect(output.text).toContain('3/3');
    const afterBar = output.text.slice(output.text.lastIndexOf(CLEAR_LINE) + CLEAR_LINE.length);
    expect(afterBar).toMatch(
      new RegExp(`^WARN Failed to refresh the Fitbit token of user ${spent.link.userId}: [^\\n\\x1b]*\\nSuccessfully refreshed 2 tokens\\nFailed to refresh 1 tokens\\n$`),
    );
  });

  it('writes only the lines when the output is not a terminal', async () => {
    const { output, store, command } = await boot(false);
    await seedLink(store, { expired: true });

    await command.run([], {});

    expect(output.text).toBe('Successfully refreshed 1 tokens\n');
  });
});

describe('refresh-tokens through nest-commander', () => {
  let directory: string;
  let app: INestApplicationContext | undefined;
  const argv = process.argv;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fitbit-cli-'));
  });
  afterEach(async () => {
    process.argv = argv;
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('is found by CommandFactory in a host module that imports FitbitModule, and takes --all', async () => {
    const database = join(directory, 'cli.sqlite');
    // The "web app" links two users, one token still fresh, then goes away.
    const seeding = await Test.createTestingModule({
      imports: [databaseModule(await createSqliteDataSource({ database })), fitbitModule()],
    }).compile();
    const seedStore = seeding.get(UserLinkStore);
    const expired = await seedLink(seedStore, { expired: true });
    const fresh = await seedLink(seedStore, { expired: false });
    await seeding.close();

    const output = new CapturedOutput();
    const cliDataSource = await createSqliteDataSource({ database });
    @Module({ imports: [databaseModule(cliDataSource), fitbitModule(), outputModule(output)] })
    class TestCliModule {}

    process.argv = ['node', 'fitbit-cli', 'refresh-tokens', '--all'];
    app = await CommandFactory.runWithoutClosing(TestCliModule, {
      logger: false,
      serviceErrorHandler: (error) => {
        throw error;
      },
    });

    expect(output.lines).toEqual(['Successfully refreshed 2 tokens']);
    expect(process.exitCode).toBeUndefined();
    const store = app.get(UserLinkStore);
    for (const { link, fitbitUserId, issued } of [expired, fresh]) {
      expect(emulator.stats.refreshCalls(fitbitUserId)).toBe(1);
      const after = (await store.findById(link.id))!;
      expect(store.accessToken(after)).not.toBe(issued.accessToken);
      expect((await callProfile(emulator, store.accessToken(after))).status).toBe(200);
    }
  });
});
