import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthorizedCalls } from '../auth/authorized-calls.js';
import { UserLinkStore } from '../auth/user-link.store.js';
import type { UserFitbit } from './entities/user-fitbit.entity.js';
import { FITBIT_PROVIDER } from '../fitbit.constants.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';
import { todayIn } from './calendar.js';
import { DataStatus, dataResponse, type DataResponse } from './data-response.js';
import { periodStart } from './periods.js';
import { dataStatusOf, isMissingAltimeter } from './provider-error-status.js';
import type { TimeSeriesTypeKey } from './time-series-data-types.js';
import { TimeSeriesDataStore } from './time-series-data.store.js';
import type { TimeSeriesQuery } from './time-series-query.js';

/** Answers a validated data query live from the provider, or from the stored rows. */
@Injectable()
export class TimeSeriesReader {
  private readonly logger = new Logger('FitbitData');

  constructor(
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    private readonly links: UserLinkStore,
    private readonly calls: AuthorizedCalls,
    private readonly store: TimeSeriesDataStore,
  ) {}

  async live(link: UserFitbit, type: TimeSeriesTypeKey, query: TimeSeriesQuery): Promise<DataResponse> {
    if (!this.provider.supportsType(type)) return dataResponse(DataStatus.ok);
    const dailyQuery =
      query.kind === 'period'
        ? { period: query.period, baseDate: query.baseDate ?? todayIn(link.timeZone) }
        : { start: query.start, end: query.end };
    try {
      const values = await this.calls.run(link, (token) => this.provider.fetchDailyValues(token, type, dailyQuery));
      return dataResponse(DataStatus.ok, values);
    } catch (error) {
      if (isMissingAltimeter(error, type.resource)) return dataResponse(DataStatus.ok);
      const status = dataStatusOf(error);
      if (status === null) throw error;
      if (status === DataStatus.unauthorized) await this.links.deleteById(link.id);
      this.logger.warn(`get_data ${type.category}/${type.resource} for user ${link.userId}: ${(error as Error).message}`);
      return dataResponse(status);
    }
  }

  /** The rows Fitbit would return for the same query: periods end on the base date, "today" is the user's. */
  async stored(userId: string, link: UserFitbit | null, type: TimeSeriesTypeKey, query: TimeSeriesQuery): Promise<DataResponse> {
    let start: string | null;
    let end: string;
    if (query.kind === 'range') {
      ({ start, end } = query);
    } else {
      end = query.baseDate ?? todayIn(link?.timeZone);
      start = query.period === 'max' ? null : periodStart(query.period, end);
    }
    return dataResponse(DataStatus.ok, await this.store.read(userId, type, start, end));
  }
}
