import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import type { SampleUser } from './sample-user.entity.js';
import { SampleUsers } from './sample-users.service.js';

/** passport-local: the sign-in form's `username` and `password`. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly users: SampleUsers) {
    super();
  }

  async validate(username: string, password: string): Promise<SampleUser | false> {
    return (await this.users.authenticate(username, password)) ?? false;
  }
}
