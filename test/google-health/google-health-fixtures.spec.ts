import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveFitbitConfig } from '../../lib/config/resolve-fitbit-config.js';
import { GoogleHealthClient } from '../../lib/providers/google-health/google-health.client.js';
import { GoogleHealthProvider } from '../../lib/providers/google-health/google-health.provider.js';
import { describeProblems, GoogleHealthContract } from '../../lib/testing/index.js';

/**
 * The provider against Google's answers as the discovery document writes them: every fixture here
 * passes the schema checker, every request the provider makes passes the request checker. The
 * answers are what real users' data looks like: several nights, naps beside the main sleep, newest
 * first, sessions crossing midnight, basal energy in more than one point a day.
 */
const contract = GoogleHealthContract.load();

const civil = (text: string) => {
  const [date, time = '00:00'] = text.split('T');
  const [year, month, day] = date!.split('-').map(Number);
  const [hours, minutes] = time.split(':').map(Number);
  return { date: { year, month, day }, time: { ...(hours ? { hours } : {}), ...(minutes ? { minutes } : {}) } };
};
/** Berlin in March is UTC+1. */
const instant = (text: string) => new Date(Date.parse(`${text}:00+01:00`)).toISOString().replace('.000Z', 'Z');
const interval = (start: string, end: string) => ({
  startTime: instant(start),
  startUtcOffset: '3600s',
  endTime: instant(end),
  endUtcOffset: '3600s',
  civilStartTime: civil(start),
  civilEndTime: civil(end),
});

interface Session {
  start: string;
  end: string;
  main: boolean;
  asleep: number;
  awake: number;
  toFall?: number;
  after?: number;
}
const sleepPoint = (id: string, session: Session) => {
  const minutes = (Date.parse(`${session.end}:00Z`) - Date.parse(`${session.start}:00Z`)) / 60_000;
  return {
    name: `users/me/dataTypes/sleep/dataPoints/${id}`,
    sleep: {
      interval: interval(session.start, session.end),
      type: session.main ? 'STAGES' : 'CLASSIC',
      metadata: { mainSleep: session.main, nap: !session.main, processed: true },
      summary: {
        minutesInSleepPeriod: String(minutes),
        minutesAsleep: String(session.asleep),
        minutesAwake: String(session.awake),
        minutesToFallAsleep: String(session.toFall ?? 0),
        minutesAfterWakeUp: String(session.after ?? 0),
      },
    },
  };
};

/** Three nights, newest first over two pages: 3 March has a nap after a main sleep that began before midnight. */
const SLEEP_PAGES = [
  {
    dataPoints: [
      sleepPoint('nap3', { start: '2026-03-03T14:10', end: '2026-03-03T14:55', main: false, asleep: 40, awake: 5 }),
      sleepPoint('main3', { start: '2026-03-02T23:40', end: '2026-03-03T07:10', main: true, asleep: 400, awake: 30, toFall: 12, after: 8 }),
    ],
    nextPageToken: 'page-2',
  },
  {
    dataPoints: [
      sleepPoint('main2', { start: '2026-03-02T00:35', end: '2026-03-02T07:05', main: true, asleep: 350, awake: 25, toFall: 10, after: 5 }),
      sleepPoint('main1', { start: '2026-02-28T22:50', end: '2026-03-01T06:20', main: true, asleep: 410, awake: 20, toFall: 15, after: 5 }),
    ],
  },
];

const bmrPoint = (id: string, start: string, end: string, kcal: number) => ({
  name: `users/me/dataTypes/basal-energy-burned/dataPoints/${id}`,
  basalEnergyBurned: { interval: interval(start, end), kcal },
});
/** Newest first; 2 March comes as two half-day points. */
const BMR_PAGE = {
  dataPoints: [
    bmrPoint('b3', '2026-03-03T00:00', '2026-03-04T00:00', 1702.5),
    bmrPoint('b2pm', '2026-03-02T12:00', '2026-03-03T00:00', 851.25),
    bmrPoint('b2am', '2026-03-02T00:00', '2026-03-02T12:00', 848.75),
    bmrPoint('b1', '2026-03-01T00:00', '2026-03-02T00:00', 1688),
  ],
};

const ROLLUP = {
  rollupDataPoints: [
    { civilStartTime: civil('2026-03-01'), civilEndTime: civil('2026-03-02'), steps: { countSum: '6120' } },
    { civilStartTime: civil('2026-03-02'), civilEndTime: civil('2026-03-03'), steps: { countSum: '10450' } },
  ],
};

const PROFILE = { name: 'users/1/profile', membershipStartDate: { year: 2023, month: 7, day: 14 } };

interface Recorded {
  method: string;
  path: string;
  query: string;
  body: string;
}

