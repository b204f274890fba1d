import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bull';
import { isMissingAltimeter } from '../../lib/data/provider-error-status.js';
import { PERIODS } from '../../lib/data/periods.js';
import { TIME_SERIES_TYPES, timeSeriesPath, type TimeSeriesTypeKey } from '../../lib/data/time-series-data-types.js';
import { FITBIT_PROVIDER } from '../../lib/fitbit.constants.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import type { FitbitProvider } from '../../lib/providers/fitbit-provider.interface.js';
import { TimeSeriesImporter } from '../../lib/subscriptions/time-series-importer.service.js';
import type { EmulatorUser, FitbitEmulator } from '../../lib/testing/index.js';
import { createDataSource, createSqliteDataSource, DATABASE_KINDS, type DatabaseKind, type TestDataSource } from '../support/databases.js';
import { emulatorOptions, PROVIDERS, providerFacts, startEmulator, type ProviderName } from '../support/fitbit-fixture.js';
import { fitbitQueueOf, isolatedQueueOptions } from '../support/fitbit-queue.js';
import { startFitbitTestApp, TEST_USER_HEADER, type FitbitTestApp } from '../support/fitbit-test-app.js';
import { linkUser, shiftDate, zoneJustPastMidnight } from './get-data.fixture.js';

/** Types asked the whole query set; the others get a short set. */
const FULL_SET_PATHS = ['activities/steps', 'activities/tracker/floors', 'body/weight', 'foods/log/water'];
/** For the users with a long history, a sample of the other types (every type for the third user). */
const SAMPLE_PATHS = [
  'activities/activeScore',
  'activities/tracker/activeScore',
  'activities/elevation',
  'activities/tracker/distance',
  'activities/caloriesBMR',
  'body/fat',
  'sleep/startTime',
  'sleep/efficiency',
  'foods/log/caloriesIn',
];

/**
 * What each provider is asked. Google gets a smaller set, over histories of months rather than
 * years: its ranges are 90 days (14 for some types), so a few months already take several, and
 * every `max` and every import walks the history back in 90-day probes first. Its sample is the
 * types that read differently there (nights without sleep have no point, listed basal energy, BMI
 * from height, 14-day active minutes, no buckets without an altimeter, types without an equivalent).
 * One database is enough for it: reading stored rows does not depend on the provider that wrote
 * them, and the legacy run covers both databases.
 */
const QUERY_SETS: Record<
  ProviderName,
  { fullSetPaths: string[]; samplePaths: string[]; everyTypeForThirdUser: boolean; shortHistories: boolean; databases: readonly DatabaseKind[] }
> = {
  fitbit: { fullSetPaths: FULL_SET_PATHS, samplePaths: SAMPLE_PATHS, everyTypeForThirdUser: true, shortHistories: false, databases: DATABASE_KINDS },
  'google-health': {
    fullSetPaths: ['activities/steps'],
    samplePaths: [
      'activities/activeScore',
      'sleep/awakeningsCount',
      'activities/tracker/floors',
      'activities/distance',
      'activities/caloriesBMR',
      'activities/minutesLightlyActive',
      'body/bmi',
      'sleep/startTime',
      'sleep/efficiency',
      'foods/log/water',
    ],
    everyTypeForThirdUser: false,
    shortHistories: true,
    databases: ['postgres'],
  },
};

interface Person {
  appUserId: string;
  fitbit: EmulatorUser;
}

const lastDayOfMonthBefore = (date: string, months: number) => {
  const [year, month] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - months, 0)).toISOString().slice(0, 10);
};

