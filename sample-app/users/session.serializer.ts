import { Injectable } from '@nestjs/common';
import { PassportSerializer } from '@nestjs/passport';
import type { SampleUser } from './sample-user.entity.js';
import { SampleUsers } from './sample-users.service.js';

/** Keeps only the user id in the session cookie and loads the user on every request. */
@Injectable()
export class SessionSerializer extends PassportSerializer {
  constructor(private readonly users: SampleUsers) {
    super();
  }

  serializeUser(user: SampleUser, done: (error: Error | null, id?: number) => void): void {
    done(null, user.id);
  }

  deserializeUser(id: number, done: (error: Error | null, user?: SampleUser | false) => void): void {
    this.users.findById(id).then(
      (user) => done(null, user && user.isActive ? user : false),
      (error: Error) => done(error),
    );
  }
}
