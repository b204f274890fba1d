import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DAY_OBJECT_JSON_SQL } from './day-object-json.sql.js';
import { TimeSeriesDataType } from './time-series-data-type.entity.js';

/** One day's value of one data type for one app user; it outlives the user's Fitbit link. */
@Entity({ name: 'fitbit_time_series_data' })
@Unique('UQ_fitbit_time_series_data_user_type_date', ['userId', 'typeId', 'date'])
@Index('IDX_fitbit_time_series_data_type', ['typeId'])
export class TimeSeriesData {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId!: string;

  @Column({ name: 'type_id', type: 'integer' })
  typeId!: number;

  @ManyToOne(() => TimeSeriesDataType, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'type_id', foreignKeyConstraintName: 'FK_fitbit_time_series_data_type' })
  type?: TimeSeriesDataType;

  /** The user's local calendar date, `YYYY-MM-DD`. */
  @Column({ type: 'varchar', length: 10 })
  date!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  value!: string | null;

  /**
   * `{"dateTime":…,"value":…}` as get_data serves this day, kept by the database (a stored
   * generated column); null where the date or value needs JSON escaping.
   */
  @Column({
    name: 'object_json',
    type: 'text',
    nullable: true,
    select: false,
    insert: false,
    update: false,
    generatedType: 'STORED',
    asExpression: DAY_OBJECT_JSON_SQL,
  })
  readonly objectJson?: string | null;
}
