import type { AddressInfo } from 'node:net';
import { Controller, Get, type INestApplication, Res } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NextFunction, Request, Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { FitbitIntegrationRequired, FitbitIntegrationWarning, FitbitService, type FitbitLinkStatus } from '../../lib/index.js';
import { FitbitTestingModule, type FitbitTestingOptions } from '../../lib/testing/index.js';

@Controller('pages')
@FitbitIntegrationWarning()
class PagesController {
  @Get('dashboard')
  dashboard(@Res({ passthrough: true }) res: Response): unknown {
    return { messages: res.locals.messages ?? [], integrated: res.locals.fitbitIntegrated };
  }

  @Get('charts')
  @FitbitIntegrationRequired()
  charts(): string {
    return 'charts';
  }

  @Get('history')
  @FitbitIntegrationRequired({ redirect: true })
  history(): string {
    return 'history';
  }
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The controller in an HTTP app on FitbitTestingModule, with `x-user: <id>` signing a user in. */
async function serve(testing: FitbitTestingOptions = {}): Promise<(path: string, user?: number) => Promise<globalThis.Response>> {
  const moduleRef = await Test.createTestingModule({ imports: [FitbitTestingModule.forRoot(testing)], controllers: [PagesController] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  app.use((req: Request & { user?: unknown }, _res: Response, next: NextFunction) => {
    if (req.headers['x-user']) req.user = { id: Number(req.headers['x-user']) };
    next();
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return (path, user) => fetch(`http://127.0.0.1:${port}${path}`, { headers: user === undefined ? {} : { 'x-user': String(user) }, redirect: 'manual' });
}

describe('FitbitTestingModule', () => {
  it('satisfies what the decorators inject, where the controller alone does not compile', async () => {
    await expect(Test.createTestingModule({ controllers: [PagesController] }).compile()).rejects.toThrow(
      /can't resolve dependencies of the FitbitIntegration(WarningInterceptor|Guard)/,
    );
    const moduleRef = await Test.createTestingModule({ imports: [FitbitTestingModule.forRoot()], controllers: [PagesController] }).compile();
    expect(moduleRef.get(PagesController).charts()).toBe('charts');
    expect(await moduleRef.get(FitbitService).isIntegrated({ id: 1 })).toBe(true);
  });

  it('lets a linked user through (the default) and warns and blocks others', async () => {
    const linked = await serve();
    expect(await (await linked('/pages/dashboard', 1)).json()).toEqual({ messages: [], integrated: true });
    expect(await (await linked('/pages/charts', 1)).text()).toBe('charts');
    // Anonymous users are never integrated.
    expect((await linked('/pages/charts')).status).toBe(403);
    await app!.close();

    const notLinked = await serve({ linkStatus: 'not-linked', options: { decoratorMessage: 'Connect your Fitbit first.' } });
    expect(await (await notLinked('/pages/dashboard', 1)).json()).toEqual({
      messages: [{ level: 'warning', text: 'Connect your Fitbit first.' }],
      integrated: false,
    });
    expect((await notLinked('/pages/charts', 1)).status).toBe(403);
  });

  it('takes the status from a function of the user, and names the routePrefix in redirects', async () => {
    const statusOf = (user: unknown): FitbitLinkStatus => ((user as { id: number }).id === 1 ? 'linked' : 'needs-reconnect');
    const get = await serve({ linkStatus: statusOf, routePrefix: 'health' });
    expect((await get('/pages/charts', 1)).status).toBe(200);
    const redirect = await get('/pages/history', 2);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(`/health/login/?next=${encodeURIComponent('/pages/history')}`);
    const page = (await (await get('/pages/dashboard', 2)).json()) as { messages: { text: string }[] };
    expect(page.messages[0]!.text).toMatch(/connect your Fitbit account again/);
  });
});
