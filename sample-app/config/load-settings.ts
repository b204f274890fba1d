import { FitbitConfigurationError } from '../../lib/index.js';
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

export function exitWithStartupError(error: unknown): never {
  if (error instanceof EnvironmentError || error instanceof FitbitConfigurationError) {
    console.error(`\nThe sample app cannot start. ${describeStartupError(error)}\nSee "The sample app" in README.md for the environment variables.\n`);
  } else {
    console.error('\nThe sample app cannot start:', error);
  }
  process.exit(1);
}
