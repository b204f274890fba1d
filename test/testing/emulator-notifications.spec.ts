import { afterEach, describe, expect, it } from 'vitest';
import type { FitbitEmulator, FitbitNotification } from '../../lib/testing/index.js';
import { createSqliteDataSource, type TestDataSource } from '../support/databases.js';
import { startEmulator, type ProviderName } from '../support/fitbit-fixture.js';
import { drained, linkNewUser, startSubscribingApp, storedRows, subscriptionFacts, type SubscribingApp } from '../subscriptions/support/subscriptions-fixture.js';

/** The README's notification examples, run against an app that subscribes (real Redis, a worker in the app). */
describe('sending change notifications from the emulator', () => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let app: SubscribingApp;

  afterEach(async () => {
    await app.queue.obliterate({ force: true });
    await app.close();
    await dataSource.destroy();
    await emulator.stop();
  });

  async function start(provider: ProviderName) {
    emulator = await startEmulator({ provider });
    dataSource = await createSqliteDataSource();
    const fitbit = { subscriptions: { activities: ['steps'] }, ...subscriptionFacts(emulator).appOptions };
    app = await startSubscribingApp(emulator, dataSource, { worker: true, label: `readme-${provider}`, fitbit });
    const fitbitUser = { id: await linkNewUser(emulator, dataSource, '1', { memberSince: '2025-01-01' }) };
    return { fitbitUser, appUrl: app.url, day: emulator.todayOf(fitbitUser.id) };
  }

  async function storedSteps(fitbitUserId: string, day: string) {
    await drained(app.queue, async () => (await storedRows(dataSource, '1')).length === 1);
    expect(await storedRows(dataSource, '1')).toEqual([`1 activities/steps ${day} ${emulator.dailyValue(fitbitUserId, 'activities/steps', day)}`]);
  }

  it('legacy Fitbit: a signed batch naming the changed collection', async () => {
    const { fitbitUser, appUrl, day } = await start('fitbit');
    // #region readme:fitbit-notifications
    const batch: FitbitNotification[] = [{ collectionType: 'activities', date: day, ownerId: fitbitUser.id, ownerType: 'user', subscriptionId: '1' }];
    // Signed with the client secret (X-Fitbit-Signature), as JSON or as the multipart file `updates`.
    const { status } = await emulator.sendNotifications(`${appUrl}/fitbit/update/`, batch, { format: 'multipart' });
    expect(status).toBe(204);
    // #endregion
    await storedSteps(fitbitUser.id, day);
  });

  it('Google Health: a Tink-signed notice of one data type over local days', async () => {
    const { fitbitUser, appUrl, day } = await start('google-health');
    // #region readme:google-notifications
    const notification = emulator.googleNotification(fitbitUser.id, 'steps', { startDate: day });
    // Carries the webhookAuthorization value and an ECDSA signature from the keyset at emulator.urls.keysetUrl.
    const { status } = await emulator.sendGoogleNotification(`${appUrl}/fitbit/update/`, notification);
    expect(status).toBe(204);
    // #endregion
    await storedSteps(fitbitUser.id, day);
  });
});
