import type { NextFunction, Request, Response } from 'express';

type Callback = (error?: unknown) => void;

/**
 * passport 0.7 calls `req.session.regenerate()` and `save()` on sign-in and sign-out, which
 * express-session has and cookie-session does not. A cookie session is rewritten on every
 * response, so both can simply go on.
 */
export function sessionShims(req: Request, _res: Response, next: NextFunction): void {
  const session = req.session as unknown as Record<string, unknown> | null | undefined;
  if (session && typeof session.regenerate !== 'function') {
    // Functions are left out of the cookie, which is JSON.
    session.regenerate = (done: Callback) => done();
    session.save = (done: Callback) => done();
  }
  next();
}
