import {
  type ArgumentsHost,
  applyDecorators,
  type CanActivate,
  Catch,
  type ExceptionFilter,
  type ExecutionContext,
  Injectable,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';

class SignInRequired extends Error {}

@Injectable()
class SignedInPageGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!context.switchToHttp().getRequest<Request>().user) throw new SignInRequired();
    return true;
  }
}

@Catch(SignInRequired)
class SignInRedirectFilter implements ExceptionFilter {
  catch(_error: SignInRequired, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    host.switchToHttp().getResponse<Response>().redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
  }
}

/** The sample's `login_required`: anonymous visitors go to /login?next=<this page>. */
export function SignedInOnly() {
  return applyDecorators(UseGuards(SignedInPageGuard), UseFilters(SignInRedirectFilter));
}
