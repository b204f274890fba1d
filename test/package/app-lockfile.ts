/**
 * A package-lock.json for the generated app, cut out of the repository's: every package the app
 * (and the packed nestjs-fitbit) needs, at the version and integrity the repository installed and
 * tested. npm then installs from its cache without asking the registry, and the resolution it
 * still does itself is the one that matters here: placing nestjs-fitbit from its tarball, against
 * the app's packages, peers included.
 */
interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

export interface Lockfile {
  name?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

export interface AppManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Where Node would find `name` when required from the package at `from` (a lock path, '' for the root). */
function locate(packages: Lockfile['packages'], from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return null;
    const index = base.lastIndexOf('/node_modules/');
    base = index === -1 ? '' : base.slice(0, index);
  }
}

function requiredNames(entry: LockEntry): string[] {
  const peers = Object.keys(entry.peerDependencies ?? {}).filter((name) => !entry.peerDependenciesMeta?.[name]?.optional);
  return [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers];
}

/**
 * @param local packages the app gets from files (nestjs-fitbit's tarball): their manifests, so their
 *   dependencies are taken along, while they themselves are left for npm to place.
 */
export function appLockfile(repository: Lockfile, app: AppManifest, local: Record<string, LockEntry>): Lockfile {
  const packages: Lockfile['packages'] = {};
  const visit = (from: string, names: string[]) => {
    for (const name of names) {
      const path = locate(repository.packages, from, name);
      if (path === null || packages[path]) continue;
      const { dev, devOptional, peer, ...entry } = repository.packages[path]!;
      packages[path] = entry;
      visit(path, requiredNames(entry));
    }
  };
  const direct = { ...app.dependencies, ...app.devDependencies };
  visit(
    '',
    Object.keys(direct).filter((name) => !(name in local)),
  );
  for (const manifest of Object.values(local)) visit('', requiredNames(manifest));
  return {
    name: app.name,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: app.name, version: app.version, dependencies: app.dependencies, devDependencies: app.devDependencies },
      ...Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
