import { BullModule, getQueueToken } from '@nestjs/bull';
import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FitbitModuleExtras } from './config/fitbit-module-options.interface.js';
import { FITBIT_ENTITIES } from './data/fitbit-entities.js';
import { FITBIT_MODULE_EXTRAS, FITBIT_QUEUE } from './fitbit.constants.js';
import { FitbitConfig } from './config/fitbit-config.js';
import { createFitbitQueue } from './subscriptions/fitbit-queue.factory.js';
import { FitbitJobsProducer } from './subscriptions/fitbit-jobs.producer.js';
import { FitbitJobsProcessor } from './subscriptions/fitbit-jobs.processor.js';
import { FitbitUpdateController } from './subscriptions/fitbit-update.controller.js';
import { NotificationIntake } from './subscriptions/notification-intake.service.js';
import { HistoryStartCache } from './subscriptions/history-start.cache.js';
import { TimeSeriesImporter } from './subscriptions/time-series-importer.service.js';
import { TimeSeriesPoller } from './subscriptions/time-series-poller.js';
import { FitbitAuthController } from './auth/fitbit-auth.controller.js';
import { FitbitDataController } from './data/fitbit-data.controller.js';

const CONTROLLERS: Type[] = [FitbitAuthController, FitbitDataController];
const QUEUE_CONTROLLERS: Type[] = [FitbitUpdateController];
const QUEUE_PROVIDERS: Provider[] = [FitbitJobsProducer, NotificationIntake];
const WORKER_PROVIDERS: Provider[] = [HistoryStartCache, TimeSeriesImporter, TimeSeriesPoller, FitbitJobsProcessor];

/**
 * Adds what the module-shaping settings decide: the route prefix, and with `subscribe` the queue
 * (and with `worker` the processors). Without `subscribe` nothing here needs Redis.
 */
export function shapeFitbitModule(definition: DynamicModule, extras: FitbitModuleExtras): DynamicModule {
  const routePrefix = (extras.routePrefix ?? 'fitbit').replace(/^\/+|\/+$/g, '');
  for (const controller of [...CONTROLLERS, ...QUEUE_CONTROLLERS]) Reflect.defineMetadata(PATH_METADATA, routePrefix, controller);
  const subscribe = extras.subscribe === true;
  const worker = subscribe && extras.worker !== false;
  const queue: Provider = { provide: getQueueToken(FITBIT_QUEUE), inject: [FitbitConfig], useFactory: createFitbitQueue };
  return {
    ...definition,
    global: extras.isGlobal === true,
    imports: [
      ...(definition.imports ?? []),
      TypeOrmModule.forFeature(FITBIT_ENTITIES),
      ...(subscribe ? [BullModule.registerQueue()] : []),
    ],
    controllers: subscribe ? [...CONTROLLERS, ...QUEUE_CONTROLLERS] : CONTROLLERS,
    providers: [
      ...(definition.providers ?? []),
      { provide: FITBIT_MODULE_EXTRAS, useValue: { ...extras, subscribe, worker, routePrefix } },
      ...(subscribe ? [queue, ...QUEUE_PROVIDERS] : []),
      ...(worker ? WORKER_PROVIDERS : []),
    ],
  };
}
