import type { FitbitEmulator } from '../../lib/testing/index.js';
import type { FitbitModuleOptions } from '../../lib/config/fitbit-module-options.interface.js';
import { BrowserSession } from './browser-session.js';
import { TEST_USER_HEADER, type FitbitTestApp } from './fitbit-test-app.js';
import { startStrictEmulator } from './strict-emulators.js';

export const CLIENT_ID = 'test-client';
export const CLIENT_SECRET = 'test-secret';

export const WEBHOOK_AUTHORIZATION = 'Bearer test-webhook-secret';
export const PROJECT_NUMBER = '123456789012';

export type ProviderName = 'fitbit' | 'google-health';
/** For `describe.each(PROVIDERS)`: behaviour both providers share is tested against both emulators. */
export const PROVIDERS: readonly ProviderName[] = ['fitbit', 'google-health'];

export function startEmulator(
  options: { provider?: ProviderName; autoApprove?: boolean; rateLimitPerHour?: number; rateLimitPerMinute?: number } = {},
): Promise<FitbitEmulator> {
  const { provider = 'fitbit', ...rest } = options;
  return startStrictEmulator({
    mode: provider,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    projectNumber: PROJECT_NUMBER,
    webhookAuthorization: WEBHOOK_AUTHORIZATION,
    ...rest,
  });
}

/** Module options that point every upstream call at the emulator, with the emulator's provider. */
export function emulatorOptions(emulator: FitbitEmulator, extra: Partial<FitbitModuleOptions> = {}): FitbitModuleOptions {
  return {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    provider: emulator.modeName,
    endpoints: emulator.urls,
    ...extra,
    googleHealth: { webhookAuthorization: WEBHOOK_AUTHORIZATION, projectNumber: PROJECT_NUMBER, ...extra.googleHealth },
  };
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

/** What differs between the two emulated providers, for tests that run against both. */
export function providerFacts(emulator: FitbitEmulator) {
  const google = emulator.modeName === 'google-health';
  return {
    tokenPath: new URL(emulator.urls.tokenUrl).pathname,
    revokePath: new URL(emulator.urls.revokeUrl).pathname,
    accessTokenLifetimeMs: google ? 3_600_000 : 28_800_000,
    /** The id a link stores: Fitbit's encodedId, or Google's healthUserId. */
    providerUserIdOf: (user: { id: string; healthUserId?: string }) => (google ? user.healthUserId! : user.id),
    /** Whether the emulator still accepts an access token. */
    tokenWorks: async (accessToken: string) => {
      const url = google ? `${emulator.urls.apiUrl}/users/me/identity` : `${emulator.urls.apiUrl}/1/user/-/profile.json`;
      return (await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } })).status === 200;
    },
    /** The emulator user (`EmulatorUser.id`) an access token belongs to; null when the emulator refuses it. */
    tokenOwner: async (accessToken: string): Promise<string | null> => {
      const url = google ? `${emulator.urls.apiUrl}/users/me/identity` : `${emulator.urls.apiUrl}/1/user/-/profile.json`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
      if (response.status !== 200) return null;
      const body = (await response.json()) as { legacyUserId?: string; user?: { encodedId?: string } };
      return (google ? body.legacyUserId : body.user?.encodedId) ?? null;
    },
  };
}
