import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';
import { HomeController } from './home.controller.js';

@Module({ controllers: [HomeController, DashboardController] })
export class PagesModule {}
