// The package.json a consumer gets: the repository's, without what only developing this repository
// needs (scripts, devDependencies, overrides, allowScripts…). A list of the fields to keep, so that
// a new development-only field never leaks into the package by default.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PUBLISHED_FIELDS = [
  'name',
  'version',
  'description',
  'keywords',
  'license',
  'author',
  'repository',
  'homepage',
  'bugs',
  'type',
  'engines',
  'main',
  'types',
  'exports',
  'files',
  'sideEffects',
  'dependencies',
  'peerDependencies',
  'peerDependenciesMeta',
];

export function publishedManifest(manifest) {
  return Object.fromEntries(PUBLISHED_FIELDS.filter((field) => field in manifest).map((field) => [field, manifest[field]]));
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(root, 'package.json');
/** Where the repository's package.json waits while npm packs the published one (git-ignored, not packed). */
const backupPath = join(root, '.package.dev.json');

/** Puts the repository's package.json back if a pack left the published one in its place. */
export function restoreManifest() {
  if (existsSync(backupPath)) renameSync(backupPath, manifestPath);
}

/** Swaps the published package.json in; `restoreManifest` undoes it. */
export function writePublishedManifest() {
  restoreManifest();
  const text = readFileSync(manifestPath, 'utf8');
  writeFileSync(backupPath, text);
  writeFileSync(manifestPath, `${JSON.stringify(publishedManifest(JSON.parse(text)), null, 2)}\n`);
}
