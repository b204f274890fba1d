import {
  type ArgumentsHost,
  type CanActivate,
  Catch,
  type ExceptionFilter,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { FitbitConfig } from '../config/fitbit-config.js';
import { FitbitService } from './fitbit.service.js';
import { FITBIT_INTEGRATION_REQUIRED } from './integration.constants.js';

/** Options of `@FitbitIntegrationRequired()`. */
export interface FitbitIntegrationRequiredOptions {
  /**
   * Send users who are not integrated to the module's `login/` route (`/<routePrefix>/login/`)
   * with `?next=` back to the page, instead of answering 403. Default false.
   */
  redirect?: boolean;
}

/**
 * Thrown by FitbitIntegrationGuard when the route asks for a redirect; FitbitIntegrationRedirectFilter
 * (applied by `@FitbitIntegrationRequired()`) turns it into the redirect. Without the filter it
 * is still a plain 403.
 */
export class FitbitIntegrationRedirectException extends ForbiddenException {
  constructor(
    login: string,
    readonly location: string,
  ) {
    super(forbiddenMessage(login));
  }
}

function forbiddenMessage(login: string): string {
  return `This page requires Fitbit integration: connect your Fitbit account at ${login}`;
}

/**
 * Blocks users who are not integrated with Fitbit (anonymous and inactive users included), for
 * hosts that want more than `@FitbitIntegrationWarning()`. Integrated users pass. Others get a
 * 403 ForbiddenException naming the module's `login/` route, or, with
 * `@FitbitIntegrationRequired({ redirect: true })`, a redirect to it with `?next=` the original
 * URL. Use it through `@FitbitIntegrationRequired()`, or `@UseGuards(FitbitIntegrationGuard)`
 * for the 403 only. The redirect path is `/<routePrefix>/login/`; it does not include an app-wide
 * global prefix.
 */
@Injectable()
export class FitbitIntegrationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: FitbitConfig,
    private readonly fitbit: FitbitService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (await this.fitbit.isIntegratedRequest(req)) return true;
    const options = this.reflector.getAllAndOverride<FitbitIntegrationRequiredOptions | undefined>(
      FITBIT_INTEGRATION_REQUIRED,
      [context.getHandler(), context.getClass()],
    );
    const login = `/${this.config.routePrefix}/login/`;
    if (options?.redirect) throw new FitbitIntegrationRedirectException(login, `${login}?next=${encodeURIComponent(req.originalUrl)}`);
    throw new ForbiddenException(forbiddenMessage(login));
  }
}

/** Answers FitbitIntegrationRedirectException with a 302 to its location. */
@Catch(FitbitIntegrationRedirectException)
export class FitbitIntegrationRedirectFilter implements ExceptionFilter {
  catch(exception: FitbitIntegrationRedirectException, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().redirect(exception.location);
  }
}
