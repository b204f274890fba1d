/** `npm run cli -- refresh-tokens [--all] [--deauth]`: the module's commands (nest-commander). */
import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { SampleAppModule } from './app.module.js';
import { exitWithStartupError, loadSettingsOrExit } from './config/load-settings.js';
import { sampleLogger } from './config/sample-logger.js';
import { useRunningDemoFitbit } from './demo/demo-fitbit.js';

const settings = loadSettingsOrExit();
try {
  if (settings.demo) useRunningDemoFitbit(settings);
  await CommandFactory.run(SampleAppModule.forRole(settings, 'cli'), { logger: sampleLogger(['error', 'warn']), abortOnError: false });
} catch (error) {
  exitWithStartupError(error);
}
