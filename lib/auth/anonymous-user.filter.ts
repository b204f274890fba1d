import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FitbitConfig } from '../config/fitbit-config.js';
import { AnonymousUserException } from './anonymous-user.exception.js';

/**
 * Sends anonymous users to the configured sign-in URL with `?next=` back to where they were, except
 * from `complete/`: its query holds the authorization code and state, which must not travel on into
 * the sign-in page's URL (and its HTML, logs and Referer). The consent was lost with the session anyway.
 */
@Catch(AnonymousUserException)
@Injectable()
export class AnonymousUserFilter implements ExceptionFilter {
  constructor(private readonly config: FitbitConfig) {}

  catch(_exception: AnonymousUserException, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (/\/complete\/?$/.test(req.path)) return res.redirect(this.config.loginUrl);
    const separator = this.config.loginUrl.includes('?') ? '&' : '?';
    res.redirect(`${this.config.loginUrl}${separator}next=${encodeURIComponent(req.originalUrl)}`);
  }
}
