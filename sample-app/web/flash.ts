import { createRequire } from 'node:module';
import type { Request, RequestHandler } from 'express';

/**
 * connect-flash, loaded without its type package: @types/connect-flash retypes `req.flash` for
 * the whole TypeScript program, which would clash with other code that defines its own.
 */
export const flashMiddleware = createRequire(import.meta.url)('connect-flash') as () => RequestHandler;

interface FlashingRequest {
  flash(): Record<string, string[]>;
  flash(level: string, text: string): number;
}

/** Shows `text` on the next page rendered for this browser. */
export function flash(req: Request, level: string, text: string): void {
  (req as unknown as FlashingRequest).flash(level, text);
}

/** Every flashed message, by level, removing them from the session. */
export function takeFlashed(req: Request): Record<string, string[]> {
  return (req as unknown as FlashingRequest).flash();
}
