import { FitbitEmulator } from '../../lib/testing/index.js';
import type { FitbitModuleOptions } from '../../lib/config/fitbit-module-options.interface.js';
import { BrowserSession } from './browser-session.js';
import { TEST_USER_HEADER, type FitbitTestApp } from './fitbit-test-app.js';

export const CLIENT_ID = 'test-client';
export const CLIENT_SECRET = 'test-secret';

export function startEmulator(options: { autoApprove?: boolean; rateLimitPerHour?: number } = {}): Promise<FitbitEmulator> {
  return FitbitEmulator.start({ mode: 'fitbit', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...options });
}

/** Module options that point every upstream call at the emulator. */
export function emulatorOptions(emulator: FitbitEmulator, extra: Partial<FitbitModuleOptions> = {}): FitbitModuleOptions {
  return { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, endpoints: emulator.urls, ...extra };
}

/** A browser signed in to the app as `appUserId`. */
export function browserFor(appUserId: number): BrowserSession {
  return new BrowserSession({ [TEST_USER_HEADER]: String(appUserId) });
}

/**
 * Walks login → emulator authorize (auto-approve) → complete, returning where the app sent the
 * browser in the end (the first URL that is neither the emulator nor a module route).
 */
export async function connectThroughEmulator(
  app: FitbitTestApp,
  browser: BrowserSession,
  options: { next?: string } = {},
): Promise<string> {
  const query = options.next === undefined ? '' : `?next=${encodeURIComponent(options.next)}`;
  const { url } = await browser.follow(`${app.url}/fitbit/login/${query}`, {
    stopAt: (next) => next.startsWith(app.url) && !new URL(next).pathname.startsWith('/fitbit/'),
  });
  return url;
}
