import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { FITBIT_MIGRATIONS, FitbitModule } from 'nestjs-fitbit';
import { FitbitEmulator } from 'nestjs-fitbit/testing';
import request from 'supertest';
import { App } from 'supertest/types.js';
import { AppController } from './../src/app.controller.js';
import { AppService } from './../src/app.service.js';

describe.each(['google-health', 'fitbit'] as const)('Fitbit through the emulator (%s)', (mode) => {
  let emulator: FitbitEmulator;
  let app: INestApplication<App>;
  const appUserId = mode === 'fitbit' ? 2 : 1;

  beforeAll(async () => {
    // strict: every request and answer is checked against Google's discovery document (google-health mode).
    emulator = await FitbitEmulator.start({ mode, clientId: 'test-client', clientSecret: 'test-secret', strict: true });
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL, autoLoadEntities: true, migrations: [...FITBIT_MIGRATIONS], migrationsRun: true }),
        FitbitModule.forRoot({ clientId: 'test-client', clientSecret: 'test-secret', provider: mode, endpoints: emulator.urls, loginRedirect: '/dashboard' }),
      ],
      controllers: [AppController],
      providers: [AppService],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true });
    // Stands in for the app's sign-in: the module reads the user from req.user.
    app.use((req: Request & { user?: unknown }, _res: Response, next: NextFunction) => {
      req.user = { id: appUserId };
      next();
    });
    await app.listen(0, '127.0.0.1');
  });

  afterEach(() => emulator.assertContractKept());

  afterAll(async () => {
    await app.close();
    await emulator.stop();
  });

  it('connects an account (login → consent → complete) and serves its data (get_data)', async () => {
    const fitbitUser = emulator.addUser({ timezone: 'Europe/Paris' });
    emulator.setConsentUser(fitbitUser.id);
    const browser = request.agent(app.getHttpServer());

    const login = await browser.get('/fitbit/login/').expect(302);
    // The emulator's consent page approves at once (autoApprove) and sends the browser back to complete/.
    const consent = await fetch(login.headers.location, { redirect: 'manual' });
    const complete = new URL(consent.headers.get('location')!);
    await browser.get(complete.pathname + complete.search).expect(302).expect('location', '/dashboard');
    await browser.get('/dashboard').expect(200, 'Your Fitbit data');

    const today = emulator.todayOf(fitbitUser.id);
    const { body } = await browser.get('/fitbit/get_data/activities/steps/?period=7d').expect(200);
    expect(body.meta).toEqual({ total_count: 7, status_code: 100 });
    expect(body.objects.at(-1)).toEqual({ dateTime: today, value: emulator.dailyValue(fitbitUser.id, 'activities/steps', today) });
    expect(emulator.stats.refreshCalls(fitbitUser.id)).toBe(0);

    // An expired access token is refreshed once, and the answer is the same.
    emulator.expireAccessTokens(fitbitUser.id);
    await browser.get('/fitbit/get_data/activities/steps/?period=7d').expect(200, body);
    expect(emulator.stats.refreshCalls(fitbitUser.id)).toBe(1);

    // The provider failing: django-fitbit's status code 106, nothing thrown at the page.
    emulator.faults.inject({ path: /steps/, status: 503, times: 1 });
    const failed = await browser.get('/fitbit/get_data/activities/steps/?period=7d').expect(200);
    expect(failed.body.meta.status_code).toBe(106);
  });
});
