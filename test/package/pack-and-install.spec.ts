import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntilReady } from '../support/ready-process.js';
import { createPostgresDatabase } from '../support/databases.js';
import { appLockfile, type AppManifest, type Lockfile } from './app-lockfile.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = join(ROOT, 'test', 'package', 'nest-app');
/** What `npm pack` needs of the repository: the sources, the build and pack scripts, what is shipped. */
const PACKED_FROM = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'CHANGELOG.md', 'lib', 'scripts'];
const OPTIONAL_PEERS = ['@nestjs/bull', '@nestjs/terminus', 'bull', 'nest-commander'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a child npm or node: without what `npm test` put there for this run. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_') && name !== 'VITEST' && !name.startsWith('VITEST_')));
  return { ...env, NODE_ENV: 'test', NO_COLOR: '1', ...extra };
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: childEnv(env), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const describeRun = (result: Run) => `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;

async function filesUnder(directory: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? filesUnder(join(directory, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`])),
  );
  return nested.flat();
}

let work: string;
let appDir: string;
let database: { url: string; drop: () => Promise<void> } | undefined;
let databaseUrl: string;
let repoManifest: Record<string, unknown>;
const steps: Record<'pack' | 'install' | 'build' | 'typecheck', Run> = {} as never;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fitbit-package-'));
  repoManifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));

  // Packed from a copy: prepack swaps package.json while npm packs, and the other test files read the real one.
  const repo = join(work, 'repository');
  await mkdir(repo);
  for (const entry of PACKED_FROM) await cp(join(ROOT, entry), join(repo, entry), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
  steps.pack = await run('npm', ['pack', '--json', '--pack-destination', work], repo);
  if (steps.pack.code !== 0) return;
  const [{ filename }] = JSON.parse(steps.pack.stdout) as [{ filename: string }];
  expect(JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'))).toEqual(repoManifest);

  // The app as `nest new` makes it, with the tarball where its package.json points, and a lock file
  // cut out of the repository's, so npm installs from its cache.
  appDir = join(work, 'app');
  await cp(FIXTURE, appDir, { recursive: true });
  await rename(join(work, filename), join(appDir, 'nestjs-fitbit.tgz'));
  const extracted = join(work, 'extracted');
  await mkdir(extracted);
  await run('tar', ['xzf', join(appDir, 'nestjs-fitbit.tgz'), '-C', extracted], work);
  const packedManifest = JSON.parse(await readFile(join(extracted, 'package', 'package.json'), 'utf8'));
  const appManifest = JSON.parse(await readFile(join(appDir, 'package.json'), 'utf8')) as AppManifest;
  const repoLock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  await writeFile(join(appDir, 'package-lock.json'), JSON.stringify(appLockfile(repoLock, appManifest, { 'nestjs-fitbit': packedManifest }), null, 2));
  steps.install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], appDir);
  if (steps.install.code !== 0) return;

  const tsc = join(appDir, 'node_modules', 'typescript', 'bin', 'tsc');
  [steps.build, steps.typecheck] = await Promise.all([
    run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], appDir),
    run(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit', '--incremental', 'false'], appDir),
  ]);

  database = await createPostgresDatabase('fitbit_package');
  databaseUrl = database.url;
}, 300_000);

