import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorUser, FitbitEmulator } from '../../../lib/testing/index.js';
import { asJson, errorOf, startGoogleEmulator, type JsonAnswer } from './helpers/google-client.js';

const PROJECT = '987654321098';
const PROJECT_TOKEN = 'the-project-token';

describe('google-health MANUAL subscriptions (project credentials)', () => {
  let emulator: FitbitEmulator;
  let user: EmulatorUser;

  const call = async (method: string, path: string, token: string | null = PROJECT_TOKEN, body?: unknown): Promise<JsonAnswer> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    return asJson(await fetch(`${emulator.urls.apiUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
  };
  const base = `/projects/${PROJECT}/subscribers/sub-1/subscriptions`;

  beforeAll(async () => {
    emulator = await startGoogleEmulator({ projectNumber: PROJECT, projectAccessToken: PROJECT_TOKEN });
    user = emulator.addUser();
  });
  afterAll(() => emulator.stop());

  it('creates, lists and deletes a user\'s subscription with the project token', async () => {
    const created = await call('POST', base, PROJECT_TOKEN, { user: `users/${user.healthUserId}`, dataTypes: ['steps', 'sleep'] });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ user: `users/${user.healthUserId}`, dataTypes: ['steps', 'sleep'] });
    expect(created.body.name).toMatch(new RegExp(`^projects/${PROJECT}/subscribers/sub-1/subscriptions/[a-z][a-z0-9-]*$`));
    expect(Object.keys(created.body).sort()).toEqual(['dataTypes', 'name', 'user']);
    expect(emulator.manualSubscriptions()).toEqual([
      expect.objectContaining({ name: created.body.name, subscriberId: 'sub-1', user: `users/${user.healthUserId}`, dataTypes: ['steps', 'sleep'] }),
    ]);

    const listed = await call('GET', base);
    expect(listed.status).toBe(200);
    expect(listed.body.subscriptions.map((s: { name: string }) => s.name)).toEqual([created.body.name]);
    expect((await call('GET', `/projects/${PROJECT}/subscribers/other/subscriptions`)).body).toEqual({ subscriptions: [] });

    const id = (created.body.name as string).split('/').pop();
    expect(await call('DELETE', `${base}/${id}`)).toMatchObject({ status: 200, body: {} });
    expect(emulator.manualSubscriptions()).toEqual([]);
    expect((await call('DELETE', `${base}/${id}`)).status).toBe(404);
  });

  it('refuses without the project token: 401 without credentials or with a bad one, 403 with a user\'s token or another project', async () => {
    const body = { user: `users/${user.healthUserId}`, dataTypes: ['steps'] };
    const missing = await call('POST', base, null, body);
    expect(missing.status).toBe(401);
    expect(errorOf(missing.body).status).toBe('UNAUTHENTICATED');
    expect((await call('POST', base, 'not-a-token', body)).status).toBe(401);
    const userToken = emulator.issueTokens(user.id).accessToken;
    const withUserToken = await call('POST', base, userToken, body);
    expect(withUserToken.status).toBe(403);
    expect(errorOf(withUserToken.body).status).toBe('PERMISSION_DENIED');
    expect((await call('POST', `/projects/111/subscribers/sub-1/subscriptions`, PROJECT_TOKEN, body)).status).toBe(403);
    expect((await call('GET', base, null)).status).toBe(401);
    expect(emulator.manualSubscriptions()).toEqual([]);
  });

  it('validates the body: users/{healthUserId} of a known user, and data types that have webhooks', async () => {
    expect((await call('POST', base, PROJECT_TOKEN, { user: user.healthUserId, dataTypes: ['steps'] })).status).toBe(400);
    expect((await call('POST', base, PROJECT_TOKEN, { user: 'users/12345678901234567890', dataTypes: ['steps'] })).status).toBe(404);
    expect((await call('POST', base, PROJECT_TOKEN, { user: `users/${user.healthUserId}`, dataTypes: [] })).status).toBe(400);
    const noWebhooks = await call('POST', base, PROJECT_TOKEN, { user: `users/${user.healthUserId}`, dataTypes: ['basal-energy-burned'] });
    expect(noWebhooks.status).toBe(400);
    expect(errorOf(noWebhooks.body).status).toBe('INVALID_ARGUMENT');
    expect((await call('POST', base, PROJECT_TOKEN, { user: `users/${user.healthUserId}`, dataTypes: ['steps'], createTime: '2026-03-01T00:00:00Z' })).status).toBe(400);
    expect(emulator.takeContractViolations()).toHaveLength(4);
    expect(emulator.manualSubscriptions()).toEqual([]);
  });

  it('lists in pages (50 unless asked) and filters on user = "users/{healthUserId}"', async () => {
    const others = [emulator.addUser(), emulator.addUser()];
    const created: string[] = [];
    for (let index = 0; index < 60; index++) {
      const owner = index % 3 === 0 ? user : others[index % 2]!;
      created.push((await call('POST', base, PROJECT_TOKEN, { user: `users/${owner.healthUserId}`, dataTypes: ['steps'] })).body.name);
    }
    const first = await call('GET', base);
    expect(first.body.subscriptions).toHaveLength(50);
    const rest = await call('GET', `${base}?pageToken=${encodeURIComponent(first.body.nextPageToken)}`);
    expect(rest.body.nextPageToken).toBeUndefined();
    expect([...first.body.subscriptions, ...rest.body.subscriptions].map((s: { name: string }) => s.name)).toEqual(created);

    const filter = encodeURIComponent(`user = "users/${user.healthUserId}"`);
    const mine: string[] = [];
    let pageToken = '';
    do {
      const page = await call('GET', `${base}?filter=${filter}&pageSize=7${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`);
      expect(page.body.subscriptions.length).toBeLessThanOrEqual(7);
      mine.push(...page.body.subscriptions.map((s: { user: string; name: string }) => `${s.user} ${s.name}`));
      pageToken = page.body.nextPageToken ?? '';
    } while (pageToken);
    expect(mine).toEqual(created.filter((_name, index) => index % 3 === 0).map((name) => `users/${user.healthUserId} ${name}`));
    expect((await call('GET', `${base}?filter=${encodeURIComponent('user:users/1')}`)).status).toBe(400);
    expect((await call('GET', `${base}?orderBy=name`)).status).toBe(400);
    expect(emulator.takeContractViolations()).toHaveLength(2);
    for (const name of created) await call('DELETE', `/${name}`);
    expect(emulator.manualSubscriptions()).toEqual([]);
  });

  it('takes the caller\'s subscriptionId', async () => {
    const created = await call('POST', `${base}?subscriptionId=user-42`, PROJECT_TOKEN, { user: `users/${user.healthUserId}`, dataTypes: ['sleep'] });
    expect(created.body.name).toBe(`${base.slice(1)}/user-42`);
    expect((await call('POST', `${base}?subscriptionId=user-42`, PROJECT_TOKEN, { user: `users/${user.healthUserId}`, dataTypes: ['sleep'] })).status).toBe(409);
    expect(await call('DELETE', `${base}/user-42`)).toMatchObject({ status: 200, body: {} });
  });

  it('uses the defaults: project 123456789012 and token "project-token"', async () => {
    const defaults = await startGoogleEmulator();
    try {
      const someone = defaults.addUser();
      const answer = await fetch(`${defaults.urls.apiUrl}/projects/123456789012/subscribers/s/subscriptions`, {
        method: 'POST',
        headers: { authorization: 'Bearer project-token', 'content-type': 'application/json' },
        body: JSON.stringify({ user: `users/${someone.healthUserId}`, dataTypes: ['weight'] }),
      });
      expect(answer.status).toBe(200);
    } finally {
      await defaults.stop();
    }
  });
});
