import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, In, LessThanOrEqual, type Repository } from 'typeorm';
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

  /** Writes one value per day with a single INSERT … ON CONFLICT DO UPDATE statement. */
  async upsert(userId: string, type: TimeSeriesTypeKey, values: readonly DataObject[]): Promise<void> {
    if (values.length === 0) return;
    const typeId = await this.types.idOf(type);
    await this.rows
      .createQueryBuilder()
      .insert()
      .into(TimeSeriesData)
      .values(values.map((value) => ({ userId, typeId, date: value.dateTime, value: value.value })))
      .orUpdate(['value'], ['user_id', 'type_id', 'date'])
      .updateEntity(false)
      .execute();
  }

  /** Removes the stored values of the given days (a provider DELETE notice). */
  async remove(userId: string, type: TimeSeriesTypeKey, dates: readonly string[]): Promise<void> {
    if (dates.length === 0) return;
    await this.rows.delete({ userId, typeId: await this.types.idOf(type), date: In([...dates]) });
  }

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
