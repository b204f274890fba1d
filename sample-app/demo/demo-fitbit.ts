import { FitbitEmulator } from '../../lib/testing/index.js';
import type { FitbitEndpoints } from '../../lib/index.js';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_PROJECT_NUMBER,
  DEMO_WEBHOOK_AUTHORIZATION,
  EnvironmentError,
  type SampleSettings,
} from '../config/environment.js';

/** Accounts the consent page offers; fixed ids, so a restarted demo knows the same people. */
const DEMO_ACCOUNTS = [
  { id: 'DEMO01', displayName: 'Alex (demo)', timezone: 'Europe/London', historyDays: 500 },
  { id: 'DEMO02', displayName: 'Sam (demo)', timezone: 'America/New_York', historyDays: 120 },
  { id: 'DEMO03', displayName: 'Riley (demo)', timezone: 'Asia/Tokyo', historyDays: 45 },
];

const EMULATOR_HOST = '127.0.0.1';

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** What a person reads about the demo's stand-in, by provider. */
export function demoEmulatorName(settings: SampleSettings): string {
  return settings.fitbit.provider === 'fitbit' ? 'Fitbit emulator' : 'Google Health emulator';
}

/**
 * Demo mode (no FITBIT_CLIENT_ID): starts the project's emulator in the configured provider's mode
 * (Google Health by default, the legacy Fitbit Web API with FITBIT_PROVIDER=fitbit) with its
 * consent page, and points the module's endpoints at it.
 */
export async function startDemoFitbit(settings: SampleSettings): Promise<FitbitEmulator> {
  const port = settings.demo!.emulatorPort;
  const google = settings.fitbit.provider !== 'fitbit';
  let emulator: FitbitEmulator;
  try {
    emulator = await FitbitEmulator.start({
      mode: google ? 'google-health' : 'fitbit',
      clientId: DEMO_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
      autoApprove: false,
      realTime: true,
      // Fitbit allows 150 calls an hour; a person clicking through every chart would soon hit that.
      rateLimitPerHour: 1000,
      // Google allows 300 a minute; a dashboard's "All" over years of data takes a few dozen.
      rateLimitPerMinute: 3000,
      // Notifications the emulator signs carry the value the app expects (FITBIT_WEBHOOK_AUTHORIZATION).
      webhookAuthorization: settings.fitbit.googleHealth?.webhookAuthorization ?? DEMO_WEBHOOK_AUTHORIZATION,
      projectNumber: settings.fitbit.googleHealth?.projectNumber ?? DEMO_PROJECT_NUMBER,
      host: EMULATOR_HOST,
      port,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new EnvironmentError('FITBIT_EMULATOR_PORT', `port ${port} (for the demo ${demoEmulatorName(settings)}, PORT + 1 unless set) is in use; set FITBIT_EMULATOR_PORT to a free port`);
    }
    throw error;
  }
  for (const account of DEMO_ACCOUNTS) {
    emulator.addUser({ id: account.id, displayName: account.displayName, timezone: account.timezone, memberSince: daysAgo(account.historyDays) });
  }
  settings.fitbit.endpoints = emulator.urls;
  return emulator;
}

/** For `npm run worker` and `npm run cli` in demo mode: the emulator that `npm start` runs. */
export function useRunningDemoFitbit(settings: SampleSettings): void {
  const port = settings.demo!.emulatorPort;
  if (port === 0) {
    throw new EnvironmentError('PORT', `must be the same as for npm start (or set FITBIT_EMULATOR_PORT) so this process finds the demo ${demoEmulatorName(settings)}`);
  }
  settings.fitbit.endpoints = demoEndpoints(settings, `http://${EMULATOR_HOST}:${port}`);
}

/** The emulator's addresses in each mode (what `emulator.urls` says once it listens). */
function demoEndpoints(settings: SampleSettings, base: string): FitbitEndpoints {
  if (settings.fitbit.provider === 'fitbit') {
    return { authorizeUrl: `${base}/oauth2/authorize`, tokenUrl: `${base}/oauth2/token`, revokeUrl: `${base}/oauth2/revoke`, apiUrl: base };
  }
  return {
    authorizeUrl: `${base}/o/oauth2/v2/auth`,
    tokenUrl: `${base}/token`,
    revokeUrl: `${base}/revoke`,
    apiUrl: `${base}/v4`,
    keysetUrl: `${base}/webhooks/webhooks_public_keyset.json`,
  };
}