/** Every period on several base dates, and several ranges, for one person and type. */
function queriesFor(person: Person, today: string, full: boolean): string[] {
  const since = person.fitbit.memberSince;
  const baseDates: (string | null)[] = full
    ? [null, shiftDate(today, -1), shiftDate(today, 1), shiftDate(since, 1), lastDayOfMonthBefore(today, 1), '2024-02-29']
    : [];
  const ranges: [string, string][] = full
    ? [
        [today, today],
        [shiftDate(today, -1094), today],
        [shiftDate(since, -3), shiftDate(since, 3)],
        [shiftDate(today, -2), shiftDate(today, 5)],
        [shiftDate(today, 1), shiftDate(today, 3)],
        ['2024-02-25', '2024-03-05'],
      ]
    : [[shiftDate(today, -10), today]];
  const short = full ? [] : ['period=7d', `period=1m&base_date=${shiftDate(since, 3)}`, `period=max&base_date=${shiftDate(since, 40)}`];
  return [
    ...baseDates.flatMap((base) => PERIODS.map((period) => `period=${period}${base === null ? '' : `&base_date=${base}`}`)),
    ...ranges.map(([start, end]) => `base_date=${start}&end_date=${end}`),
    ...short,
  ];
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

async function bodyText(app: FitbitTestApp, appUserId: string, url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${app.url}/fitbit/${url}`, { headers: { [TEST_USER_HEADER]: appUserId } });
  return { status: response.status, text: await response.text() };
}

/** Each user's today as the module sees it (wall clock, user's zone). */
const moduleTodays = (people: readonly Person[]) =>
  people.map((person) => new Intl.DateTimeFormat('en-CA', { timeZone: person.fitbit.timezone }).format(Date.now())).join(' ');

describe.each(PROVIDERS)('live mode and database mode answer the same queries with identical JSON (%s)', (provider) => {
  const { fullSetPaths, samplePaths, everyTypeForThirdUser, shortHistories, databases } = QUERY_SETS[provider];
  let emulator: FitbitEmulator;
  let liveDataSource: TestDataSource;
  let live: FitbitTestApp;
  let people: Person[];
  let cases: { person: Person; url: string }[];
  /** Live answers, asked once and shared by both databases; asked again if a user's midnight passes meanwhile. */
  const liveAnswers = new Map<string, string>();
  let liveTodays = '';

  const typesOf = (person: Person): TimeSeriesTypeKey[] =>
    person.appUserId === '3' && everyTypeForThirdUser
      ? [...TIME_SERIES_TYPES]
      : TIME_SERIES_TYPES.filter((type) => [...fullSetPaths, ...samplePaths].includes(timeSeriesPath(type)));

  async function askLive(): Promise<void> {
    liveTodays = moduleTodays(people);
    await inBatches(cases, 16, async ({ person, url }) => {
      const answer = await bodyText(live, person.appUserId, url);
      expect(answer.status).toBe(200);
      liveAnswers.set(`${person.appUserId} ${url}`, answer.text);
    });
  }

  beforeAll(async () => {
    emulator = await startEmulator({ provider, rateLimitPerHour: 1_000_000, rateLimitPerMinute: 1_000_000 });
    emulator.clock.set(Date.now());
    const midnightZone = zoneJustPastMidnight(emulator.clock.now());
    const localToday = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(emulator.clock.now());
    const midnightToday = localToday(midnightZone);
    people = shortHistories
      ? [
          { appUserId: '1', fitbit: emulator.addUser({ timezone: 'Pacific/Kiritimati', memberSince: shiftDate(localToday('Pacific/Kiritimati'), -250) }) },
          { appUserId: '2', fitbit: emulator.addUser({ timezone: 'Pacific/Pago_Pago', hasAltimeter: false, memberSince: shiftDate(localToday('Pacific/Pago_Pago'), -100) }) },
          { appUserId: '3', fitbit: emulator.addUser({ timezone: midnightZone, memberSince: shiftDate(midnightToday, -150) }) },
        ]
      : [
          // Three years of history: max and the import need more than one 1095-day range.
          { appUserId: '1', fitbit: emulator.addUser({ timezone: 'Pacific/Kiritimati' }) },
          { appUserId: '2', fitbit: emulator.addUser({ timezone: 'Pacific/Pago_Pago', hasAltimeter: false, memberSince: '2024-02-27' }) },
          // The user whose day has just begun; a short history, so max starts inside the queried ranges.
          { appUserId: '3', fitbit: emulator.addUser({ timezone: midnightZone, memberSince: shiftDate(midnightToday, -400) }) },
        ];
    cases = people.flatMap((person) => {
      const today = emulator.todayOf(person.fitbit.id);
      return typesOf(person).flatMap((type) => {
        const path = timeSeriesPath(type);
        return queriesFor(person, today, fullSetPaths.includes(path)).map((query) => ({ person, url: `get_data/${path}?${query}` }));
      });
    });
    cases.push(...people.map((person) => ({ person, url: 'get_steps?period=30d' })));
    cases.push(...people.map((person) => ({ person, url: 'get_steps/?base_date=2025-01-01&end_date=2025-01-31' })));

    liveDataSource = await createSqliteDataSource();
    live = await startFitbitTestApp({ dataSource: liveDataSource, fitbit: FitbitModule.forRoot(emulatorOptions(emulator)) });
    for (const person of people) await linkUser(live, emulator, person.appUserId, person.fitbit);
    await askLive();
  });
  afterAll(async () => {
    await live?.close();
    await liveDataSource?.destroy();
    await emulator?.stop();
  });

  it('the users are on different dates, and one of them just past midnight', () => {
    const todays = people.map((person) => emulator.todayOf(person.fitbit.id));
    expect(new Set(todays.slice(0, 2)).size).toBe(2);
    const localTime = new Intl.DateTimeFormat('en-GB', { timeZone: people[2]!.fitbit.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
      emulator.clock.now(),
    );
    expect(localTime).toMatch(/^(00:(0[1-9]|[1-5]\d)|01:00)$/);
  });

  it('live mode answers every query with 100, most with data', () => {
    expect(cases.length).toBeGreaterThan(provider === 'fitbit' ? 700 : 250);
    const bodies = [...liveAnswers.values()].map((text) => JSON.parse(text) as { meta: { status_code: number; total_count: number } });
    expect(bodies.every((body) => body.meta.status_code === 100)).toBe(true);
    expect(bodies.filter((body) => body.meta.total_count > 0).length / bodies.length).toBeGreaterThan(0.6);
  });

  describe.each(databases)('database mode on %s', (kind) => {
    let dataSource: TestDataSource;
    let stored: FitbitTestApp;
    let queue: Queue;

    beforeAll(async () => {
      dataSource = await createDataSource(kind);
      stored = await startFitbitTestApp({
        dataSource,
        fitbit: FitbitModule.forRoot({
          ...emulatorOptions(emulator, { subscriberId: 'sub-1', queue: isolatedQueueOptions(`consistency-${provider}-${kind}`) }),
          subscribe: true,
          worker: true,
        }),
      });
      queue = fitbitQueueOf(stored.app);
      for (const person of people) await linkUser(stored, emulator, person.appUserId, person.fitbit);
    });
    afterAll(async () => {
      await queue?.obliterate({ force: true });
      await stored?.close();
      await dataSource?.destroy();
    });

    it('imports the full history of every user through the importer', async () => {
      const importer = stored.app.get(TimeSeriesImporter, { strict: false });
      const served = stored.app.get<symbol, FitbitProvider>(FITBIT_PROVIDER, { strict: false });
      const { providerUserIdOf } = providerFacts(emulator);
      const written = new Map<string, number>();
      // What the history job does: only the types the provider serves.
      const jobs = people.flatMap((person) => typesOf(person).filter((type) => served.supportsType(type)).map((type) => ({ person, type })));
      await inBatches(jobs, 12, async ({ person, type }) => {
        const key = `${person.appUserId} ${timeSeriesPath(type)}`;
        try {
          written.set(key, await importer.import(providerUserIdOf(person.fitbit), type, null));
        } catch (error) {
          // What the history job does too: no altimeter, nothing to store.
          if (!isMissingAltimeter(error, type.resource)) throw error;
          written.set(key, 0);
        }
      });
      for (const person of people) {
        const days = Math.round((Date.parse(emulator.todayOf(person.fitbit.id)) - Date.parse(person.fitbit.memberSince)) / 86_400_000) + 1;
        expect(written.get(`${person.appUserId} activities/steps`)).toBe(days);
        expect(written.get(`${person.appUserId} activities/tracker/floors`)).toBe(person.fitbit.hasAltimeter ? days : 0);
      }
    });

    it('gives the same JSON as live mode for every period, several base dates and ranges', async () => {
      const compare = async () => {
        const mismatches: string[] = [];
        await inBatches(cases, 16, async ({ person, url }) => {
          const fromDatabase = await bodyText(stored, person.appUserId, url);
          expect(fromDatabase.status).toBe(200);
          const fromFitbit = liveAnswers.get(`${person.appUserId} ${url}`)!;
          if (fromFitbit !== fromDatabase.text) {
            mismatches.push(`user ${person.appUserId} ${url}\n  live:     ${fromFitbit.slice(0, 300)}\n  database: ${fromDatabase.text.slice(0, 300)}`);
          }
        });
        return mismatches;
      };
      if (moduleTodays(people) !== liveTodays) await askLive();
      let mismatches = await compare();
      // A user's midnight passing during the run moves "today" for both modes: ask both again.
      if (mismatches.length > 0 && moduleTodays(people) !== liveTodays) {
        await askLive();
        mismatches = await compare();
      }
      expect(mismatches.slice(0, 5).join('\n')).toBe('');
    });
  });
});
