import { type ArgumentsHost, Catch, type ExceptionFilter, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';

/** A page for people (an address that does not exist), the usual JSON for everything else. */
@Catch(NotFoundException)
export class NotFoundPageFilter implements ExceptionFilter {
  catch(exception: NotFoundException, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (req.accepts(['json', 'html']) === 'html') {
      res.status(404).render('not-found', { title: 'Page not found', path: req.path });
      return;
    }
    res.status(404).json(exception.getResponse());
  }
}
