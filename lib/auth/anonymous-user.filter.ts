import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FitbitConfig } from '../config/fitbit-config.js';
import { AnonymousUserException } from './anonymous-user.exception.js';

/** Sends anonymous users to the configured sign-in URL with `?next=` back to where they were. */
@Catch(AnonymousUserException)
@Injectable()
export class AnonymousUserFilter implements ExceptionFilter {
  constructor(private readonly config: FitbitConfig) {}

  catch(_exception: AnonymousUserException, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const separator = this.config.loginUrl.includes('?') ? '&' : '?';
    host.switchToHttp().getResponse<Response>().redirect(`${this.config.loginUrl}${separator}next=${encodeURIComponent(req.originalUrl)}`);
  }
}
