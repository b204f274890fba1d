/** `npm run worker`: only the Fitbit job processors (subscribe, unsubscribe, data imports); no HTTP. */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SampleAppModule } from './app.module.js';
import { EnvironmentError } from './config/environment.js';
import { exitWithStartupError, loadSettingsOrExit } from './config/load-settings.js';
import { useRunningDemoFitbit } from './demo/demo-fitbit.js';

const settings = loadSettingsOrExit();
try {
  if (!settings.subscribe) {
    throw new EnvironmentError('REDIS_URL', 'is not set, so subscriptions are off and there are no jobs for a worker to run');
  }
  if (settings.demo) useRunningDemoFitbit(settings);
  const app = await NestFactory.createApplicationContext(SampleAppModule.forRole(settings, 'worker'), {
    abortOnError: false,
    logger: ['error', 'warn', 'log'],
  });
  app.enableShutdownHooks();
  await app.init();
  new Logger('SampleWorker').log('Processing Fitbit jobs from REDIS_URL; stop with Ctrl+C');
} catch (error) {
  exitWithStartupError(error);
}
