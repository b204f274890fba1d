#!/usr/bin/env node
// Builds the package into dist/: the compiled lib/ (ES modules, declarations, source maps with the
// sources inlined, so stack traces and debuggers show the TypeScript without shipping lib/) and
// every non-TypeScript file under lib/ (JSON fixtures, templates…) at the same relative path.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
cpSync(join(root, 'lib'), dist, {
  recursive: true,
  filter: (source) => !/\.(?:c|m)?ts$/.test(source) || source.endsWith('.d.ts'),
});
