import { Inject, Injectable } from '@nestjs/common';
import { AuthorizedCalls } from '../auth/authorized-calls.js';
import { grantCovers } from '../auth/granted-scopes.js';
import { UserLinkStore } from '../auth/user-link.store.js';
import { splitRange, todayIn } from '../data/calendar.js';
import type { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import type { TimeSeriesTypeKey } from '../data/time-series-data-types.js';
import { TimeSeriesDataStore } from '../data/time-series-data.store.js';
import { FITBIT_PROVIDER } from '../fitbit.constants.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';
import { HistoryStartCache } from './history-start.cache.js';

/** A history import stopped by `cause` after storing the days before `resumeFrom`. */
export class HistoryImportInterrupted extends Error {
  constructor(
    readonly resumeFrom: string,
    override readonly cause: unknown,
  ) {
    super(`history import interrupted before ${resumeFrom}: ${(cause as Error)?.message ?? cause}`);
  }
}

/** Fetches daily values from the provider and stores them for every app user linked to that account. */
@Injectable()
export class TimeSeriesImporter {
  constructor(
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    private readonly links: UserLinkStore,
    private readonly calls: AuthorizedCalls,
    private readonly store: TimeSeriesDataStore,
    private readonly historyStarts: HistoryStartCache,
  ) {}

  /**
   * One day, or with a null date the whole history (from `resumeFrom` when given) in the largest
   * ranges the provider accepts. Returns rows written. A history import that fails after storing part
   * of the history throws HistoryImportInterrupted, so the retry goes on where it stopped.
   */
  async import(providerUserId: string, type: TimeSeriesTypeKey, date: string | null, resumeFrom?: string): Promise<number> {
    let written = 0;
    for (const link of await this.links.findByProviderUser(this.provider.name, providerUserId)) {
      if (!grantCovers(link, this.provider, type)) continue;
      written += date === null ? await this.importHistory(link, type, resumeFrom) : await this.importRange(link, type, date, date);
    }
    return written;
  }

  /** Forgets the values of the given days for every app user linked to that account. */
  async remove(providerUserId: string, type: TimeSeriesTypeKey, dates: readonly string[]): Promise<void> {
    for (const link of await this.links.findByProviderUser(this.provider.name, providerUserId)) {
      await this.store.remove(link.userId, type, dates);
    }
  }

  private async importHistory(link: UserFitbit, type: TimeSeriesTypeKey, resumeFrom: string | undefined): Promise<number> {
    const start = resumeFrom ?? (await this.historyStarts.get(link.providerUserId, () => this.calls.run(link, (token) => this.provider.historyStart(token))));
    let written = 0;
    const chunks = splitRange(start, todayIn(link.timeZone), this.provider.maxRangeDays(type));
    for (const [index, chunk] of chunks.entries()) {
      try {
        written += await this.importRange(link, type, chunk.start, chunk.end);
      } catch (error) {
        if (index === 0) throw error;
        throw new HistoryImportInterrupted(chunk.start, error);
      }
    }
    return written;
  }

  private async importRange(link: UserFitbit, type: TimeSeriesTypeKey, start: string, end: string): Promise<number> {
    const values = await this.calls.run(link, (token) => this.provider.fetchDailyValues(token, type, { start, end }));
    await this.store.upsert(link.userId, type, values);
    return values.length;
  }
}
