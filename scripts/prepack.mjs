#!/usr/bin/env node
// npm runs this before `npm pack` and `npm publish`: build dist/, then put the published package.json
// in place for the tarball. npm reads the files when it writes the tarball, after this script;
// postpack.mjs puts the repository's package.json back (so does the next prepack, should a pack
// have been interrupted in between).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { restoreManifest, writePublishedManifest } from './publish-manifest.mjs';

restoreManifest();
execFileSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'build.mjs')], { stdio: 'inherit' });
writePublishedManifest();
