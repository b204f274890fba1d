import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { callApi, errorTypeOf, startEmulator } from './helpers/emulator-client.js';

describe('emulator subscriptions', () => {
  let emulator: FitbitEmulator;

  beforeAll(async () => {
    emulator = await startEmulator({ defaultSubscriberId: 'default-sub' });
  });
  afterAll(() => emulator.stop());

  const newUser = () => {
    const user = emulator.addUser();
    return { user, token: emulator.issueTokens(user.id).accessToken };
  };
  const post = (token: string, path: string, subscriberId?: string) =>
    callApi(emulator, token, path, { method: 'POST', headers: subscriberId ? { 'x-fitbit-subscriber-id': subscriberId } : {} });

  it('creates with 201 and the subscription JSON, then 200 for the same id again', async () => {
    const { user, token } = newUser();
    const created = await post(token, '/1/user/-/apiSubscriptions/app-user-1.json', 'sub-7');
    expect(created.status).toBe(201);
    const expected = { collectionType: 'user', ownerId: user.id, ownerType: 'user', subscriberId: 'sub-7', subscriptionId: 'app-user-1' };
    expect(created.body).toEqual(expected);
    const again = await post(token, '/1/user/-/apiSubscriptions/app-user-1.json', 'sub-7');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(expected);
    expect(emulator.subscriptionsOf(user.id)).toEqual([expected]);
  });

  it('uses the default subscriber without X-Fitbit-Subscriber-Id and keeps collections apart', async () => {
    const { user, token } = newUser();
    expect((await post(token, '/1/user/-/activities/apiSubscriptions/s-1.json')).status).toBe(201);
    expect((await post(token, '/1/user/-/sleep/apiSubscriptions/s-1.json')).status).toBe(201);
    expect(emulator.subscriptionsOf(user.id).map((s) => [s.collectionType, s.subscriberId])).toEqual([
      ['activities', 'default-sub'],
      ['sleep', 'default-sub'],
    ]);
  });

  it('answers 409 when the user/collection is subscribed under another id', async () => {
    const { token } = newUser();
    await post(token, '/1/user/-/body/apiSubscriptions/first.json');
    expect((await post(token, '/1/user/-/body/apiSubscriptions/second.json')).status).toBe(409);
  });

  it('answers 409 when the id is used by another user', async () => {
    const a = newUser();
    const b = newUser();
    expect((await post(a.token, '/1/user/-/apiSubscriptions/shared-id.json')).status).toBe(201);
    expect((await post(b.token, '/1/user/-/apiSubscriptions/shared-id.json')).status).toBe(409);
  });

  it('accepts ids up to 50 characters and rejects longer ones with 400', async () => {
    const { token } = newUser();
    expect((await post(token, `/1/user/-/foods/apiSubscriptions/${'x'.repeat(50)}.json`)).status).toBe(201);
    const long = await post(token, `/1/user/-/sleep/apiSubscriptions/${'y'.repeat(51)}.json`);
    expect(long.status).toBe(400);
    expect(errorTypeOf(long.body)).toBe('validation');
  });

  it('answers 404 for an unknown collection and accepts userRevokedAccess', async () => {
    const { token } = newUser();
    expect((await post(token, '/1/user/-/heart/apiSubscriptions/h.json')).status).toBe(404);
    expect((await post(token, '/1/user/-/userRevokedAccess/apiSubscriptions/r.json')).status).toBe(201);
  });

  it('lists the user\'s subscriptions, all or one collection\'s', async () => {
    const { user, token } = newUser();
    await post(token, '/1/user/-/apiSubscriptions/all-1.json', '9');
    await post(token, '/1/user/-/activities/apiSubscriptions/act-1.json', '9');
    const all = await callApi(emulator, token, '/1/user/-/apiSubscriptions.json');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      apiSubscriptions: [
        { collectionType: 'user', ownerId: user.id, ownerType: 'user', subscriberId: '9', subscriptionId: 'all-1' },
        { collectionType: 'activities', ownerId: user.id, ownerType: 'user', subscriberId: '9', subscriptionId: 'act-1' },
      ],
    });
    const activities = await callApi(emulator, token, '/1/user/-/activities/apiSubscriptions.json');
    expect((activities.body as { apiSubscriptions: unknown[] }).apiSubscriptions).toHaveLength(1);
  });

  it('deletes with 204, then 404', async () => {
    const { user, token } = newUser();
    await post(token, '/1/user/-/apiSubscriptions/gone.json');
    expect((await callApi(emulator, token, '/1/user/-/apiSubscriptions/gone.json', { method: 'DELETE' })).status).toBe(204);
    expect(emulator.subscriptionsOf(user.id)).toEqual([]);
    expect((await callApi(emulator, token, '/1/user/-/apiSubscriptions/gone.json', { method: 'DELETE' })).status).toBe(404);
  });

  it('needs a valid token', async () => {
    expect((await post('nope', '/1/user/-/apiSubscriptions/x.json')).status).toBe(401);
  });
});
