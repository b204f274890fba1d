import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PendingRevocationStore } from '../auth/pending-revocation.store.js';
import { UserLinkStore } from '../auth/user-link.store.js';
import { FitbitConfig } from '../config/fitbit-config.js';
import { localDatesOfSpan } from '../data/calendar.js';
import type { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import type { TimeSeriesCategoryName } from '../data/time-series-data-types.js';
import { FITBIT_PROVIDER } from '../fitbit.constants.js';
import {
  MAX_DAYS_PER_NOTIFICATION,
  NotificationFormatError,
  type FitbitProvider,
  type IncomingNotificationRequest,
  type ProviderNotification,
} from '../providers/fitbit-provider.interface.js';
import type { NotificationsJobData } from './fitbit-job.types.js';
import { FitbitJobsProducer } from './fitbit-jobs.producer.js';
import { QueueUnavailableError } from './queue-unavailable.error.js';
import { NotificationBodyError, RawBodyUnavailableError, readNotificationBody } from './notification-body.reader.js';
import { ProviderError } from '../providers/provider-errors.js';
import { RedactingLogger } from '../logging/redacting-logger.js';

/**
 * The subscriber endpoint's work: check the signature over the raw bytes before anything else,
 * then queue one batch job (never fetch or write rows here) and drop revoked links.
 */
@Injectable()
export class NotificationIntake {
  private readonly logger = new RedactingLogger('FitbitNotifications');

  constructor(
    private readonly config: FitbitConfig,
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    private readonly links: UserLinkStore,
    private readonly pending: PendingRevocationStore,
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
    let signed: boolean;
    try {
      signed = await this.provider.verifyNotificationSignature(request);
    } catch (error) {
      // The provider's keys could not be read: ask it to deliver again later rather than drop the notice.
      if (!(error instanceof ProviderError)) throw error;
      this.logger.error(`Notification signature not checked: ${error.message}`);
      return 503;
    }
    if (!signed) {
      this.logger.warn('Notification refused: bad or missing signature');
      return 404;
    }
    let notifications: ProviderNotification[];
    try {
      notifications = await this.withLocalDates(this.provider.parseNotifications(body));
    } catch (error) {
      if (error instanceof NotificationFormatError) return 404;
      throw error;
    }
    // The withdrawals of revoked links are recorded first, so their jobs travel in the same round trip as the fetches.
    const revoked = await this.revokedLinks(notifications);
    const withdrawals = [];
    for (const link of revoked) withdrawals.push(await this.pending.record(link, { unsubscribe: true, revoke: false }));
    try {
      await this.jobs.queueNotifications(
        notifications.flatMap((notification) => this.updatesOf(notification)),
        withdrawals.map((row) => row.id),
      );
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      this.logger.error(`Notifications not queued: ${error.message}`);
      // Nothing changed: the provider delivers again, and the links are still there to withdraw then.
      for (const row of withdrawals) await this.pending.delete(row.id);
      return 503;
    }
    for (const link of revoked) await this.links.deleteById(link.id);
    return 204;
  }

  /** Notices that name instants get the local dates those touch in the user's zone (as the link stores it). */
  private async withLocalDates(notifications: ProviderNotification[]): Promise<ProviderNotification[]> {
    const zones = new Map<string, string | null>();
    const resolved: ProviderNotification[] = [];
    for (const notification of notifications) {
      if (notification.kind !== 'data' || !notification.spans?.length) {
        resolved.push(notification);
        continue;
      }
      const owner = notification.providerUserId;
      if (!zones.has(owner)) zones.set(owner, (await this.links.findByProviderUser(this.provider.name, owner))[0]?.timeZone ?? null);
      const dates = new Set(notification.dates);
      for (const span of notification.spans) for (const date of localDatesOfSpan(zones.get(owner), span, MAX_DAYS_PER_NOTIFICATION)) dates.add(date);
      resolved.push({ ...notification, dates: [...dates].sort() });
    }
    return resolved;
  }

  /** The links of users who revoked access or were deleted: removed here, unsubscribed by a job. */
  private async revokedLinks(notifications: ProviderNotification[]): Promise<UserFitbit[]> {
    const owners = new Set(notifications.filter((notification) => notification.kind === 'access-revoked').map((notification) => notification.providerUserId));
    const links: UserFitbit[] = [];
    for (const owner of owners) links.push(...(await this.links.findByProviderUser(this.provider.name, owner)));
    return links;
  }

  private updatesOf(notification: ProviderNotification): NotificationsJobData['updates'] {
    if (notification.kind !== 'data') return [];
    const category = notification.category as TimeSeriesCategoryName;
    // Categories with nothing subscribed queue nothing (django: no matching subscription).
    if (this.jobs.typesOf(category, notification.resources).length === 0) return [];
    const deleted = notification.deleted ? { deleted: true as const } : {};
    return notification.dates.map((date) => ({ providerUserId: notification.providerUserId, category, resources: notification.resources, date, ...deleted }));
  }

  private describe(req: Request, rawBody: Buffer | null): IncomingNotificationRequest {
    return { method: req.method, headers: req.headers, query: req.query as Record<string, unknown>, rawBody };
  }
}
