import type { EmulatorRequest, EmulatorResponse } from './http-types.js';

export type RouteHandler = (request: EmulatorRequest, match: RegExpExecArray) => EmulatorResponse | Promise<EmulatorResponse>;

export interface Route {
  method: string;
  pattern: RegExp;
  handle: RouteHandler;
}

export interface RouteMisses {
  notFound(request: EmulatorRequest): EmulatorResponse;
  methodNotAllowed(request: EmulatorRequest): EmulatorResponse;
}

/** Picks the first route whose method and path pattern match. */
export class Router {
  constructor(
    private readonly routes: readonly Route[],
    private readonly misses: RouteMisses,
  ) {}

  async dispatch(request: EmulatorRequest): Promise<EmulatorResponse> {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      pathMatched = true;
      if (route.method === request.method) return route.handle(request, match);
    }
    return pathMatched ? this.misses.methodNotAllowed(request) : this.misses.notFound(request);
  }
}
