import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FitbitService } from '../../lib/integration/fitbit.service.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { createDataSource, DATABASE_KINDS, type TestDataSource } from '../support/databases.js';
import { type FitbitTestApp, startFitbitTestApp } from '../support/fitbit-test-app.js';
import { FITBIT_CREDENTIALS, linkUser } from './integration-fixtures.js';

describe.each(DATABASE_KINDS)('FitbitService.isIntegrated on %s', (kind) => {
  let dataSource: TestDataSource;
  let testApp: FitbitTestApp;
  let fitbit: FitbitService;

  beforeAll(async () => {
    dataSource = await createDataSource(kind);
    testApp = await startFitbitTestApp({ dataSource, fitbit: FitbitModule.forRoot(FITBIT_CREDENTIALS) });
    fitbit = testApp.app.get(FitbitService);
    await linkUser(dataSource, '7');
    await linkUser(dataSource, '9');
    await linkUser(dataSource, '11', { expiresAt: Date.now() - 86_400_000, accessToken: 'revoked', refreshToken: 'revoked' });
  });

  afterAll(async () => {
    await testApp?.close();
    await dataSource?.destroy();
  });

  it('is true for an active user with a link row', async () => {
    expect(await fitbit.isIntegrated({ id: 7, isActive: true })).toBe(true);
  });

  it('is true whatever the state of the tokens', async () => {
    expect(await fitbit.isIntegrated({ id: 11 })).toBe(true);
  });

  it('is false for a user without a link row', async () => {
    expect(await fitbit.isIntegrated({ id: 8, isActive: true })).toBe(false);
  });

  it('is false for an inactive user even with a link row', async () => {
    expect(await fitbit.isIntegrated({ id: 9, isActive: false })).toBe(false);
    expect(await fitbit.isIntegrated({ id: 9, is_active: false })).toBe(false);
    expect(await fitbit.isIntegrated({ id: 9 })).toBe(true);
  });

  it('is false for no user', async () => {
    expect(await fitbit.isIntegrated(null)).toBe(false);
    expect(await fitbit.isIntegrated(undefined)).toBe(false);
  });

  it('says what a page may show of the connection: whom, the zone, since when', async () => {
    await linkUser(dataSource, '13', { timeZone: 'Asia/Tokyo', legacyUserId: 'LEGACY13', createdAt: Date.parse('2026-01-02T03:04:05Z') });
    expect(await fitbit.connectionOf({ id: 13 })).toEqual({ status: 'linked', accountId: 'LEGACY13', timeZone: 'Asia/Tokyo', connectedAt: new Date('2026-01-02T03:04:05Z') });
    expect(await fitbit.connectionOf({ id: 7 })).toMatchObject({ status: 'linked', accountId: 'P7', timeZone: null });
    expect(await fitbit.connectionOf({ id: 8 })).toEqual({ status: 'not-linked', accountId: null, timeZone: null, connectedAt: null });
    expect(await fitbit.connectionOf({ id: 9, isActive: false })).toMatchObject({ status: 'not-linked' });
  });

  it('reads the user of a request through the configured accessors', async () => {
    expect(await fitbit.isIntegratedRequest({ user: { id: 7 } })).toBe(true);
    expect(await fitbit.isIntegratedRequest({ user: { id: 8 } })).toBe(false);
    expect(await fitbit.isIntegratedRequest({})).toBe(false);
  });
});

describe('FitbitService.isIntegrated with custom user accessors', () => {
  let dataSource: TestDataSource;
  let testApp: FitbitTestApp;

  beforeAll(async () => {
    dataSource = await createDataSource('sqlite');
    testApp = await startFitbitTestApp({
      dataSource,
      fitbit: FitbitModule.forRoot({
        ...FITBIT_CREDENTIALS,
        users: { fromRequest: (req) => req.account, id: (user) => user.uuid, isActive: (user) => user.state === 'on' },
      }),
    });
    await linkUser(dataSource, 'u-7');
  });

  afterAll(async () => {
    await testApp?.close();
    await dataSource?.destroy();
  });

  it('uses the id and isActive accessors for users and fromRequest for requests', async () => {
    const fitbit = testApp.app.get(FitbitService);
    expect(await fitbit.isIntegrated({ uuid: 'u-7', state: 'on' })).toBe(true);
    expect(await fitbit.isIntegrated({ uuid: 'u-7', state: 'off' })).toBe(false);
    expect(await fitbit.isIntegrated({ uuid: 'u-8', state: 'on' })).toBe(false);
    expect(await fitbit.isIntegratedRequest({ account: { uuid: 'u-7', state: 'on' } })).toBe(true);
    expect(await fitbit.isIntegratedRequest({ user: { uuid: 'u-7', state: 'on' } })).toBe(false);
  });
});
