import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { UserLinkStore } from '../auth/user-link.store.js';
import { FitbitConfig } from '../config/fitbit-config.js';
import { TimeSeriesDataStore } from '../data/time-series-data.store.js';
import type { TimeSeriesCategoryName, TimeSeriesTypeKey } from '../data/time-series-data-types.js';
import { FITBIT_PROVIDER } from '../fitbit.constants.js';
import {
  NotificationFormatError,
  type FitbitProvider,
  type IncomingNotificationRequest,
  type ProviderNotification,
} from '../providers/fitbit-provider.interface.js';
import { FitbitJobsProducer, QueueUnavailableError } from './fitbit-jobs.producer.js';
import { NotificationBodyError, RawBodyUnavailableError, readNotificationBody } from './notification-body.reader.js';

type DataNotification = Extract<ProviderNotification, { kind: 'data' }>;

/**
 * The subscriber endpoint's work: check the signature over the raw bytes before anything else,
 * then queue fetches (never fetch or write rows here) and drop revoked links.
 */
@Injectable()
export class NotificationIntake {
  private readonly logger = new Logger('FitbitNotifications');

  constructor(
    private readonly config: FitbitConfig,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    private readonly links: UserLinkStore,
    private readonly store: TimeSeriesDataStore,
    private readonly jobs: FitbitJobsProducer,
  ) {}

  verification(req: Request): number | null {
    return this.provider.answerVerification(this.describe(req, null), this.config.verificationCode)?.status ?? null;
  }

  /** The HTTP status to answer. */
  async receive(req: Request): Promise<number> {
    let body: Buffer;
    try {
      body = await readNotificationBody(req, this.config.rawBodyProperty);
    } catch (error) {
      if (error instanceof RawBodyUnavailableError) {
        this.logger.error(error.message);
        return 500;
      }
      if (error instanceof NotificationBodyError) return 404;
      throw error;
    }
    const request = this.describe(req, body);
    const verification = this.provider.answerVerification(request, this.config.verificationCode);
    if (verification) return verification.status;
    if (!(await this.provider.verifyNotificationSignature(request))) {
      this.logger.warn('Notification refused: bad or missing signature');
      return 404;
    }
    let notifications: ProviderNotification[];
    try {
      notifications = this.provider.parseNotifications(body);
    } catch (error) {
      if (error instanceof NotificationFormatError) return 404;
      throw error;
    }
    try {
      await this.jobs.queueUpdates(notifications.flatMap((notification) => this.updatesOf(notification)));
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      this.logger.error(`Notifications not queued: ${error.message}`);
      return 503;
    }
    await this.applyRevocationsAndDeletions(notifications);
    return 204;
  }

  private updatesOf(notification: ProviderNotification): { providerUserId: string; types: TimeSeriesTypeKey[]; date: string }[] {
    if (notification.kind !== 'data' || notification.deleted) return [];
    const types = this.typesOf(notification);
    return notification.dates.map((date) => ({ providerUserId: notification.providerUserId, types, date }));
  }

  private typesOf(notification: DataNotification): TimeSeriesTypeKey[] {
    const types = this.config.subscribedTypesOf(notification.category as TimeSeriesCategoryName);
    return notification.resources === null ? types : types.filter((type) => notification.resources!.includes(type.resource));
  }

  private async applyRevocationsAndDeletions(notifications: ProviderNotification[]): Promise<void> {
    for (const notification of notifications) {
      if (notification.kind === 'access-revoked') {
        for (const link of await this.links.findByProviderUser(this.provider.name, notification.providerUserId)) {
          await this.links.deleteById(link.id);
        }
      } else if (notification.deleted) {
        for (const link of await this.links.findByProviderUser(this.provider.name, notification.providerUserId)) {
          for (const type of this.typesOf(notification)) await this.store.remove(link.userId, type, notification.dates);
        }
      }
    }
  }

  private describe(req: Request, rawBody: Buffer | null): IncomingNotificationRequest {
    return { method: req.method, headers: req.headers, query: req.query as Record<string, unknown>, rawBody };
  }
}
