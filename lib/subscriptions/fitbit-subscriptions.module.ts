import { BullModule, getQueueToken } from '@nestjs/bull';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { LINK_JOBS } from '../auth/link-jobs.js';
import { FitbitConfig } from '../config/fitbit-config.js';
import type { FitbitModuleShape } from '../config/fitbit-module-options.interface.js';
import { FITBIT_QUEUE } from '../fitbit.constants.js';
import { routedController } from '../routed-controller.js';
import { createFitbitQueue } from './fitbit-queue.factory.js';
import { FitbitJobsProcessor } from './fitbit-jobs.processor.js';
import { FitbitJobsProducer } from './fitbit-jobs.producer.js';
import { FitbitUpdateController } from './fitbit-update.controller.js';
import { BullQueueHealth } from './bull-queue-health.js';
import { HistoryStartCache } from './history-start.cache.js';
import { ImportProgress } from './import-progress.js';
import { NotificationIntake } from './notification-intake.service.js';
import { RedisConnectionLog } from './redis-connection.log.js';
import { RedisStartupCheck } from './redis-startup.check.js';
import { TimeSeriesImporter } from './time-series-importer.service.js';
import { TimeSeriesPoller } from './time-series-poller.js';

const WORKER_PROVIDERS: Provider[] = [HistoryStartCache, TimeSeriesImporter, TimeSeriesPoller, FitbitJobsProcessor];

/**
 * What `subscribe` adds: the queue (checked at start-up, its outages logged, its health and the
 * history import's record lent to the core services), the notification endpoint, and with
 * `worker` the processors.
 * This file is the only way into `@nestjs/bull` and `bull`; FitbitModule imports it only when
 * `subscribe` is on, so an app without subscriptions runs without those packages.
 */
@Module({})
export class FitbitSubscriptionsModule {
  static register(core: DynamicModule, shape: FitbitModuleShape): DynamicModule {
    return {
      module: FitbitSubscriptionsModule,
      imports: [core, BullModule.registerQueue()],
      controllers: [routedController(FitbitUpdateController, shape.routePrefix)],
      providers: [
        { provide: getQueueToken(FITBIT_QUEUE), inject: [FitbitConfig], useFactory: createFitbitQueue },
        RedisStartupCheck,
        RedisConnectionLog,
        BullQueueHealth,
        ImportProgress,
        FitbitJobsProducer,
        NotificationIntake,
        { provide: LINK_JOBS, useExisting: FitbitJobsProducer },
        ...(shape.worker ? WORKER_PROVIDERS : []),
      ],
      exports: [LINK_JOBS],
    };
  }
}
