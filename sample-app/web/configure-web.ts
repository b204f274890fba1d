import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieSession from 'cookie-session';
import type { NextFunction, Request, Response } from 'express';
import hbs from 'hbs';
import passport from 'passport';
import { isIntegratedWithFitbit } from '../../lib/index.js';
import type { SampleSettings } from '../config/environment.js';
import { csrfProtection } from './csrf.js';
import { flashMiddleware } from './flash.js';
import { NotFoundPageFilter } from './not-found.filter.js';
import { pageMessages } from './page-messages.js';
import { sessionShims } from './session-shims.js';

const VIEWS = fileURLToPath(new URL('../views', import.meta.url));
const PUBLIC = fileURLToPath(new URL('../public', import.meta.url));
const CHART_JS = dirname(createRequire(import.meta.url).resolve('chart.js'));
const DEMO_SESSION_SECRET = 'nestjs-fitbit sample app: demo session secret, set SESSION_SECRET';

/** Views, assets, sessions, sign-in and messages: everything around the controllers. */
export function configureWebApp(app: NestExpressApplication, settings: SampleSettings): void {
  app.engine('hbs', hbs.__express);
  app.setViewEngine('hbs');
  app.setBaseViewsDir(VIEWS);
  registerPartials(`${VIEWS}/partials`);
  hbs.registerHelper('isIntegratedWithFitbit', isIntegratedWithFitbit);

  app.useStaticAssets(PUBLIC, { prefix: '/static/' });
  // Browsers that ignore the page's <link rel="icon"> still ask for /favicon.ico.
  app.use('/favicon.ico', (_req: Request, res: Response) => res.redirect(301, '/static/favicon.svg'));
  app.useGlobalFilters(new NotFoundPageFilter());
  // Chart.js from node_modules: the dashboard needs no CDN.
  app.useStaticAssets(CHART_JS, { prefix: '/assets/chart.js/' });

  if (settings.sessionSecret === null) {
    new Logger('SampleApp').warn('SESSION_SECRET is not set: using the demo secret. Set it to a long random string outside a demo.');
  }
  app.use(
    cookieSession({
      name: 'sample.session',
      keys: [settings.sessionSecret ?? DEMO_SESSION_SECRET],
      maxAge: 14 * 24 * 3600 * 1000,
      sameSite: 'lax',
      httpOnly: true,
    }),
  );
  app.use(sessionShims);
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(flashMiddleware());
  app.use(csrfProtection(settings));
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.currentUser = req.user ?? null;
    res.locals.fitbitPrefix = `/${settings.routePrefix}`;
    res.locals.demoMode = settings.demo !== null;
    res.locals.upstreamName = settings.fitbit.provider === 'fitbit' ? 'Fitbit' : 'Google Health';
    res.locals.subscribe = settings.subscribe;
    res.locals.csrfToken = (req as Request & { csrfToken?: () => string }).csrfToken?.() ?? '';
    pageMessages(req, res);
    next();
  });
}

function registerPartials(directory: string): void {
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.hbs'))) {
    hbs.registerPartial(basename(file, '.hbs'), readFileSync(`${directory}/${file}`, 'utf8'));
  }
}
