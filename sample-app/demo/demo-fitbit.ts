import { FitbitEmulator } from '../../lib/testing/index.js';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, EnvironmentError, type SampleSettings } from '../config/environment.js';

/** Fitbit accounts the consent page offers; fixed ids, so a restarted demo knows the same people. */
const DEMO_ACCOUNTS = [
  { id: 'DEMO01', displayName: 'Alex (demo)', timezone: 'Europe/London', historyDays: 500 },
  { id: 'DEMO02', displayName: 'Sam (demo)', timezone: 'America/New_York', historyDays: 120 },
  { id: 'DEMO03', displayName: 'Riley (demo)', timezone: 'Asia/Tokyo', historyDays: 45 },
];

const EMULATOR_HOST = '127.0.0.1';

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Demo mode (no FITBIT_CLIENT_ID): starts the project's Fitbit emulator with its consent page and
 * points the module's endpoints at it.
 */
export async function startDemoFitbit(settings: SampleSettings): Promise<FitbitEmulator> {
  const port = settings.demo!.emulatorPort;
  let emulator: FitbitEmulator;
  try {
    emulator = await FitbitEmulator.start({
      mode: 'fitbit',
      clientId: DEMO_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
      autoApprove: false,
      realTime: true,
      // Fitbit allows 150 calls an hour; a person clicking through every chart would soon hit that.
      rateLimitPerHour: 1000,
      host: EMULATOR_HOST,
      port,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new EnvironmentError('FITBIT_EMULATOR_PORT', `port ${port} (for the demo Fitbit emulator) is in use; choose a free one`);
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
    throw new EnvironmentError('PORT', 'must be the same as for npm start (or set FITBIT_EMULATOR_PORT) so this process finds the demo Fitbit emulator');
  }
  const base = `http://${EMULATOR_HOST}:${port}`;
  settings.fitbit.endpoints = {
    authorizeUrl: `${base}/oauth2/authorize`,
    tokenUrl: `${base}/oauth2/token`,
    revokeUrl: `${base}/oauth2/revoke`,
    apiUrl: base,
  };
}
