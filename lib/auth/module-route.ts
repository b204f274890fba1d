import type { Request } from 'express';

/**
 * The path of another route of the module, next to the one being served: it keeps whatever
 * prefix the host mounted the module under (global prefix, RouterModule, routePrefix).
 */
export function moduleRoute(req: Request, route: string): string {
  const path = (req.originalUrl ?? req.url).split('?')[0]!.replace(/\/+$/, '');
  return `${path.slice(0, path.lastIndexOf('/') + 1)}${route}/`;
}
