import { Controller, Get, UseGuards } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { FitbitIntegrationRequired } from '../../lib/integration/fitbit-integration-required.decorator.js';
import { FitbitIntegrationGuard } from '../../lib/integration/fitbit-integration.guard.js';
import { createDataSource, type TestDataSource } from '../support/databases.js';
import { type FitbitTestApp, startFitbitTestApp } from '../support/fitbit-test-app.js';
import { as, FITBIT_CREDENTIALS, linkUser } from './integration-fixtures.js';

@Controller('guarded')
class GuardedController {
  @Get('plain')
  @UseGuards(FitbitIntegrationGuard)
  plain() {
    return { ran: 'plain' };
  }

  @Get('required')
  @FitbitIntegrationRequired()
  required() {
    return { ran: 'required' };
  }

  @Get('redirect')
  @FitbitIntegrationRequired({ redirect: true })
  redirect() {
    return { ran: 'redirect' };
  }
}

@Controller('members')
@FitbitIntegrationRequired({ redirect: true })
class MembersController {
  @Get()
  index() {
    return { ran: 'members' };
  }
}

describe('FitbitIntegrationGuard', () => {
  let dataSource: TestDataSource;
  let testApp: FitbitTestApp;

  const get = (path: string, user?: string) => fetch(`${testApp.url}${path}`, { headers: as(user), redirect: 'manual' });

  beforeAll(async () => {
    dataSource = await createDataSource('sqlite');
    testApp = await startFitbitTestApp({
      dataSource,
      fitbit: FitbitModule.forRoot({ ...FITBIT_CREDENTIALS, routePrefix: 'health' }),
      controllers: [GuardedController, MembersController],
    });
    await linkUser(dataSource, '7');
  });

  afterAll(async () => {
    await testApp?.close();
    await dataSource?.destroy();
  });

  it('lets an integrated user through', async () => {
    for (const path of ['/guarded/plain', '/guarded/required', '/guarded/redirect', '/members']) {
      const response = await get(path, '7');
      expect(response.status, path).toBe(200);
      expect(await response.json()).toEqual({ ran: path.split('/').pop() });
    }
  });

  it('answers 403 with a clear message to users who are not integrated', async () => {
    for (const user of ['8', '7;inactive', undefined]) {
      for (const path of ['/guarded/plain', '/guarded/required']) {
        const response = await get(path, user);
        expect(response.status, `${path} as ${user}`).toBe(403);
        expect(await response.json()).toMatchObject({
          statusCode: 403,
          message: 'This page requires Fitbit integration: connect your Fitbit account at /health/login/',
        });
      }
    }
  });

  it('redirects to the module login route with next when asked to', async () => {
    const response = await get('/guarded/redirect?page=2', '8');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/health/login/?next=%2Fguarded%2Fredirect%3Fpage%3D2');

    const anonymous = await get('/members');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/health/login/?next=%2Fmembers');
  });

  it('redirects to the module\'s own login route', async () => {
    // Anonymous, so the module's login/ route sends the user on to sign in first, keeping next.
    const location = (await get('/members')).headers.get('location')!;
    const login = await get(location);
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/health/login/?next=%2Fmembers')}`);
  });
});
