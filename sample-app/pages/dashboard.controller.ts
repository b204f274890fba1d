import { Controller, Get, Inject, Query, Render } from '@nestjs/common';
import { FITBIT_PROVIDER, FitbitIntegrationWarning, type FitbitProvider } from '../../lib/index.js';
import { SignedInOnly } from '../users/signed-in-only.decorator.js';
import { dashboardChoices, DEFAULT_PERIOD, DEFAULT_TYPE, isPeriodName, isTypePath } from './dashboard-choices.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The chart page. The page itself only holds the controls; public/dashboard.js asks the module's
 * `get_data` route for the numbers and keeps the choice in the address (`?type=&period=` or
 * `?type=&from=&to=`), so a reload or a shared link shows the same chart.
 */
@Controller()
@SignedInOnly()
export class DashboardController {
  constructor(@Inject(FITBIT_PROVIDER) private readonly provider: FitbitProvider) {}

  @Get('dashboard')
  @FitbitIntegrationWarning('Connect your Fitbit account to see your data here.')
  @Render('dashboard')
  dashboard(@Query('type') type: unknown, @Query('period') period: unknown, @Query('from') from: unknown, @Query('to') to: unknown) {
    const chosenType = isTypePath(type) ? type : DEFAULT_TYPE;
    const range = typeof from === 'string' && DATE.test(from) && typeof to === 'string' && DATE.test(to) ? { from, to } : null;
    const chosenPeriod = isPeriodName(period) ? period : DEFAULT_PERIOD;
    return {
      title: 'Dashboard',
      ...dashboardChoices(chosenType, chosenPeriod, (entry) => this.provider.supportsType(entry)),
      unsupportedNote:
        this.provider.name === 'google-health'
          ? 'Google Health has no equivalent of “{type}”, so there is nothing to chart.'
          : 'Fitbit no longer serves “{type}”, so there is nothing to chart.',
      rangeMode: range !== null,
      from: range?.from ?? '',
      to: range?.to ?? '',
    };
  }
}
