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
import { FITBIT_PROVIDER } from '../../lib/fitbit.constants.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitProvider } from '../../lib/providers/fitbit-provider.interface.js';
import type { FitbitEmulator, IssuedTokens } from '../../lib/testing/index.js';
import { createDataSource, createSqliteDataSource, DATABASE_KINDS, type DatabaseKind, type TestDataSource } from '../support/databases.js';
import { emulatorOptions, PROVIDERS, providerFacts, startEmulator, type ProviderName } from '../support/fitbit-fixture.js';
import { freePort } from '../subscriptions/support/subscriptions-fixture.js';

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

interface SeededLink {
  link: UserFitbit;
  /** The emulator user (Fitbit's encodedId, Google's legacyUserId). */
  fitbitUserId: string;
  issued: IssuedTokens;
}

/** One emulator per provider for the whole file; the progress bar and CLI tests use the legacy one. */
const emulators = {} as Record<ProviderName, FitbitEmulator>;
let appUserSeq = 0;

async function seedLink(emulator: FitbitEmulator, store: UserLinkStore, options: { expired: boolean }): Promise<SeededLink> {
  const user = emulator.addUser();
  const issued = emulator.issueTokens(user.id);
  const link = await store.save({
    userId: `app-user-${++appUserSeq}`,
    provider: emulator.modeName,
    providerUserId: providerFacts(emulator).providerUserIdOf(user),
    legacyUserId: emulator.modeName === 'google-health' ? user.id : null,
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

/**
 * Leaves the seeded refresh token dead (invalid_grant): Fitbit's is spent by another client holding it
 * (they are single-use); Google's are reusable, so there the user removes the app's access instead.
 */
async function killRefreshToken(emulator: FitbitEmulator, provider: FitbitProvider, seeded: SeededLink): Promise<void> {
  if (emulator.modeName === 'google-health') emulator.revokeGrant(seeded.fitbitUserId);
  else await provider.refreshTokens(seeded.issued.refreshToken);
}

function fitbitModule(emulator: FitbitEmulator, commands = true): DynamicModule {
  return FitbitModule.forRoot({ ...emulatorOptions(emulator), commands });
}

beforeAll(async () => {
  for (const provider of PROVIDERS) emulators[provider] = await startEmulator({ provider });
});

afterAll(async () => {
  for (const emulator of Object.values(emulators)) await emulator.stop();
});

afterEach(() => {
  for (const emulator of Object.values(emulators)) emulator.faults.clear();
  process.exitCode = undefined;
});

describe.each(PROVIDERS.flatMap((provider) => DATABASE_KINDS.map((kind) => [provider, kind] as const)))(
  'refresh-tokens command, %s on %s',
  (provider: ProviderName, kind: DatabaseKind) => {
    let emulator: FitbitEmulator;
    let facts: ReturnType<typeof providerFacts>;
    let moduleRef: TestingModule;
    let output: CapturedOutput;
    let logger: CapturedLogger;
    let store: UserLinkStore;
    let command: RefreshTokensCommand;

    async function boot(tty = false): Promise<void> {
      emulator = emulators[provider];
      facts = providerFacts(emulator);
      const dataSource = await createDataSource(kind);
      output = new CapturedOutput(tty);
      logger = new CapturedLogger(tty ? output.stream : undefined);
      moduleRef = await Test.createTestingModule({ imports: [databaseModule(dataSource), fitbitModule(emulator), outputModule(output)] })
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
    const seed = (options: { expired: boolean }) => seedLink(emulator, store, options);

    it('refreshes nothing when no token has expired', async () => {
      await boot();
      const fresh = [await seed({ expired: false }), await seed({ expired: false })];

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
      const expired = await seed({ expired: true });
      const fresh = await seed({ expired: false });

      await command.run([], {});

      expect(output.lines).toEqual(['Successfully refreshed 1 token']);
      expect(emulator.stats.refreshCalls(expired.fitbitUserId)).toBe(1);
      expect(emulator.stats.refreshCalls(fresh.fitbitUserId)).toBe(0);

      const after = (await stored(expired.link))!;
      expect(store.accessToken(after)).not.toBe(expired.issued.accessToken);
      // Fitbit rotates the refresh token; Google's is reusable and comes back unchanged (or not at all).
      if (provider === 'fitbit') expect(store.refreshToken(after)).not.toBe(expired.issued.refreshToken);
      else expect(store.refreshToken(after)).toBe(expired.issued.refreshToken);
      expect(after.expiresAt).toBeGreaterThan(Date.now());
      expect(await facts.tokenOwner(store.accessToken(after))).toBe(expired.fitbitUserId);

      const untouched = (await stored(fresh.link))!;
      expect(store.accessToken(untouched)).toBe(fresh.issued.accessToken);
      expect(store.refreshToken(untouched)).toBe(fresh.issued.refreshToken);
      expect(untouched.expiresAt).toBe(fresh.link.expiresAt);
      expect(process.exitCode).toBeUndefined();
    });

    it('refreshes every token with --all', async () => {
      await boot();
      const seeded = [await seed({ expired: true }), await seed({ expired: false }), await seed({ expired: false })];

      await command.run([], { all: true });

      expect(output.lines).toEqual(['Successfully refreshed 3 tokens']);
      for (const { fitbitUserId, link, issued } of seeded) {
        expect(emulator.stats.refreshCalls(fitbitUserId)).toBe(1);
        const after = (await stored(link))!;
        expect(store.accessToken(after)).not.toBe(issued.accessToken);
        expect(await facts.tokenWorks(store.accessToken(after))).toBe(true);
      }
    });

    it('reports an invalid refresh token as a failure, exits 1 and keeps the link', async () => {
      await boot();
      const dead = await seed({ expired: true });
      const valid = await seed({ expired: true });
      await killRefreshToken(emulator, moduleRef.get<symbol, FitbitProvider>(FITBIT_PROVIDER), dead);
      const refreshCallsBefore = emulator.stats.refreshCalls(dead.fitbitUserId);

      await command.run([], {});

      expect(output.lines).toEqual(['Successfully refreshed 1 token', 'Failed to refresh 1 token']);
      expect(process.exitCode).toBe(1);
      expect(emulator.stats.refreshCalls(dead.fitbitUserId)).toBe(refreshCallsBefore + 1);
      const kept = (await stored(dead.link))!;
      expect(kept).not.toBeNull();
      expect(store.refreshToken(kept)).toBe(dead.issued.refreshToken);
      expect(kept.refreshLockedUntil).toBeNull();
      expect(logger.warnings).toEqual([expect.stringMatching(new RegExp(`user ${dead.link.userId}: .*invalid_grant`))]);
      expect(await facts.tokenWorks(store.accessToken((await stored(valid.link))!))).toBe(true);
    });

    it('with --deauth removes the links whose refresh token is dead and refreshes the others', async () => {
      await boot();
      const revoked = await seed({ expired: true });
      const valid = await seed({ expired: true });
      const alsoValid = await seed({ expired: false });
      // Revoking the access token ends the whole grant, refresh token included, with both providers.
      await moduleRef.get<symbol, FitbitProvider>(FITBIT_PROVIDER).revokeToken(revoked.issued.accessToken);

      await command.run([], { all: true, deauth: true });

      expect(output.lines).toEqual(['Successfully refreshed 2 tokens', 'Failed to refresh 1 token', 'Deauthenticated 1 user']);
      expect(process.exitCode).toBe(1);
      expect(await stored(revoked.link)).toBeNull();
      for (const { link, issued } of [valid, alsoValid]) {
        const after = (await stored(link))!;
        expect(store.accessToken(after)).not.toBe(issued.accessToken);
        expect(await facts.tokenWorks(store.accessToken(after))).toBe(true);
      }
      expect(logger.warnings).toEqual([expect.stringMatching(new RegExp(`user ${revoked.link.userId}, removed their link: .*invalid_grant`))]);
    });

    it('with --deauth keeps links that failed for another reason', async () => {
      await boot();
      const seeded = await seed({ expired: true });
      emulator.faults.inject({ method: 'POST', path: facts.tokenPath, status: 500, times: 1 });

      await command.run([], { deauth: true });

      expect(output.lines).toEqual(['Successfully refreshed 0 tokens', 'Failed to refresh 1 token', 'Deauthenticated 0 users']);
      expect(process.exitCode).toBe(1);
      const kept = (await stored(seeded.link))!;
      expect(store.refreshToken(kept)).toBe(seeded.issued.refreshToken);
      expect(logger.warnings).toEqual([expect.stringContaining(`user ${seeded.link.userId}: `)]);
    });

    // The refresh lease is the module's own, the same whichever provider answers; spending a refresh
    // token twice only breaks anything with Fitbit's single-use ones. One provider is enough.
    if (provider === 'fitbit') {
      it('spends each refresh token once when the running app refreshes the same link meanwhile', async () => {
        await boot();
        const seeded = await seed({ expired: true });
        // The first refresh to reach Fitbit is slow, so the other one meets the lease.
        emulator.faults.inject({ method: 'POST', path: facts.tokenPath, delayMs: 300, times: 1 });

        const [refreshedByApp] = await Promise.all([moduleRef.get(TokenRefresher).refresh(seeded.link), command.run([], {})]);

        expect(emulator.stats.refreshCalls(seeded.fitbitUserId)).toBe(1);
        expect(output.lines).toEqual(['Successfully refreshed 1 token']);
        const after = (await stored(seeded.link))!;
        expect(after.accessToken).toBe(refreshedByApp.accessToken);
        expect(await facts.tokenWorks(store.accessToken(after))).toBe(true);
        expect(process.exitCode).toBeUndefined();
      });

      it('spends each refresh token once when two runs overlap', async () => {
        await boot();
        const seeded = [await seed({ expired: true }), await seed({ expired: true })];
        emulator.faults.inject({ method: 'POST', path: facts.tokenPath, delayMs: 150 });

        await Promise.all([command.run([], {}), command.run([], { all: true })]);

        expect(output.lines).toEqual(['Successfully refreshed 2 tokens', 'Successfully refreshed 2 tokens']);
        for (const { fitbitUserId, link } of seeded) {
          expect(emulator.stats.refreshCalls(fitbitUserId)).toBe(1);
          expect(await facts.tokenWorks(store.accessToken((await stored(link))!))).toBe(true);
        }
      });
    }
  },
);

// Drawing the output and wiring the command into nest-commander do not depend on the provider.
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
      imports: [databaseModule(await createSqliteDataSource()), fitbitModule(emulators.fitbit), outputModule(output)],
    })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
    return {
      output,
      store: moduleRef.get(UserLinkStore),
      command: moduleRef.get(RefreshTokensCommand),
      provider: moduleRef.get<symbol, FitbitProvider>(FITBIT_PROVIDER),
    };
  }

  it('draws a bar on a terminal and clears it before the warnings and the result lines', async () => {
    const { output, store, command, provider } = await boot(true);
    await seedLink(emulators.fitbit, store, { expired: true });
    const spent = await seedLink(emulators.fitbit, store, { expired: true });
    await seedLink(emulators.fitbit, store, { expired: true });
    await killRefreshToken(emulators.fitbit, provider, spent);

    await command.run([], {});

    expect(output.text).toContain('Refreshing Fitbit tokens [');
    expect(output.text).toContain('3/3');
    const afterBar = output.text.slice(output.text.lastIndexOf(CLEAR_LINE) + CLEAR_LINE.length);
    expect(afterBar).toMatch(
      new RegExp(`^WARN Failed to refresh the Fitbit token of user ${spent.link.userId}: [^\\n\\x1b]*\\nSuccessfully refreshed 2 tokens\\nFailed to refresh 1 token\\n$`),
    );
  });

  it('says "1 token", not "1 tokens"', async () => {
    const { output, store, command, provider } = await boot(false);
    await seedLink(emulators.fitbit, store, { expired: true });
    const spent = await seedLink(emulators.fitbit, store, { expired: true });
    await killRefreshToken(emulators.fitbit, provider, spent);

    await command.run([], { deauth: true });

    expect(output.lines.filter((line) => !line.startsWith('WARN '))).toEqual(['Successfully refreshed 1 token', 'Failed to refresh 1 token', 'Deauthenticated 1 user']);
  });

  it('names the token endpoint it cannot reach and stops within the start-up timeout, trying no user', async () => {
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const output = new CapturedOutput(false);
    moduleRef = await Test.createTestingModule({
      imports: [
        databaseModule(await createSqliteDataSource()),
        FitbitModule.forRoot({ ...emulatorOptions(emulators.fitbit, { endpoints: { ...emulators.fitbit.urls, tokenUrl: `${unreachable}/oauth2/token` }, startupTimeoutMs: 1_000 }), commands: true }),
        outputModule(output),
      ],
    })
      .setLogger(new CapturedLogger())
      .compile();
    await moduleRef.init();
    const store = moduleRef.get(UserLinkStore);
    await seedLink(emulators.fitbit, store, { expired: true });
    await seedLink(emulators.fitbit, store, { expired: true });

    await moduleRef.get(RefreshTokensCommand).run([], {});

    const port = new URL(unreachable).port;
    expect(output.lines).toEqual([
      `Stopped: the provider at ${unreachable}/oauth2/token did not answer: connect ECONNREFUSED 127.0.0.1:${port}; 2 tokens not tried`,
      'Successfully refreshed 0 tokens',
      'Failed to refresh 2 tokens',
    ]);
    expect(process.exitCode).toBe(1);
  });

  it('stops at the first refresh that gets no answer instead of waiting the same timeout for every user', async () => {
    const output = new CapturedOutput(false);
    moduleRef = await Test.createTestingModule({
      imports: [databaseModule(await createSqliteDataSource()), FitbitModule.forRoot({ ...emulatorOptions(emulators.fitbit, { requestTimeoutMs: 300 }), commands: true }), outputModule(output)],
    })
      .setLogger(new CapturedLogger())
      .compile();
    await moduleRef.init();
    const store = moduleRef.get(UserLinkStore);
    const seeded = [await seedLink(emulators.fitbit, store, { expired: true }), await seedLink(emulators.fitbit, store, { expired: true }), await seedLink(emulators.fitbit, store, { expired: true })];
    const tokenPath = new URL(emulators.fitbit.urls.tokenUrl).pathname;
    // The endpoint answers the command's first look (HEAD) but leaves every refresh unanswered.
    emulators.fitbit.faults.inject({ method: 'POST', path: tokenPath, delayMs: 2_000 });

    await moduleRef.get(RefreshTokensCommand).run([], {});

    expect(output.lines).toEqual([
      `Stopped: the provider did not answer: POST ${emulators.fitbit.urls.tokenUrl}: no answer within 300 ms; 2 tokens not tried`,
      'Successfully refreshed 0 tokens',
      'Failed to refresh 3 tokens',
    ]);
    expect(process.exitCode).toBe(1);
    for (const { link } of seeded) expect((await store.findById(link.id))?.accessToken).toBe(link.accessToken);
  });

  it('writes only the lines when the output is not a terminal', async () => {
    const { output, store, command } = await boot(false);
    await seedLink(emulators.fitbit, store, { expired: true });

    await command.run([], {});

    expect(output.text).toBe('Successfully refreshed 1 token\n');
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
      imports: [databaseModule(await createSqliteDataSource({ database })), fitbitModule(emulators.fitbit)],
    }).compile();
    const seedStore = seeding.get(UserLinkStore);
    const expired = await seedLink(emulators.fitbit, seedStore, { expired: true });
    const fresh = await seedLink(emulators.fitbit, seedStore, { expired: false });
    await seeding.close();

    const output = new CapturedOutput();
    const cliDataSource = await createSqliteDataSource({ database });
    @Module({ imports: [databaseModule(cliDataSource), fitbitModule(emulators.fitbit), outputModule(output)] })
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
      expect(emulators.fitbit.stats.refreshCalls(fitbitUserId)).toBe(1);
      const after = (await store.findById(link.id))!;
      expect(store.accessToken(after)).not.toBe(issued.accessToken);
      expect(await providerFacts(emulators.fitbit).tokenWorks(store.accessToken(after))).toBe(true);
    }
  });
});
