/** `npm run worker`: only the Fitbit job processors (subscribe, unsubscribe, data imports); no HTTP. */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SampleAppModule } from './app.module.js';
import { EnvironmentError } from './config/environment.js';
import { exitWithStartupError, loadSettingsOrExit } from './config/load-settings.js';
import { sampleLogger } from './config/sample-logger.js';
import { useRunningDemoFitbit } from './demo/demo-fitbit.js';

const settings = loadSettingsOrExit();
try {
  if (!settings.subscribe) {
    throw new EnvironmentError('REDIS_URL', 'is not set, so subscriptions are off and there are no jobs for a worker to run');
  }
  if (settings.demo) useRunningDemoFitbit(settings);
  const app = await NestFactory.createApplicationContext(SampleAppModule.forRole(settings, 'worker'), {
    abortOnError: false,
    // Quiet until it runs: a failed start-up prints its one line, not Nest's start-up log before it.
    logger: sampleLogger(['error', 'warn']),
  });
  app.enableShutdownHooks();
  await app.init();
  app.useLogger(sampleLogger(['error', 'warn', 'log']));
  new Logger('SampleWorker').log('Processing Fitbit jobs from REDIS_URL; stop with Ctrl+C');
} catch (error) {
  exitWithStartupError(error);
}
