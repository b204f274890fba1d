import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FitbitIntegrationWarning, FitbitService } from '../../lib/index.js';
import type { SampleSettings } from '../config/environment.js';
import { SAMPLE_SETTINGS } from '../config/settings.token.js';
import { SignedInOnly } from '../users/signed-in-only.decorator.js';
import { confirmConnectionChange, connectionView } from './connection.js';

@Controller()
@SignedInOnly()
export class HomeController {
  constructor(
    private readonly fitbit: FitbitService,
    @Inject(SAMPLE_SETTINGS) private readonly settings: SampleSettings,
  ) {}

  /** The warning (the module's decoratorMessage, FITBIT_DECORATOR_MESSAGE) shows until the user connects Fitbit. */
  @Get()
  @FitbitIntegrationWarning()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (await confirmConnectionChange(req, (path) => res.redirect(path), this.fitbit, this.settings)) return;
    res.render('home', { title: 'Home', connection: await connectionView(this.fitbit, req) });
  }
}
