import { Injectable } from '@nestjs/common';
import { InjectFitbitRepository } from './fitbit-repository.js';
import { In, type Repository } from 'typeorm';
import { TimeSeriesData } from './entities/time-series-data.entity.js';
import { UserFitbit } from './entities/user-fitbit.entity.js';
import type { DataObject } from './data-response.js';
import type { TimeSeriesTypeKey } from './time-series-data-types.js';
import { TimeSeriesTypeRegistry } from './time-series-type.registry.js';

/**
 * Stored daily values: read by date range, written as one upsert statement per batch.
 *
 * Reads serve get_data in database mode, a hot path: their SQL is built by TypeORM once (so it
 * is right for every driver and schema setting) and then only has its parameters bound, and the
 * rows come back raw, already in the `{dateTime, value}` shape of the answer.
 */
@Injectable()
export class TimeSeriesDataStore {
  private readSql: { from: string; all: string } | null = null;
  private readJsonSql: { from: string; all: string } | null | undefined = undefined;
  private timeZoneSql: string | null = null;
  private upsertSql: { kind: 'sqlite' | 'postgres'; sql: string } | null | undefined = undefined;
  private readonly positionalSql = new Map<string, { text: string; order: string[] }>();

  constructor(
    @InjectFitbitRepository(TimeSeriesData) private readonly rows: Repository<TimeSeriesData>,
    @InjectFitbitRepository(UserFitbit) private readonly links: Repository<UserFitbit>,
    private readonly types: TimeSeriesTypeRegistry,
  ) {}

  /**
   * Writes one value per day with a single INSERT … ON CONFLICT DO UPDATE statement per batch.
   * On SQLite and PostgreSQL the batch travels as one or two parameters (a JSON object date → value;
   * two arrays) into a constant statement the driver prepares once: TypeORM's multi-row VALUES
   * builder spends several times longer per row than the database does. Other drivers keep the builder.
   */
  async upsert(userId: string, type: TimeSeriesTypeKey, values: readonly DataObject[]): Promise<void> {
    if (values.length === 0) return;
    const typeId = await this.types.idOf(type);
    // One value per day, the last one winning: PostgreSQL refuses to update a row twice in one statement.
    const byDate = new Map<string, string | null>();
    for (const value of values) byDate.set(value.dateTime, value.value);
    const bulk = this.bulkUpsert();
    if (bulk?.kind === 'sqlite') {
      await this.rows.query(bulk.sql, [userId, typeId, JSON.stringify(Object.fromEntries(byDate))]);
    } else if (bulk?.kind === 'postgres') {
      await this.rows.query(bulk.sql, [userId, typeId, [...byDate.keys()], [...byDate.values()]]);
    } else {
      await this.rows
        .createQueryBuilder()
        .insert()
        .into(TimeSeriesData)
        .values([...byDate].map(([date, value]) => ({ userId, typeId, date, value })))
        .orUpdate(['value'], ['user_id', 'type_id', 'date'])
        .updateEntity(false)
        .execute();
    }
  }

  /** The constant bulk upsert for this driver, named as the entity metadata says (schema included). */
  private bulkUpsert(): { kind: 'sqlite' | 'postgres'; sql: string } | null {
    if (this.upsertSql !== undefined) return this.upsertSql;
    const { driver, options } = this.rows.manager.connection;
    const table = this.rows.metadata.tablePath.split('.').map((part) => driver.escape(part)).join('.');
    const [user, typeId, date, value] = (['userId', 'typeId', 'date', 'value'] as const).map((property) => this.columnSql(property));
    const into = `INSERT INTO ${table} (${user}, ${typeId}, ${date}, ${value})`;
    const onConflict = `ON CONFLICT (${user}, ${typeId}, ${date}) DO UPDATE SET ${value} = excluded.${value}`;
    if (options.type === 'better-sqlite3') {
      // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint.
      this.upsertSql = { kind: 'sqlite', sql: `${into} SELECT ?, ?, j.key, j.value FROM json_each(?) AS j WHERE true ${onConflict}` };
    } else if (options.type === 'postgres') {
      this.upsertSql = {
        kind: 'postgres',
        sql: `${into} SELECT $1::varchar, $2::integer, u.d, u.v FROM unnest($3::varchar[], $4::varchar[]) AS u(d, v) ${onConflict}`,
      };
    } else {
      this.upsertSql = null;
    }
    return this.upsertSql;
  }

  /** Removes the stored values of the given days (a provider DELETE notice). */
  async remove(userId: string, type: TimeSeriesTypeKey, dates: readonly string[]): Promise<void> {
    if (dates.length === 0) return;
    await this.rows.delete({ userId, typeId: await this.types.idOf(type), date: In([...dates]) });
  }

  /** Oldest first; a null `start` means from the first stored day. */
  async read(userId: string, type: TimeSeriesTypeKey, start: string | null, end: string): Promise<DataObject[]> {
    const typeId = await this.types.idOf(type);
    this.readSql ??= { from: this.readQuery(true), all: this.readQuery(false) };
    const sql = start === null ? this.readSql.all : this.readSql.from;
    const parameters = start === null ? { userId, typeId, end } : { userId, typeId, start, end };
    return this.raw<DataObject>(sql, parameters);
  }

