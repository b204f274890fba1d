import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, LessThanOrEqual, type Repository } from 'typeorm';
import { TimeSeriesData } from './entities/time-series-data.entity.js';
import type { DataObject } from './data-response.js';
import type { TimeSeriesTypeKey } from './time-series-data-types.js';
import { TimeSeriesTypeRegistry } from './time-series-type.registry.js';

/** Stored daily values: read by date range, written as one upsert statement per batch. */
@Injectable()
export class TimeSeriesDataStore {
  constructor(
    @InjectRepository(TimeSeriesData) private readonly rows: Repository<TimeSeriesData>,
    private readonly types: TimeSeriesTypeRegistry,
  ) {}

  /** Oldest first; a null `start` means from the first stored day. */
  async read(userId: string, type: TimeSeriesTypeKey, start: string | null, end: string): Promise<DataObject[]> {
    const typeId = await this.types.idOf(type);
    const rows = await this.rows.find({
      select: { date: true, value: true },
      where: { userId, typeId, date: start === null ? LessThanOrEqual(end) : Between(start, end) },
      order: { date: 'ASC' },
    });
    return rows.map((row) => ({ dateTime: row.date, value: row.value }));
  }
}
