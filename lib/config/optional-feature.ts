import type { DynamicModule } from '@nestjs/common';
import { FitbitConfigurationError } from './fitbit-configuration.error.js';

/** A feature that needs packages the module lists as optional peers. */
export interface OptionalFeature {
  /** The option that turns it on. */
  option: string;
  /** The optional packages it needs, as `npm install` takes them. */
  packages: readonly string[];
}

const MISSING = /Cannot find (?:package|module) '([^']+)'/;

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The start-up error for a feature whose package is not installed; other errors pass through unchanged. */
export function missingPackageError(feature: OptionalFeature, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return error;
  const named = MISSING.exec((error as Error).message)?.[1];
  const missing = named === undefined ? undefined : feature.packages.find((name) => name === packageOf(named));
  if (missing === undefined) return error;
  return new FitbitConfigurationError(
    feature.option,
    `needs the package "${missing}", which is not installed: npm install ${feature.packages.join(' ')}`,
    { cause: error },
  );
}

/**
 * Loads the part of the module a feature needs only when the feature is on. Nest takes a promise of
 * a module in `imports` and awaits it while scanning, so a missing package stops start-up with a
 * message that names it and the option.
 */
export function loadOptionalFeature(feature: OptionalFeature, load: () => Promise<DynamicModule>): Promise<DynamicModule> {
  const loaded = load().catch((error: unknown) => {
    throw missingPackageError(feature, error);
  });
  // Nest awaits it later, while scanning; until then this keeps Node from reporting the rejection as unhandled.
  loaded.catch(() => undefined);
  return loaded;
}
