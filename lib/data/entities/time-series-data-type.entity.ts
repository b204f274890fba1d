import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TimeSeriesCategory } from '../time-series-data-types.js';

/** A data type (category and resource, e.g. activities/steps): the 36 rows the migrations seed. */
@Entity({ name: 'fitbit_time_series_data_type', orderBy: { category: 'ASC', resource: 'ASC' } })
@Unique('UQ_fitbit_time_series_data_type_category_resource', ['category', 'resource'])
export class TimeSeriesDataType {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'smallint' })
  category!: TimeSeriesCategory;

  @Column({ type: 'varchar', length: 128 })
  resource!: string;

  get categoryName(): keyof typeof TimeSeriesCategory {
    return TimeSeriesCategory[this.category] as keyof typeof TimeSeriesCategory;
  }

  get path(): string {
    return `${this.categoryName}/${this.resource}`;
  }
}
