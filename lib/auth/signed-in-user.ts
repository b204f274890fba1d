import { Injectable } from '@nestjs/common';
import { FitbitConfig } from '../config/fitbit-config.js';
import type { RequestLike } from '../config/fitbit-module-options.interface.js';

export interface SignedInUser {
  user: unknown;
  id: string;
}

/** The app user of a request, through the configured accessors; null when anonymous or inactive. */
@Injectable()
export class SignedInUsers {
  constructor(private readonly config: FitbitConfig) {}

  of(req: RequestLike): SignedInUser | null {
    const user = this.config.users.fromRequest(req);
    if (user === null || user === undefined || !this.config.users.isActive(user)) return null;
    return { user, id: this.config.users.id(user) };
  }
}
