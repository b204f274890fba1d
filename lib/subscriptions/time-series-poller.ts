import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { grantCovers } from '../auth/granted-scopes.js';
import { UserLinkStore } from '../auth/user-link.store.js';
import { FitbitConfig } from '../config/fitbit-config.js';
import { addDays, todayIn } from '../data/calendar.js';
import { timeSeriesPath } from '../data/time-series-data-types.js';
import { FITBIT_PROVIDER, FITBIT_QUEUE } from '../fitbit.constants.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';
import { FitbitJobsProducer } from './fitbit-jobs.producer.js';
import { POLL_JOB } from './fitbit-job.types.js';

/**
 * Keeps the types without change notifications fresh: a repeating job (one schedule per queue,
 * whatever the number of workers) queues fetches of yesterday and today for every linked user.
 */
@Injectable()
export class TimeSeriesPoller implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(FITBIT_QUEUE) private readonly queue: Queue,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    private readonly config: FitbitConfig,
    private readonly links: UserLinkStore,
    private readonly jobs: FitbitJobsProducer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.polledTypes().length === 0) return;
    const every = this.config.googleHealth.pollIntervalMinutes * 60_000;
    await this.queue.add(POLL_JOB, {}, { repeat: { every }, jobId: POLL_JOB, removeOnComplete: true, removeOnFail: 100 });
  }

  /** Queues the fetches; returns how many users were polled. */
  async poll(): Promise<number> {
    const types = this.polledTypes();
    const links = (await this.links.findAll()).filter((link) => link.provider === this.provider.name);
    for (const link of links) {
      const granted = types.filter((type) => grantCovers(link, this.provider, type));
      const today = todayIn(link.timeZone);
      await this.jobs.queueUpdates([addDays(today, -1), today].map((date) => ({ providerUserId: link.providerUserId, types: granted, date })));
    }
    return links.length;
  }

  /** The subscribed types the provider sends no notifications for. */
  private polledTypes() {
    const paths = new Set(this.provider.typesWithoutNotifications().map(timeSeriesPath));
    return this.config.subscribedTypes.filter((type) => paths.has(timeSeriesPath(type)));
  }
}
