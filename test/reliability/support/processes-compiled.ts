/**
 * App and worker processes that run compiled JavaScript, as deployed ones do. The harness's
 * `startAppProcess` compiles TypeScript at run time (@swc-node/register): about 4 s of CPU per
 * process on a 2-core CI box (four processes: 15 s), and about 270 MiB for an idle worker, which
 * would make the scale bench's memory figure say nothing about the module. Here lib/ and the
 * harness's own process entry (test/support/app-process.entry.ts) are compiled with @swc/core, with
 * the tsconfig's decorator settings (about 0.1 s), into a temporary directory that borrows the
 * project's node_modules; processes start from there with the same setup (FITBIT_TEST_PROCESS) and
 * READY protocol as `startAppProcess`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformFileSync } from '@swc/core';
import { asAppProcess, type AppProcess } from '../../support/app-processes.js';
import { waitUntilReady } from '../../support/ready-process.js';
import type { ClusterSetup } from './cluster.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = 'test/support/app-process.entry.ts';
/** Preloaded into the child: its Redis commands reach the parent's leak watch. */
const CHILD_LEAK_WATCH = 'test/support/leak-watch.child.ts';
const HARNESS = [ENTRY, 'test/support/test-sign-in.ts', 'test/support/leak-watch.ts', CHILD_LEAK_WATCH];

function typescriptFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

export interface CompiledBuild {
  dir: string;
  remove(): void;
}

/** Compiles lib/ and the process entry to ES modules in a temporary directory; `remove` deletes it. */
export function compileProcessBuild(): CompiledBuild {
  const dir = mkdtempSync(join(tmpdir(), 'fitbit-compiled-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const file of [...typescriptFiles('lib'), ...HARNESS]) {
    const { code } = transformFileSync(join(ROOT, file), {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2022',
      },
      module: { type: 'es6' },
      sourceMaps: false,
      swcrc: false,
    });
    const out = join(dir, relative(ROOT, join(ROOT, file)).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An app process (or a worker with `http: false`) from the compiled build; resolves once it is ready. */
export async function startCompiledProcess(build: CompiledBuild, setup: ClusterSetup & { http?: boolean }): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(build.dir, CHILD_LEAK_WATCH.replace(/\.ts$/, '.js'))).href, join(build.dir, ENTRY.replace(/\.ts$/, '.js'))], {
    env: { ...process.env, FITBIT_TEST_PROCESS: JSON.stringify(setup) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return asAppProcess(child, await waitUntilReady(child, /READY (\S+)/, 'compiled app process'));
}
