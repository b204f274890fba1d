import { Controller, Get, Render } from '@nestjs/common';
import { FitbitIntegrationWarning } from '../../lib/index.js';
import { SignedInOnly } from '../users/signed-in-only.decorator.js';

@Controller()
@SignedInOnly()
export class HomeController {
  /** The warning (the module's decoratorMessage, FITBIT_DECORATOR_MESSAGE) shows until the user connects Fitbit. */
  @Get()
  @FitbitIntegrationWarning()
  @Render('home')
  home() {
    return { title: 'Home' };
  }
}
