import { All, Controller, Get, HttpCode, NotFoundException, type OnModuleInit, Post, Req, Res, UseFilters } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { FitbitConfig } from '../config/fitbit-config.js';
import { NotificationIntake } from './notification-intake.service.js';
import { RedactedErrorsFilter } from '../logging/redacted-errors.filter.js';

/** body-parser's error types for a body it could not read as JSON. */
const UNREADABLE_BODY = new Set(['entity.parse.failed', 'encoding.unsupported', 'charset.unsupported']);

/** fitbit-update: the provider's subscriber endpoint. No session, no CSRF; the signature is the check. */
@Controller()
@UseFilters(RedactedErrorsFilter)
export class FitbitUpdateController implements OnModuleInit {
  constructor(
    private readonly intake: NotificationIntake,
    private readonly config: FitbitConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('update')
  verify(@Req() req: Request, @Res() res: Response): void {
    res.status(this.intake.verification(req) ?? 404).end();
  }

  @Post('update')
  async receive(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.status(await this.intake.receive(req)).end();
  }

  @All('update')
  @HttpCode(404)
  otherMethods(): never {
    throw new NotFoundException();
  }

  /**
   * Bad JSON must answer 404 here, but the app's JSON parser rejects it (400) before any route runs.
   * Nest calls this hook after its parser and router are in place and before its own error handler,
   * so an Express error middleware added now sees exactly those parse failures; it touches nothing
   * but POSTs to this route.
   */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'express') return;
    const prefix = this.config.routePrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const route = new RegExp(`(^|/)${prefix}${prefix ? '/' : ''}update/?$`);
    const app = adapter.getInstance<{ use(handler: (error: unknown, req: Request, res: Response, next: NextFunction) => void): void }>();
    app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
      const type = (error as { type?: unknown } | null)?.type;
      if (req.method === 'POST' && typeof type === 'string' && UNREADABLE_BODY.has(type) && route.test(req.path)) {
        res.status(404).end();
        return;
      }
      next(error);
    });
  }
}
