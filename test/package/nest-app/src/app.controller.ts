import { Controller, Get } from '@nestjs/common';
import { FitbitIntegrationRequired, FitbitIntegrationWarning } from 'nestjs-fitbit';
import { AppService } from './app.service.js';

@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Get()
  @FitbitIntegrationWarning()
  getHello(): string {
    return this.appService.getHello();
  }

  @Get('dashboard')
  @FitbitIntegrationRequired({ redirect: true })
  getDashboard(): string {
    return 'Your Fitbit data';
  }
}