  /**
   * What `read` returns, as JSON text (`[{"dateTime":…,"value":…},…]`, exactly as JSON.stringify
   * writes it) and its length. On PostgreSQL and better-sqlite3 the database writes the text, which
   * spares building and serializing one object per day; other drivers go through `read`.
   */
  async readJson(userId: string, type: TimeSeriesTypeKey, start: string | null, end: string): Promise<{ count: number; json: string }> {
    if (this.readJsonSql === undefined) this.readJsonSql = this.readJsonQueries();
    if (this.readJsonSql === null) {
      const objects = await this.read(userId, type, start, end);
      return { count: objects.length, json: JSON.stringify(objects) };
    }
    const typeId = await this.types.idOf(type);
    const sql = start === null ? this.readJsonSql.all : this.readJsonSql.from;
    const parameters = start === null ? { userId, typeId, end } : { userId, typeId, start, end };
    const [row] = await this.raw<{ count: number | string; objects: string }>(sql, parameters);
    return { count: Number(row!.count), json: row!.objects };
  }

  /** How many days the user has stored, per type path; types without rows are left out. */
  async countByType(userId: string): Promise<Map<string, number>> {
    const rows = await this.rows
      .createQueryBuilder('data')
      .select('data.typeId', 'typeId')
      .addSelect('COUNT(*)', 'count')
      .where('data.userId = :userId', { userId })
      .groupBy('data.typeId')
      .getRawMany<{ typeId: number | string; count: number | string }>();
    const paths = await this.types.pathsById();
    return new Map(rows.map((row) => [paths.get(Number(row.typeId)) ?? String(row.typeId), Number(row.count)]));
  }

  /** The time zone of the user's link, if they have one: what "today" means for them. */
  async timeZoneOf(userId: string): Promise<string | null> {
    this.timeZoneSql ??= this.links
      .createQueryBuilder('link')
      .select('link.timeZone', 'timeZone')
      .where('link.userId = :userId')
      .getQuery();
    const [row] = await this.raw<{ timeZone: string | null }>(this.timeZoneSql, { userId });
    return row?.timeZone ?? null;
  }

  /**
   * One aggregate row: the count and the JSON array of the objects, oldest first; null where the
   * SQL dialect is not known. Each object is the row's stored `objectJson`, rendered here only
   * where that is null (a value JSON has to escape). The rows select nothing else the aggregate
   * does not read: SQLite copies every selected column of every row out of the subquery.
   */
  private readJsonQueries(): { from: string; all: string } | null {
    const driver = this.rows.manager.connection.driver;
    const e = (name: string) => driver.escape(name);
    const [date, value, objectJson] = (['date', 'value', 'objectJson'] as const).map((property) => `${e('data')}.${this.columnSql(property)}`);
    const object = `${e('days')}.${e('object')}`;
    let rendered: string;
    let aggregate: string;
    /** PostgreSQL's aggregate orders by the date itself, so the rows carry it too. */
    let orderedByDate: boolean;
    if (driver.options.type === 'postgres') {
      // to_json writes each JSON string literal (json_build_object would space out its output).
      rendered = `'{"dateTime":' || to_json(${date}) || ',"value":' || coalesce(CAST(to_json(${value}) AS text), 'null') || '}'`;
      aggregate = `string_agg(${object}, ',' ORDER BY ${e('days')}.${e('dateTime')})`;
      orderedByDate = true;
    } else if (driver.options.type === 'better-sqlite3') {
      rendered = `json_object('dateTime', ${date}, 'value', ${value})`;
      // The aggregate reads the ordered subquery in order: SQLite never flattens an ORDER BY
      // subquery into an aggregate (flattening rule 16), and this is twice as fast as ORDER BY
      // inside the aggregate, which sorts again.
      aggregate = `group_concat(${object}, ',')`;
      orderedByDate = false;
    } else {
      return null;
    }
    const query = (bounded: boolean) => {
      const days = this.rowsQuery(bounded).select(`coalesce(${objectJson}, ${rendered})`, 'object');
      if (orderedByDate) days.addSelect('data.date', 'dateTime');
      return `SELECT COUNT(*) AS ${e('count')}, '[' || coalesce(${aggregate}, '') || ']' AS ${e('objects')} FROM (${days.getQuery()}) ${e('days')}`;
    };
    return { from: query(true), all: query(false) };
  }

  private readQuery(bounded: boolean): string {
    return this.rowsQuery(bounded).select('data.date', 'dateTime').addSelect('data.value', 'value').getQuery();
  }

  /** The user's rows of one type up to `:end` (from `:start` when bounded), oldest first; the caller selects. */
  private rowsQuery(bounded: boolean) {
    const query = this.rows
      .createQueryBuilder('data')
      .where('data.userId = :userId')
      .andWhere('data.typeId = :typeId')
      .andWhere('data.date <= :end');
    if (bounded) query.andWhere('data.date >= :start');
    return query.orderBy('data.date', 'ASC');
  }

  /** The entity property's column, escaped for this driver. */
  private columnSql(property: keyof TimeSeriesData): string {
    return this.rows.manager.connection.driver.escape(this.rows.metadata.findColumnWithPropertyName(property)!.databaseName);
  }

  /**
   * Runs one of the store's SQL texts with its `:named` parameters. The driver's placeholders
   * replace the names once per text (the names stand in for their values to learn their order),
   * not on every call.
   */
  private raw<T>(sql: string, parameters: Record<string, unknown>): Promise<T[]> {
    let positional = this.positionalSql.get(sql);
    if (positional === undefined) {
      const names = Object.fromEntries(Object.keys(parameters).map((name) => [name, name]));
      const [text, order] = this.rows.manager.connection.driver.escapeQueryWithParameters(sql, names);
      positional = { text, order: order as string[] };
      this.positionalSql.set(sql, positional);
    }
    return this.rows.query(positional.text, positional.order.map((name) => parameters[name])) as Promise<T[]>;
  }
}
