import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AnonymousUserException } from './anonymous-user.exception.js';
import { SignedInUsers } from './signed-in-user.js';

/** Django's `login_required` for the module's own pages. */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly users: SignedInUsers) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.users.of(context.switchToHttp().getRequest()) === null) throw new AnonymousUserException();
    return true;
  }
}
