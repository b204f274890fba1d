import type { Request, Response } from 'express';
import { takeFlashed } from './flash.js';

export interface PageMessage {
  level: string;
  text: string;
}

/**
 * Shows every message once: just before a page renders, the flashed messages (connect-flash,
 * from this request or the one before a redirect) join `res.locals.messages`, where
 * `@FitbitIntegrationWarning()` also puts its warning (it flashes it too, hence the de-duplication).
 */
export function pageMessages(req: Request, res: Response): void {
  const render = res.render.bind(res) as (view: string, ...rest: unknown[]) => void;
  res.render = ((view: string, ...rest: unknown[]) => {
    const messages: PageMessage[] = Array.isArray(res.locals.messages) ? [...(res.locals.messages as PageMessage[])] : [];
    for (const [level, texts] of Object.entries(takeFlashed(req))) {
      for (const text of texts) {
        if (!messages.some((message) => message.level === level && message.text === text)) messages.push({ level, text });
      }
    }
    res.locals.messages = messages;
    render(view, ...rest);
  }) as Response['render'];
}
