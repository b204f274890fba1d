import type { NextFunction, Request, Response } from 'express';

export const TEST_USER_HEADER = 'x-test-user';

/** Stands in for the host's sign-in: `x-test-user: 7` signs in user 7, `x-test-user: 7;inactive` an inactive one. */
export function testSignIn(req: Request, _res: Response, next: NextFunction): void {
  const header = req.headers[TEST_USER_HEADER];
  if (typeof header === 'string' && header !== '') {
    const [id, flag] = header.split(';');
    (req as Request & { user?: unknown }).user = { id: Number(id), username: `user${id}`, isActive: flag !== 'inactive' };
  }
  next();
}
