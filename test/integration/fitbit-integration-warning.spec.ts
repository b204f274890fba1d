import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Render, Req, Res } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FitbitModuleOptions } from '../../lib/config/fitbit-module-options.interface.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { FitbitIntegrationWarning } from '../../lib/integration/fitbit-integration-warning.decorator.js';
import { isIntegratedWithFitbit } from '../../lib/integration/template-helpers.js';
import { createDataSource, type TestDataSource } from '../support/databases.js';
import { type FitbitTestApp, startFitbitTestApp } from '../support/fitbit-test-app.js';
import { as, FITBIT_CREDENTIALS, linkUser } from './integration-fixtures.js';

const DEFAULT_MESSAGE = 'This page requires Fitbit integration.';
type Flashing = Request & { flashed?: [string, string][] };

/** What the handler saw: proves it ran, and shows the request's messages. */
function seen(req: Flashing, res: Response) {
  return {
    ran: true,
    messages: res.locals.messages ?? null,
    fitbitIntegrated: res.locals.fitbitIntegrated ?? null,
    helper: isIntegratedWithFitbit(res.locals),
    flashed: req.flashed ?? null,
  };
}

@Controller('pages')
class PagesController {
  @Get('default')
  @FitbitIntegrationWarning()
  byDefault(@Req() req: Flashing, @Res({ passthrough: true }) res: Response) {
    return seen(req, res);
  }

  @Get('custom')
  @FitbitIntegrationWarning('Integrate your account with Fitbit!')
  custom(@Req() req: Flashing, @Res({ passthrough: true }) res: Response) {
    return seen(req, res);
  }

  @Get('function')
  @FitbitIntegrationWarning((req) => `Connect Fitbit to see your ${String(req.query.section)}.`)
  fromFunction(@Req() req: Flashing, @Res({ passthrough: true }) res: Response) {
    return seen(req, res);
  }

  @Get('undecorated')
  undecorated(@Req() req: Flashing, @Res({ passthrough: true }) res: Response) {
    return seen(req, res);
  }

  @Get('rendered')
  @FitbitIntegrationWarning('Rendered warning')
  @Render('page')
  rendered() {
    return { title: 'Steps' };
  }
}

@Controller('section')
@FitbitIntegrationWarning('Section warning')
class SectionController {
  @Get('inherits')
  inherits(@Req() req: Flashing, @Res({ passthrough: true }) res: Response) {
    return seen(req, res);
  }

  @Get('overrides')
  @FitbitIntegrationWarning('Handler warning')
  overrides(@Req() req: Flashing, @Res({ passthrough: true }) res: Response) {
    return seen(req, res);
  }
}

async function get(testApp: FitbitTestApp, path: string, user?: string) {
  const response = await fetch(`${testApp.url}${path}`, { headers: as(user) });
  expect(response.status).toBe(200);
  return (await response.json()) as ReturnType<typeof seen>;
}

const warning = (text: string) => [{ level: 'warning', text }];

async function startApp(
  options: Partial<FitbitModuleOptions> = {},
  middleware?: ((req: Request, res: Response, next: NextFunction) => void)[],
): Promise<{ dataSource: TestDataSource; testApp: FitbitTestApp }> {
  const dataSource = await createDataSource('sqlite');
  const testApp = await startFitbitTestApp({
    dataSource,
    fitbit: FitbitModule.forRoot({ ...FITBIT_CREDENTIALS, ...options }),
    controllers: [PagesController, SectionController],
    ...(middleware ? { middleware } : {}),
  });
  await linkUser(dataSource, '7');
  await linkUser(dataSource, '9');
  return { dataSource, testApp };
}

describe('@FitbitIntegrationWarning', () => {
  let dataSource: TestDataSource;
  let testApp: FitbitTestApp;
  let views: string;

  beforeAll(async () => {
    ({ dataSource, testApp } = await startApp());
    // A minimal view engine: it gets app.locals + res.locals + the handler's result, as hbs/ejs/pug do.
    views = mkdtempSync(join(tmpdir(), 'fitbit-views-'));
    writeFileSync(join(views, 'page.txt'), '');
    const express = testApp.app as NestExpressApplication;
    express.engine('txt', (_path: string, context: object, done: (error: unknown, html?: string) => void) => {
      const { title, messages } = context as { title: string; messages?: unknown };
      done(null, JSON.stringify({ title, messages: messages ?? null, integrated: isIntegratedWithFitbit({ data: { root: context } }) }));
    });
    express.setBaseViewsDir(views);
    express.setViewEngine('txt');
  });

  afterAll(async () => {
    await testApp?.close();
    await dataSource?.destroy();
    if (views) rmSync(views, { recursive: true, force: true });
  });

  it('adds the default message for an anonymous user and still runs the handler', async () => {
    expect(await get(testApp, '/pages/default')).toEqual({
      ran: true,
      messages: warning(DEFAULT_MESSAGE),
      fitbitIntegrated: false,
      helper: false,
      flashed: null,
    });
  });

  it('adds nothing for an integrated user', async () => {
    expect(await get(testApp, '/pages/default', '7')).toEqual({
      ran: true,
      messages: null,
      fitbitIntegrated: true,
      helper: true,
      flashed: null,
    });
  });

  it('adds the message for a signed-in user who is not integrated', async () => {
    expect(await get(testApp, '/pages/default', '8')).toMatchObject({
      ran: true,
      messages: warning(DEFAULT_MESSAGE),
      fitbitIntegrated: false,
      helper: false,
    });
  });

  it('counts an inactive user as not integrated even with a link', async () => {
    expect(await get(testApp, '/pages/default', '9')).toMatchObject({ messages: null, fitbitIntegrated: true });
    expect(await get(testApp, '/pages/default', '9;inactive')).toMatchObject({
      ran: true,
      messages: warning(DEFAULT_MESSAGE),
      fitbitIntegrated: false,
    });
    expect((await get(testApp, '/pages/default', '7;inactive')).messages).toEqual(warning(DEFAULT_MESSAGE));
  });

  it('uses a custom message', async () => {
    expect((await get(testApp, '/pages/custom', '8')).messages).toEqual(warning('Integrate your account with Fitbit!'));
    expect((await get(testApp, '/pages/custom', '7')).messages).toBeNull();
  });

  it('calls a message function with the request', async () => {
    expect((await get(testApp, '/pages/function?section=steps', '8')).messages).toEqual(warning('Connect Fitbit to see your steps.'));
    expect((await get(testApp, '/pages/function?section=sleep')).messages).toEqual(warning('Connect Fitbit to see your sleep.'));
    expect((await get(testApp, '/pages/function?section=steps', '7')).messages).toBeNull();
  });

  it('leaves undecorated handlers alone', async () => {
    expect(await get(testApp, '/pages/undecorated', '8')).toMatchObject({ ran: true, messages: null, fitbitIntegrated: null });
  });

  it('works on a controller, a handler decorator overriding it, with one message per request', async () => {
    expect((await get(testApp, '/section/inherits', '8')).messages).toEqual(warning('Section warning'));
    expect((await get(testApp, '/section/overrides', '8')).messages).toEqual(warning('Handler warning'));
    expect(await get(testApp, '/section/overrides', '7')).toMatchObject({ messages: null, fitbitIntegrated: true });
  });

  it('reaches a view engine through res.locals, with the template helper', async () => {
    const notIntegrated = await fetch(`${testApp.url}/pages/rendered`, { headers: as('8') });
    expect(notIntegrated.status).toBe(200);
    expect(await notIntegrated.json()).toEqual({ title: 'Steps', messages: warning('Rendered warning'), integrated: false });
    const integrated = await fetch(`${testApp.url}/pages/rendered`, { headers: as('7') });
    expect(await integrated.json()).toEqual({ title: 'Steps', messages: null, integrated: true });
  });
});

