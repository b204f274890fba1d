import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { csrfSync } from 'csrf-sync';
import type { SampleSettings } from '../config/environment.js';

/**
 * CSRF tokens for the sample's own forms (sign-in, sign-out, Disconnect Fitbit): csrf-sync's
 * synchroniser token, kept in the (cookie) session and sent back as the `_csrf` form field. Every
 * unsafe request needs it, except the provider's notifications at `update/`, which carry no session
 * and are checked by their signature. A host app does the same for its forms (see the README).
 */
export function csrfProtection(settings: SampleSettings): RequestHandler {
  const update = `/${settings.routePrefix}/update`;
  const { csrfSynchronisedProtection } = csrfSync({
    getTokenFromRequest: (req) => (req.body as { _csrf?: string } | undefined)?._csrf,
    skipCsrfProtection: (req) => req.path.replace(/\/+$/, '') === update,
  });
  // Nest parses bodies after the app's own middleware; the token check needs the form fields now.
  const forms = express.urlencoded({ extended: false });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.replace(/\/+$/, '') === update) return next();
    forms(req, res, (error?: unknown) => (error ? next(error) : csrfSynchronisedProtection(req, res, next)));
  };
}