afterAll(async () => {
  await database?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the package, installed into a new Nest app', () => {
  it('packs the build: every entry point with its types, source maps that carry their sources, no lib/', async () => {
    expect(steps.pack.code, describeRun(steps.pack)).toBe(0);
    const installed = join(appDir, 'node_modules', 'nestjs-fitbit');
    const files = await filesUnder(installed);
    expect(files).toContain('README.md');
    expect(files.filter((file) => file.startsWith('lib/') || file.endsWith('.spec.ts'))).toEqual([]);
    const exports = repoManifest.exports as Record<string, string | { types: string; default: string }>;
    for (const [subpath, target] of Object.entries(exports)) {
      for (const file of typeof target === 'string' ? [target] : [target.types, target.default]) {
        expect(files, `${subpath} → ${file}`).toContain(file.replace(/^\.\//, ''));
      }
    }
    // Files under lib/ that are not TypeScript (fixtures the emulator reads at run time…) sit beside the compiled code.
    const assets = (await filesUnder(join(ROOT, 'lib'))).filter((file) => !file.endsWith('.ts'));
    for (const asset of assets) expect(files).toContain(`dist/${asset}`);
    const maps = files.filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBe(files.filter((file) => file.endsWith('.js')).length);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(await readFile(join(installed, map), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
      expect(sourcesContent?.length, map).toBe(sources.length);
      expect(sourcesContent!.every((content) => content.length > 0), map).toBe(true);
    }
  });

  it('ships a package.json without development fields, with repository, types and optional peers', async () => {
    const packed = JSON.parse(await readFile(join(appDir, 'node_modules', 'nestjs-fitbit', 'package.json'), 'utf8'));
    for (const field of ['scripts', 'devDependencies', 'overrides', 'allowScripts']) expect(packed).not.toHaveProperty(field);
    expect(packed).toMatchObject({
      name: repoManifest.name,
      version: repoManifest.version,
      type: 'module',
      repository: repoManifest.repository,
      types: './dist/index.d.ts',
      exports: repoManifest.exports,
      dependencies: repoManifest.dependencies,
      peerDependencies: repoManifest.peerDependencies,
    });
    expect(Object.keys(packed.peerDependenciesMeta).sort()).toEqual(OPTIONAL_PEERS);
  });

  it('installs with no peer dependency warnings, and without the optional peers', async () => {
    expect(steps.install.code, describeRun(steps.install)).toBe(0);
    expect(steps.install.stderr).not.toMatch(/ERESOLVE|peer dep|unmet peer/i);
    for (const name of OPTIONAL_PEERS) await expect(stat(join(appDir, 'node_modules', name))).rejects.toThrow();
    const tree = await run('npm', ['ls', '--all', '--offline'], appDir);
    expect(tree.code, describeRun(tree)).toBe(0);
    expect(tree.stdout + tree.stderr).not.toMatch(/invalid|UNMET (?!OPTIONAL)|missing:/i);
    for (const name of OPTIONAL_PEERS) expect(tree.stdout).toContain(`UNMET OPTIONAL DEPENDENCY ${name}@`);
  });

  it('compiles with tsc: the app for production, and with its tests', () => {
    expect(steps.build.code, describeRun(steps.build)).toBe(0);
    expect(steps.typecheck.code, describeRun(steps.typecheck)).toBe(0);
  });

  it("passes the app's unit test of its decorated controller, on FitbitTestingModule", async () => {
    const result = await run(process.execPath, [join(appDir, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], appDir);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/Tests\s+1 passed/);
  });

  it('connects through login → consent → complete and serves get_data against the emulator, in both modes', async () => {
    const result = await run(process.execPath, [join(appDir, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', './vitest.config.e2e.ts'], appDir, {
      DATABASE_URL: databaseUrl,
    });
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/Tests\s+2 passed/);
  });

  it('runs compiled, without Redis or any optional peer, and serves its pages and the module routes', async () => {
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: appDir,
      env: childEnv({ PORT: '0', DATABASE_URL: databaseUrl, FITBIT_CLIENT_ID: 'client', FITBIT_CLIENT_SECRET: 'secret' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = await waitUntilReady(child, /Listening on (http:\/\/\S+)/, 'the compiled app');
    try {
      const base = app.ready.replace('[::1]', '127.0.0.1');
      expect(await (await fetch(`${base}/`)).text()).toBe('Hello World!');
      const login = await fetch(`${base}/fitbit/login/`, { redirect: 'manual' });
      expect(login.status).toBe(302);
      expect(login.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/fitbit/login/')}`);
    } finally {
      await app.kill('SIGTERM');
    }
  });

  it('stops start-up with a message naming the missing package when subscribe or commands is on', async () => {
    const script = (extras: string) => `
      import 'reflect-metadata';
      import { Test } from '@nestjs/testing';
      import { TypeOrmModule } from '@nestjs/typeorm';
      import { FitbitModule } from 'nestjs-fitbit';
      const database = TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL, autoLoadEntities: true });
      const options = { clientId: 'client', clientSecret: 'secret', subscriberId: '1', queue: {}, googleHealth: { webhookAuthorization: 'Bearer x' } };
      try {
        await Test.createTestingModule({ imports: [database, FitbitModule.forRoot({ ...options, ${extras} })] }).compile();
        console.log('started');
      } catch (error) {
        console.log(error.message);
      }`;
    const subscribe = await run(process.execPath, ['--input-type=module', '-e', script('subscribe: true')], appDir, { DATABASE_URL: databaseUrl });
    expect(subscribe.stdout.trim(), describeRun(subscribe)).toBe(
      'FitbitModule option "subscribe": needs the package "@nestjs/bull", which is not installed: npm install @nestjs/bull bull',
    );
    const commands = await run(process.execPath, ['--input-type=module', '-e', script('commands: true')], appDir, { DATABASE_URL: databaseUrl });
    expect(commands.stdout.trim(), describeRun(commands)).toBe(
      'FitbitModule option "commands": needs the package "nest-commander", which is not installed: npm install nest-commander',
    );
  });
});
