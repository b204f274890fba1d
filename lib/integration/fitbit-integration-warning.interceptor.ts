import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, type Observable, switchMap } from 'rxjs';
import { FitbitConfig } from '../config/fitbit-config.js';
import type { RequestLike } from '../config/fitbit-module-options.interface.js';
import { FitbitService, RECONNECT_MESSAGE } from './fitbit.service.js';
import {
  FITBIT_INTEGRATED_LOCAL,
  FITBIT_INTEGRATION_WARNING,
  FITBIT_WARNING_LEVEL,
  type FitbitIntegrationMessage,
} from './integration.constants.js';

/** One entry of `res.locals.messages`. */
export interface FitbitPageMessage {
  level: typeof FITBIT_WARNING_LEVEL;
  text: string;
}

/** Requests already handled, so a class and a handler decorator add one message, not two. */
const handled = new WeakSet<object>();

/**
 * Behind `@FitbitIntegrationWarning()`. When the request's user is not integrated (anonymous and
 * inactive users count as not integrated) it adds the warning where the page can show it:
 * `req.flash('warning', text)` when the host uses connect-flash (or anything that puts a
 * `req.flash` function on the request), and always `{ level: 'warning', text }` appended to
 * `res.locals.messages` for view engines (left alone if the host keeps something other than an
 * array there). It also sets `res.locals.fitbitIntegrated`. The handler always runs; a failing
 * database lookup is not swallowed.
 */
@Injectable()
export class FitbitIntegrationWarningInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: FitbitConfig,
    private readonly fitbit: FitbitService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<RequestLike>();
    if (handled.has(req)) return next.handle();
    handled.add(req);
    const metadata = this.reflector.getAllAndOverride<{ message?: FitbitIntegrationMessage } | undefined>(
      FITBIT_INTEGRATION_WARNING,
      [context.getHandler(), context.getClass()],
    );
    const res = context.switchToHttp().getResponse<RequestLike>();
    return from(this.annotate(req, res, metadata?.message)).pipe(switchMap(() => next.handle()));
  }

  private async annotate(req: RequestLike, res: RequestLike, message: FitbitIntegrationMessage | undefined): Promise<void> {
    const status = await this.fitbit.linkStatusOfRequest(req);
    const integrated = status === 'linked';
    const locals: Record<string, unknown> = (res.locals ??= {});
    locals[FITBIT_INTEGRATED_LOCAL] = integrated;
    if (integrated) return;
    const chosen = status === 'needs-reconnect' ? RECONNECT_MESSAGE : (message ?? this.config.decoratorMessage);
    const text = String(typeof chosen === 'function' ? chosen(req) : chosen);
    if (typeof req.flash === 'function') req.flash(FITBIT_WARNING_LEVEL, text);
    const entry: FitbitPageMessage = { level: FITBIT_WARNING_LEVEL, text };
    if (Array.isArray(locals.messages)) locals.messages.push(entry);
    else if (locals.messages === undefined) locals.messages = [entry];
  }
}
