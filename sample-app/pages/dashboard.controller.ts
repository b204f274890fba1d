import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FITBIT_PROVIDER, FitbitIntegrationWarning, FitbitService, type FitbitProvider } from '../../lib/index.js';
import type { SampleSettings } from '../config/environment.js';
import { SAMPLE_SETTINGS } from '../config/settings.token.js';
import { SignedInOnly } from '../users/signed-in-only.decorator.js';
import { confirmConnectionChange, connectionView } from './connection.js';
import { dashboardChoices, DEFAULT_PERIOD, DEFAULT_TYPE, isPeriodName, isTypePath, periodRanges } from './dashboard-choices.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The chart page. The page itself only holds the controls; public/dashboard.js asks the module's
 * `get_data` route for the numbers and keeps the choice in the address (`?type=&period=` or
 * `?type=&from=&to=`), so a reload or a shared link shows the same chart. A user who is not
 * connected sees no chart at all, whatever is still stored for them: the page never shows data
 * while it says "connect".
 */
@Controller()
@SignedInOnly()
export class DashboardController {
  constructor(
    @Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider,
    private readonly fitbit: FitbitService,
    @Inject(SAMPLE_SETTINGS) private readonly settings: SampleSettings,
  ) {}

  @Get('dashboard')
  @FitbitIntegrationWarning('Connect your Fitbit account to see your data here.')
  async dashboard(
    @Req() req: Request,
    @Res() res: Response,
    @Query('type') type: unknown,
    @Query('period') period: unknown,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
  ): Promise<void> {
    if (await confirmConnectionChange(req, (path) => res.redirect(path), this.fitbit, this.settings)) return;
    const connection = await connectionView(this.fitbit, req);
    const chosenType = isTypePath(type) ? type : DEFAULT_TYPE;
    const range = typeof from === 'string' && DATE.test(from) && typeof to === 'string' && DATE.test(to) ? { from, to } : null;
    const chosenPeriod = isPeriodName(period) ? period : DEFAULT_PERIOD;
    const google = this.provider.name === 'google-health';
    const { today, ranges } = periodRanges(connection.timeZone);
    res.render('dashboard', {
      title: 'Dashboard',
      connection,
      ...dashboardChoices(chosenType, chosenPeriod, (entry) => this.provider.supportsType(entry), google ? 'not available from Google Health' : 'no longer served by Fitbit'),
      unsupportedNote: google
        ? 'Google Health has no equivalent of “{type}”, so there is nothing to chart.'
        : 'Fitbit no longer serves “{type}”, so there is nothing to chart.',
      rangeMode: range !== null,
      from: range?.from ?? ranges[chosenPeriod]?.from ?? '',
      to: range?.to ?? today,
      today,
      ranges: JSON.stringify(ranges),
      timeZone: connection.timeZone ?? 'UTC',
    });
  }
}
