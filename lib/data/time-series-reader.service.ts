import { Inject, Injectable } from '@nestjs/common';
import { AuthorizedCalls } from '../auth/authorized-calls.js';
import { grantCovers } from '../auth/granted-scopes.js';
import { UserLinkStore } from '../auth/user-link.store.js';
import type { UserFitbit } from './entities/user-fitbit.entity.js';
import { FITBIT_PROVIDER } from '../fitbit.constants.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';
import { addDays, daysBetween, todayIn } from './calendar.js';
import { ACCOUNT_NOT_LINKED_MESSAGE, DataReason, DataStatus, dataResponse, serializedDataResponse, type DataResponse } from './data-response.js';
import { SubscriptionParts } from '../subscription-parts.js';
import { ProviderBadRequestError } from '../providers/provider-errors.js';
import { periodStart, type Period } from './periods.js';
import { dataStatusOf, isMissingAltimeter } from './provider-error-status.js';
import { timeSeriesPath, type TimeSeriesTypeKey } from './time-series-data-types.js';
import { TimeSeriesDataStore } from './time-series-data.store.js';
import type { TimeSeriesQuery } from './time-series-query.js';
import { RedactingLogger } from '../logging/redacting-logger.js';

/** Answers a validated data query live from the provider, or from the stored rows. */
@Injectable()
export class TimeSeriesReader {
  private readonly logger = new RedactingLogger('FitbitData');

  constructor(
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    private readonly links: UserLinkStore,
    private readonly calls: AuthorizedCalls,
    private readonly store: TimeSeriesDataStore,
    // With `subscribe`, the import's record tells "still importing" from "no data".
    private readonly parts: SubscriptionParts,
  ) {}

  async live(link: UserFitbit, type: TimeSeriesTypeKey, query: TimeSeriesQuery): Promise<DataResponse> {
    if (!this.provider.supportsType(type)) return dataResponse(DataStatus.ok, [], { reason: DataReason.unsupported });
    if (!grantCovers(link, this.provider, type)) return dataResponse(DataStatus.ok, [], { reason: DataReason.notGranted });
    const dailyQuery =
      query.kind === 'period'
        ? { period: query.period, baseDate: liveBaseDate(query.period, query.baseDate, link.timeZone) }
        : { start: query.start, end: query.end };
    try {
      const values = await this.calls.run(link, (token) => this.provider.fetchDailyValues(token, type, dailyQuery));
      return dataResponse(DataStatus.ok, values);
    } catch (error) {
      if (isMissingAltimeter(error, type.resource)) return dataResponse(DataStatus.ok);
      if (error instanceof ProviderBadRequestError && error.reason === 'ACCOUNT_NOT_LINKED') {
        return dataResponse(DataStatus.notIntegrated, [], { message: ACCOUNT_NOT_LINKED_MESSAGE });
      }
      const status = dataStatusOf(error);
      if (status === null) throw error;
      if (status === DataStatus.unauthorized) await this.links.deleteById(link.id);
      this.logger.warn(`get_data ${type.category}/${type.resource} for user ${link.userId}: ${(error as Error).message}`);
      return dataResponse(status);
    }
  }

  /**
   * The rows Fitbit would return for the same query, as the JSON text of the whole answer: periods
   * end on the base date, "today" is the user's (their link's time zone; UTC once the link is
   * gone, as the zone went with it). The text is `JSON.stringify` of the equivalent DataResponse.
   */
  async stored(userId: string, type: TimeSeriesTypeKey, query: TimeSeriesQuery): Promise<string> {
    let start: string | null;
    let end: string;
    if (query.kind === 'range') {
      ({ start, end } = query);
    } else {
      end = query.baseDate ?? todayIn(await this.store.timeZoneOf(userId));
      start = query.period === 'max' ? null : periodStart(query.period, end);
    }
    const { count, json } = await this.store.readJson(userId, type, start, end);
    return serializedDataResponse(DataStatus.ok, count, json, count === 0 ? await this.whyEmpty(userId, type) : undefined);
  }

  /** Only for an empty answer (rare, so its extra reads cost the hot path nothing): why nothing is stored. */
  private async whyEmpty(userId: string, type: TimeSeriesTypeKey): Promise<DataReason | undefined> {
    if (!this.provider.supportsType(type)) return DataReason.unsupported;
    const link = await this.links.findByUser(userId);
    if (!link || link.provider !== this.provider.name) return DataReason.notLinked;
    if (!grantCovers(link, this.provider, type)) return DataReason.notGranted;
    const state = (await this.parts.importProgress?.read(link.providerUserId))?.types.get(timeSeriesPath(type))?.state;
    return state === 'pending' || state === 'running' ? DataReason.importing : undefined;
  }
}

/**
 * The base date sent to the provider. Fitbit has no data after the user's today, so `max` with a
 * base date in the future is the same as `max` up to tomorrow — but where the provider has to
 * fetch `max` in ranges (activity and food data), a far-future base date would cost one call per
 * 1095 days up to it. Tomorrow, not today, so a provider clock slightly ahead of ours loses nothing.
 */
function liveBaseDate(period: Period, baseDate: string | null, timeZone: string | null): string {
  const today = todayIn(timeZone);
  if (baseDate === null) return today;
  if (period !== 'max') return baseDate;
  const latest = addDays(today, 1);
  return daysBetween(latest, baseDate) > 0 ? latest : baseDate;
}
