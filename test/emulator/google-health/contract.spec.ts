import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GoogleHealthContract, GOOGLE_DATA_TYPES } from '../../../lib/testing/index.js';
import { filterFieldsOf, recordKindOf } from '../../../lib/testing/emulator/google-health/data-types.js';

const contract = GoogleHealthContract.load();
const paths = (problems: { path: string }[]) => problems.map((problem) => problem.path);

describe('the vendored Google Health discovery documents', () => {
  it.each(['v4', 'v4beta'] as const)('health.%s.json is revision 20260923, byte for byte what its README records', (version) => {
    const file = new URL(`../../../lib/testing/google-health-contract/health.${version}.json`, import.meta.url);
    const readme = readFileSync(new URL('../../../lib/testing/google-health-contract/README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`| \`health.${version}.json\` | \`${createHash('sha256').update(readFileSync(file)).digest('hex')}\` |`);
    expect(GoogleHealthContract.load(version)).toMatchObject({ revision: '20260923', version });
  });

  // That the build ships them beside the compiled checker is checked on the packed tarball by
  // test/package/pack-and-install.spec.ts (every non-TypeScript file of lib/), whose installed app runs the emulator strict.
  it('are vendored under lib/, where the build copies them from', () => {
    expect(existsSync(new URL('../../../lib/testing/google-health-contract/health.v4.json', import.meta.url))).toBe(true);
    expect(existsSync(new URL('../../../lib/testing/google-health-contract/health.v4beta.json', import.meta.url))).toBe(true);
  });
});

describe('the schema checker', () => {
  it('accepts a schema-valid answer, with int64 counts as strings and civil times as objects', () => {
    const answer = {
      rollupDataPoints: [
        { civilStartTime: { date: { year: 2026, month: 3, day: 1 } }, civilEndTime: { date: { year: 2026, month: 3, day: 2 }, time: {} }, steps: { countSum: '8421' } },
      ],
    };
    expect(contract.checkSchema('DailyRollUpDataPointsResponse', answer)).toEqual([]);
  });

  it('names every broken field: int64 as a number or with leading zeros, bad timestamps and durations, enums, unknown fields, missing x-required fields', () => {
    const point = {
      name: 'users/1/dataTypes/sleep/dataPoints/1',
      sleep: {
        interval: { startTime: '2026-03-01T23:00:00', endTime: '2026-03-02T07:00:00Z', startUtcOffset: '3600', civilStartTime: '2026-03-01T23:00:00' },
        type: 'MAIN',
        summary: { minutesAsleep: 421, minutesAwake: '007' },
        metadata: { mainSleep: 'yes' },
        efficiency: 89,
      },
    };
    expect(contract.checkSchema('DataPoint', point)).toEqual([
      { path: 'sleep.interval.startTime', problem: expect.stringContaining('RFC 3339') },
      { path: 'sleep.interval.startUtcOffset', problem: expect.stringContaining('google-duration') },
      { path: 'sleep.interval.civilStartTime', problem: expect.stringContaining('expected an object (CivilDateTime)') },
      { path: 'sleep.interval.endUtcOffset', problem: 'required field missing in SessionTimeInterval' },
      { path: 'sleep.type', problem: expect.stringContaining('is not one of SLEEP_TYPE_UNSPECIFIED, CLASSIC, STAGES') },
      { path: 'sleep.summary.minutesAsleep', problem: 'expected a string (int64), got number 421' },
      { path: 'sleep.summary.minutesAwake', problem: expect.stringContaining('without leading zeros') },
      { path: 'sleep.metadata.mainSleep', problem: expect.stringContaining('expected a boolean') },
      { path: 'sleep.efficiency', problem: 'unknown field: Sleep has no field "efficiency"' },
    ]);
  });

  it('checks arrays item by item, int32 ranges, and free-form maps', () => {
    const problems = contract.checkSchema('ListSubscriptionsResponse', { subscriptions: [{ name: 'a', dataTypes: ['steps', 3] }, 'b'], nextPageToken: 7 });
    expect(paths(problems)).toEqual(['subscriptions[0].dataTypes[1]', 'subscriptions[1]', 'nextPageToken']);
    expect(paths(contract.checkSchema('Date', { year: 2026, month: 2 ** 31, day: 1.5 }))).toEqual(['month', 'day']);
    expect(contract.checkSchema('Operation', { name: 'o', done: true, metadata: { anything: [1, { nested: true }] } })).toEqual([]);
  });

  it('leaves output-only fields out of what a request must carry', () => {
    expect(contract.checkSchema('DailyRollUpDataPointsRequest', { windowSizeDays: 1 }, 'request')).toEqual([{ path: 'range', problem: 'required field missing in DailyRollUpDataPointsRequest' }]);
    const interval = { startTime: '2026-03-01T23:00:00Z', endTime: '2026-03-02T07:00:00Z', startUtcOffset: '0s', endUtcOffset: '0s' };
    expect(contract.checkSchema('SessionTimeInterval', interval, 'request')).toEqual([]);
    expect(() => contract.checkSchema('NoSuchSchema', {})).toThrow(/no schema NoSuchSchema/);
  });
});

describe('the request checker', () => {
  const body = JSON.stringify({ range: { start: { date: { year: 2026, month: 3, day: 1 } }, end: { date: { year: 2026, month: 3, day: 8 } } }, windowSizeDays: 1 });

  it('resolves paths to the methods the document declares', () => {
    const method = (httpMethod: string, path: string) => {
      const resolution = contract.resolve(httpMethod, path);
      return resolution.kind === 'method' ? resolution.resolved.method.id : resolution.kind;
    };
    expect(method('GET', '/v4/users/me/dataTypes/steps/dataPoints')).toBe('health.users.dataTypes.dataPoints.list');
    expect(method('POST', '/v4/users/me/dataTypes/steps/dataPoints:dailyRollUp')).toBe('health.users.dataTypes.dataPoints.dailyRollUp');
    expect(method('POST', '/v4/users/me/dataTypes/steps/dataPoints%3AdailyRollUp')).toBe('health.users.dataTypes.dataPoints.dailyRollUp');
    expect(method('GET', '/v4/users/me/profile')).toBe('health.users.getProfile');
    expect(method('GET', '/v4/projects/1/subscribers/s/subscriptions')).toBe('health.projects.subscribers.subscriptions.list');
    expect(method('DELETE', '/v4/projects/1/subscribers/s/subscriptions/x')).toBe('health.projects.subscribers.subscriptions.delete');
    expect(method('GET', '/v4/users/me/nothing')).toBe('unknown-path');
    expect(method('PUT', '/v4/users/me/profile')).toBe('wrong-http-method');
  });

  it('accepts a request the document declares, global parameters included', () => {
    expect(contract.checkRequest({ method: 'POST', path: '/v4/users/me/dataTypes/steps/dataPoints:dailyRollUp', body })).toEqual([]);
    const query = new URLSearchParams({ filter: 'steps.interval.civil_start_time >= "2026-03-01"', pageSize: '1440', pageToken: 'abc', prettyPrint: 'false', fields: 'dataPoints' });
    expect(contract.checkRequest({ method: 'GET', path: '/v4/users/me/dataTypes/steps/dataPoints', query })).toEqual([]);
  });

  it('refuses undeclared, mistyped and repeated query parameters, bodies where none belong, and bodies that break the request schema', () => {
    expect(paths(contract.checkRequest({ method: 'GET', path: '/v4/users/me/dataTypes/steps/dataPoints', query: 'dataSourceFamily=x&pageSize=ten&pageSize=5&alt=xml' }))).toEqual([
      '?dataSourceFamily',
      '?pageSize',
      '?alt',
      '?pageSize',
    ]);
    expect(paths(contract.checkRequest({ method: 'GET', path: '/v4/users/me/identity', body: '{}' }))).toEqual(['(body)']);
    const broken = JSON.stringify({ range: { start: { date: { year: 2026, month: '03', day: 1 } } }, bucket: 1 });
    expect(paths(contract.checkRequest({ method: 'POST', path: '/v4/users/me/dataTypes/steps/dataPoints:dailyRollUp', body: broken }))).toEqual([
      '(body).range.start.date.month',
      '(body).range.end',
      '(body).bucket',
    ]);
    expect(paths(contract.checkRequest({ method: 'POST', path: '/v4/users/me/dataTypes/steps/dataPoints:dailyRollUp', body: '' }))).toEqual(['(body)']);
  });

  it('answers Google\'s error envelope for errors', () => {
    const resolution = contract.resolve('GET', '/v4/users/me/identity');
    if (resolution.kind !== 'method') throw new Error('no method');
    const { method } = resolution.resolved;
    expect(contract.checkResponse(method, 404, JSON.stringify({ error: { code: 404, message: 'gone', status: 'NOT_FOUND', details: [] } }))).toEqual([]);
    expect(paths(contract.checkResponse(method, 404, JSON.stringify({ error: { code: 400, message: 'x', status: 'MISSING' } })))).toEqual(['error.status']);
    expect(paths(contract.checkResponse(method, 400, JSON.stringify({ error: 'invalid_request' })))).toEqual(['error']);
    expect(paths(contract.checkResponse(method, 200, JSON.stringify({ healthUserId: 1 })))).toEqual(['healthUserId']);
  });
});

describe('the emulator\'s data types against the document', () => {
  it('name fields that DataPoint and DailyRollupDataPoint have, timed as their schemas say', () => {
    const dataPoint = contract.schema('DataPoint')!.properties!;
    const rollup = contract.schema('DailyRollupDataPoint')!.properties!;
    for (const type of GOOGLE_DATA_TYPES) {
      if (type.list) expect(dataPoint, type.name).toHaveProperty(type.field);
      if (type.rollup) expect(rollup, type.name).toHaveProperty(type.field);
    }
    const kinds = Object.fromEntries(GOOGLE_DATA_TYPES.filter((type) => type.list).map((type) => [type.name, recordKindOf(type)]));
    expect(kinds).toMatchObject({ steps: 'interval', 'basal-energy-burned': 'interval', weight: 'sample', height: 'sample', sleep: 'session' });
    expect(filterFieldsOf(GOOGLE_DATA_TYPES.find((type) => type.name === 'basal-energy-burned')!).map((field) => field.name)).toEqual([
      'basal_energy_burned.interval.start_time',
      'basal_energy_burned.interval.civil_start_time',
    ]);
  });
});
