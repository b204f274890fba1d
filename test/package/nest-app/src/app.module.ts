import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FITBIT_MIGRATIONS, FitbitModule } from 'nestjs-fitbit';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: process.env.DATABASE_URL,
      autoLoadEntities: true,
      migrations: [...FITBIT_MIGRATIONS],
      migrationsRun: true,
    }),
    FitbitModule.forRoot({
      clientId: process.env.FITBIT_CLIENT_ID!,
      clientSecret: process.env.FITBIT_CLIENT_SECRET!,
      loginRedirect: '/dashboard',
    }),
  ],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
