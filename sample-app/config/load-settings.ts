import { FitbitConfigurationError, FitbitStartupError } from '../../lib/index.js';
import { resolveFitbitConfig } from '../../lib/config/resolve-fitbit-config.js';
import { describeStartupError, EnvironmentError, parseEnvironment, type SampleSettings } from './environment.js';

/**
 * parseEnvironment(), with the FitbitModule options checked the way the module will check them,
 * or exit with one message naming the bad variable.
 */
export function loadSettingsOrExit(): SampleSettings {
  try {
    const settings = parseEnvironment(process.env);
    resolveFitbitConfig(settings.fitbit, { subscribe: settings.subscribe, routePrefix: settings.routePrefix });
    return settings;
  } catch (error) {
    return exitWithStartupError(error);
  }
}

/** Every start-up failure ends the same way: one line saying why, naming the variable when one is at fault. */
export function exitWithStartupError(error: unknown): never {
  const named = error instanceof EnvironmentError || error instanceof FitbitConfigurationError || error instanceof FitbitStartupError;
  const hint = named ? '\nSee "The sample app" in README.md for the environment variables.' : '';
  console.error(`\nThe sample app cannot start. ${describeStartupError(error)}${hint}\n`);
  process.exit(1);
}
