import type { Request } from 'express';

/**
 * The path of another route of the module, next to the one being served: it keeps whatever
 * prefix the host mounted the module under (global prefix, RouterModule, routePrefix).
 */
export function moduleRoute(req: Request, route: string): string {
  const path = (req.originalUrl ?? req.url)
    .split('?')[0]!
    // An absolute-form request target (`GET http://host/fitbit/complete/ HTTP/1.1`) names a host: keep its path only,
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')
    // and never answer with a path a browser would read as another host (`//host`, `/\host`).
    .replace(/^[/\\]+/, '/')
    .replace(/\/+$/, '');
  return `${path.slice(0, path.lastIndexOf('/') + 1)}${route}/`;
}