describe('the google-health provider on schema-valid answers', () => {
  let server: Server;
  let requests: Recorded[] = [];
  let provider: GoogleHealthProvider;

  beforeAll(async () => {
    for (const [schema, fixture] of [
      ['ListDataPointsResponse', SLEEP_PAGES[0]],
      ['ListDataPointsResponse', SLEEP_PAGES[1]],
      ['ListDataPointsResponse', BMR_PAGE],
      ['DailyRollUpDataPointsResponse', ROLLUP],
      ['Profile', PROFILE],
    ] as const) {
      expect(describeProblems(contract.checkSchema(schema, fixture)), schema).toBe('');
    }
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url!, 'http://fixtures.invalid');
        requests.push({ method: request.method!, path: url.pathname, query: url.search.slice(1), body: Buffer.concat(chunks).toString('utf8') });
        const answer = url.pathname.endsWith('/sleep/dataPoints')
          ? SLEEP_PAGES[url.searchParams.get('pageToken') === 'page-2' ? 1 : 0]
          : url.pathname.endsWith('/basal-energy-burned/dataPoints')
            ? BMR_PAGE
            : url.pathname.endsWith(':dailyRollUp')
              ? ROLLUP
              : url.pathname.endsWith('/profile')
                ? PROFILE
                : null;
        response.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer ?? { error: { code: 404, message: 'not in the fixtures', status: 'NOT_FOUND' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config = resolveFitbitConfig(
      { clientId: 'c', clientSecret: 's', provider: 'google-health', endpoints: { apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4` } },
      { subscribe: false },
    );
    provider = new GoogleHealthProvider(config, new GoogleHealthClient(config));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    for (const request of requests) {
      expect(describeProblems(contract.checkRequest({ method: request.method, path: request.path, query: request.query, body: request.body })), `${request.method} ${request.path}`).toBe('');
    }
    requests = [];
  });

  const fetch = (resource: string, start = '2026-03-01', end = '2026-03-03') =>
    provider.fetchDailyValues('token', { category: resource.split('/')[0] as 'sleep', resource: resource.split('/').slice(1).join('/') }, { start, end });

  it('dates each night by the local day it ended (CivilDateTime objects), one row per night across pages', async () => {
    expect((await fetch('sleep/startTime')).map((row) => row.dateTime)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(requests.filter((request) => request.path.endsWith('/sleep/dataPoints'))).toHaveLength(2);
  });

  it('takes the start time from the main sleep (metadata.mainSleep), not the newer nap, for sessions crossing midnight too', async () => {
    expect(await fetch('sleep/startTime')).toEqual([
      { dateTime: '2026-03-01', value: '22:50' },
      { dateTime: '2026-03-02', value: '00:35' },
      { dateTime: '2026-03-03', value: '23:40' },
    ]);
    expect((await fetch('sleep/minutesToFallAsleep')).map((row) => row.value)).toEqual(['15', '10', '12']);
  });

  it('adds the nap to the night\'s minutes', async () => {
    expect((await fetch('sleep/timeInBed')).map((row) => row.value)).toEqual(['450', '390', String(450 + 45)]);
    expect((await fetch('sleep/minutesAsleep')).map((row) => row.value)).toEqual(['410', '350', '440']);
    expect((await fetch('sleep/efficiency')).map((row) => row.value)).toEqual([String(Math.round(41_000 / 450)), String(Math.round(35_000 / 390)), String(Math.round(44_000 / 495))]);
  });

  it('filters sleep on sleep.interval.civil_end_time over the local days asked for', async () => {
    await fetch('sleep/minutesAwake');
    expect(new URLSearchParams(requests[0]!.query).get('filter')).toBe('sleep.interval.civil_end_time >= "2026-03-01" AND sleep.interval.civil_end_time < "2026-03-04"');
    expect(new URLSearchParams(requests[0]!.query).get('pageSize')).toBe('25');
  });

  it('sums basal energy per local day of its civil start, filtering on the snake_case field', async () => {
    expect(await fetch('activities/caloriesBMR')).toEqual([
      { dateTime: '2026-03-01', value: '1688' },
      { dateTime: '2026-03-02', value: '1700' },
      { dateTime: '2026-03-03', value: '1703' },
    ]);
    expect(new URLSearchParams(requests[0]!.query).get('filter')).toBe(
      'basal_energy_burned.interval.civil_start_time >= "2026-03-01" AND basal_energy_burned.interval.civil_start_time < "2026-03-04"',
    );
  });

  it('reads the tracker types from the data source family by its resource name', async () => {
    expect(await fetch('activities/tracker/steps', '2026-03-01', '2026-03-02')).toEqual([
      { dateTime: '2026-03-01', value: '6120' },
      { dateTime: '2026-03-02', value: '10450' },
    ]);
    expect(JSON.parse(requests[0]!.body)).toEqual({
      range: { start: { date: { year: 2026, month: 3, day: 1 } }, end: { date: { year: 2026, month: 3, day: 3 } } },
      windowSizeDays: 1,
      dataSourceFamily: 'users/me/dataSourceFamilies/google-wearables',
    });
    await fetch('activities/steps', '2026-03-01', '2026-03-02');
    expect(JSON.parse(requests[1]!.body)).not.toHaveProperty('dataSourceFamily');
  });

  it('starts the history at the profile\'s membershipStartDate without probing', async () => {
    expect(await provider.historyStart('token')).toBe('2023-07-14');
    expect(requests.map((request) => request.path)).toEqual(['/v4/users/me/profile']);
  });
});
