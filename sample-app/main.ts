/** `npm start`: the web app (and, with REDIS_URL, the job worker in the same process). */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { FitbitEmulator } from '../lib/testing/index.js';
import { SampleAppModule } from './app.module.js';
import { exitWithStartupError, loadSettingsOrExit } from './config/load-settings.js';
import { demoEmulatorName, startDemoFitbit } from './demo/demo-fitbit.js';
import { sampleLogger } from './config/sample-logger.js';
import { SampleUsers } from './users/sample-users.service.js';
import { configureWebApp } from './web/configure-web.js';
import { ensurePortFree, portInUse } from './web/port-check.js';

const settings = loadSettingsOrExit();
let emulator: FitbitEmulator | null = null;
let app: NestExpressApplication;
try {
  await ensurePortFree(settings.port);
  if (settings.demo) emulator = await startDemoFitbit(settings);
  app = await NestFactory.create<NestExpressApplication>(SampleAppModule.forRole(settings, 'web'), {
    rawBody: true,
    abortOnError: false,
    logger: sampleLogger(['error', 'warn']),
  });
  configureWebApp(app, settings);
  app.enableShutdownHooks();
  await app.get(SampleUsers).seed(settings.sampleUsers);
  await app.listen(settings.port).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE' ? portInUse(settings.port) : error;
  });
} catch (error) {
  await emulator?.stop();
  exitWithStartupError(error);
}

const { port } = app.getHttpServer().address() as AddressInfo;
const lines = [``, `Open http://localhost:${port}`];
const google = settings.fitbit.provider !== 'fitbit';
const upstream = google ? 'Google Health' : 'Fitbit';
if (emulator) {
  lines.push(
    `Demo mode: no FITBIT_CLIENT_ID is set, so the ${demoEmulatorName(settings)} at ${emulator.baseUrl} stands in for ${upstream}`,
    `(its consent page lets you pick a demo account). Set FITBIT_CLIENT_ID and FITBIT_CLIENT_SECRET to use ${upstream}` +
      (google ? '; FITBIT_PROVIDER=fitbit demonstrates the legacy Fitbit Web API instead.' : '.'),
  );
}
lines.push(
  settings.defaultSampleUsers
    ? `Sign in as ${settings.sampleUsers[0]!.username} / ${settings.sampleUsers[0]!.password}.`
    : `Sign in as one of the SAMPLE_USERS: ${settings.sampleUsers.map((user) => user.username).join(', ')}.`,
);
lines.push(
  settings.subscribe
    ? 'Subscriptions are on (REDIS_URL): data is imported by the worker in this process and served from the database.'
    : `Subscriptions are off: the dashboard asks ${upstream} for every chart. Set REDIS_URL to turn them on.`,
  ``,
);
console.log(lines.join('\n'));
