import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RedactingLogger } from '../logging/redacting-logger.js';
import { OriginPolicy } from './origin-policy.js';

/** A consent action (connect, disconnect) that another site started. */
export class CrossSiteRequestError extends Error {}

/** `login/` and `logout/` run only for the user's own, same-origin intent (login CSRF and forged disconnects). */
@Injectable()
export class SameOriginIntentGuard implements CanActivate {
  private readonly logger = new RedactingLogger('FitbitAuth');

  constructor(private readonly origins: OriginPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const reason = this.origins.crossSiteReason(req);
    if (reason === null) return true;
    this.logger.warn(`Refused ${req.method} ${req.path}: started by another site (${reason})`);
    throw new CrossSiteRequestError(reason);
  }
}
