import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RedactingLogger } from '../logging/redacting-logger.js';
import { CrossSiteRequestError } from './cross-site-request.js';
import { CROSS_SITE_PAGE } from './error-page.js';
import { moduleRoute } from './module-route.js';
import { UntrustedOriginError } from './origin-policy.js';

/** A consent action refused before it started: another site's request (403 page), or an untrusted origin (the error page). */
@Catch(CrossSiteRequestError, UntrustedOriginError)
export class ConsentRefusalFilter implements ExceptionFilter {
  private readonly logger = new RedactingLogger('FitbitAuth');

  catch(error: CrossSiteRequestError | UntrustedOriginError, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof CrossSiteRequestError) {
      res.status(403).type('html').send(CROSS_SITE_PAGE);
      return;
    }
    this.logger.warn(`Connect refused: ${error.message}`);
    res.redirect(moduleRoute(req, 'error'));
  }
}
