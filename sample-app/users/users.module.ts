import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthController } from './auth.controller.js';
import { LocalStrategy } from './local.strategy.js';
import { SampleUser } from './sample-user.entity.js';
import { SampleUsers } from './sample-users.service.js';
import { SessionSerializer } from './session.serializer.js';

@Module({
  imports: [TypeOrmModule.forFeature([SampleUser]), PassportModule.register({ session: true })],
  controllers: [AuthController],
  providers: [SampleUsers, LocalStrategy, SessionSerializer],
  exports: [SampleUsers],
})
export class UsersModule {}