describe('@FitbitIntegrationWarning with the decoratorMessage option', () => {
  const apps: { dataSource: TestDataSource; testApp: FitbitTestApp }[] = [];

  afterAll(async () => {
    for (const { testApp, dataSource } of apps) {
      await testApp.close();
      await dataSource.destroy();
    }
  });

  it('uses the module default when the decorator gives no message', async () => {
    const started = await startApp({ decoratorMessage: 'Please connect your Fitbit.' });
    apps.push(started);
    expect((await get(started.testApp, '/pages/default', '8')).messages).toEqual(warning('Please connect your Fitbit.'));
    expect((await get(started.testApp, '/pages/custom', '8')).messages).toEqual(warning('Integrate your account with Fitbit!'));
  });

  it('calls a module default function with the request', async () => {
    const started = await startApp({ decoratorMessage: (req) => `Fitbit needed for ${String(req.path)}` });
    apps.push(started);
    expect((await get(started.testApp, '/pages/default', '8')).messages).toEqual(warning('Fitbit needed for /pages/default'));
  });
});

describe('@FitbitIntegrationWarning in a host with flash messages', () => {
  let dataSource: TestDataSource;
  let testApp: FitbitTestApp;

  /** Stands in for connect-flash: records `req.flash(type, message)` calls. */
  function flashShim(req: Request, _res: Response, next: NextFunction): void {
    const flashing = req as Flashing & { flash?: (type: string, message: string) => void };
    flashing.flash = (type, message) => {
      (flashing.flashed ??= []).push([type, message]);
    };
    next();
  }

  /** A host that already put a message on the page. */
  function earlierMessage(_req: Request, res: Response, next: NextFunction): void {
    res.locals.messages = [{ level: 'info', text: 'Welcome back' }];
    next();
  }

  beforeAll(async () => {
    ({ dataSource, testApp } = await startApp({}, [flashShim, earlierMessage]));
  });

  afterAll(async () => {
    await testApp?.close();
    await dataSource?.destroy();
  });

  it('flashes the warning through req.flash when the host has it', async () => {
    expect((await get(testApp, '/pages/custom', '8')).flashed).toEqual([['warning', 'Integrate your account with Fitbit!']]);
    expect((await get(testApp, '/pages/default')).flashed).toEqual([['warning', DEFAULT_MESSAGE]]);
  });

  it('does not flash for an integrated user', async () => {
    expect((await get(testApp, '/pages/custom', '7')).flashed).toBeNull();
  });

  it('appends to the messages already on res.locals', async () => {
    expect((await get(testApp, '/pages/custom', '8')).messages).toEqual([
      { level: 'info', text: 'Welcome back' },
      { level: 'warning', text: 'Integrate your account with Fitbit!' },
    ]);
    expect((await get(testApp, '/pages/custom', '7')).messages).toEqual([{ level: 'info', text: 'Welcome back' }]);
  });
});

describe('isIntegratedWithFitbit', () => {
  it('reads fitbitIntegrated from locals or from a Handlebars options argument', () => {
    expect(isIntegratedWithFitbit({ fitbitIntegrated: true })).toBe(true);
    expect(isIntegratedWithFitbit({ fitbitIntegrated: false, data: { root: { fitbitIntegrated: true } } })).toBe(false);
    expect(isIntegratedWithFitbit({ hash: {}, data: { root: { fitbitIntegrated: true } } })).toBe(true);
    expect(isIntegratedWithFitbit({ fitbitIntegrated: 'yes' })).toBe(false);
    expect(isIntegratedWithFitbit({})).toBe(false);
    expect(isIntegratedWithFitbit(undefined)).toBe(false);
  });
});
