import { Injectable } from '@nestjs/common';
import { InjectFitbitRepository } from './fitbit-repository.js';
import type { Repository } from 'typeorm';
import { TimeSeriesDataType } from './entities/time-series-data-type.entity.js';
import { TimeSeriesCategory, timeSeriesPath, type TimeSeriesTypeKey } from './time-series-data-types.js';

/** Ids of the seeded data types. The seed never changes at run time, so one read per process serves. */
@Injectable()
export class TimeSeriesTypeRegistry {
  private ids: Promise<Map<string, number>> | null = null;

  constructor(@InjectFitbitRepository(TimeSeriesDataType) private readonly types: Repository<TimeSeriesDataType>) {}

  async idOf(type: TimeSeriesTypeKey): Promise<number> {
    const id = (await this.load()).get(timeSeriesPath(type));
    if (id === undefined) {
      throw new Error(`Data type ${timeSeriesPath(type)} is not in the database: run the FitbitModule migrations`);
    }
    return id;
  }

  /** The type path (`activities/steps`) of each seeded id. */
  async pathsById(): Promise<Map<number, string>> {
    return new Map([...(await this.load())].map(([path, id]) => [id, path]));
  }

  private load(): Promise<Map<string, number>> {
    this.ids ??= this.types.find().then(
      (rows) => new Map(rows.map((row) => [`${TimeSeriesCategory[row.category]}/${row.resource}`, row.id])),
      (error: unknown) => {
        this.ids = null;
        throw error;
      },
    );
    return this.ids;
  }
}
