import { FitbitEmulator, type FitbitEmulatorOptions } from '../../lib/testing/index.js';

const started = new Set<FitbitEmulator>();

/**
 * The suite's emulators are held to the contract: `strict` in google-health mode (every violation of
 * Google's discovery document is recorded, see contract.setup.ts) and PKCE S256 required in both
 * modes (the module's own client always sends it; the emulator's default is Fitbit's leniency).
 */
export async function startStrictEmulator(options: FitbitEmulatorOptions): Promise<FitbitEmulator> {
  const emulator = await FitbitEmulator.start({ strict: true, requirePkce: true, ...options });
  started.add(emulator);
  return emulator;
}

/** Fails with every contract violation any of this file's emulators saw since the last check. */
export function assertContractsKept(): void {
  const failures: string[] = [];
  for (const emulator of started) {
    try {
      emulator.assertContractKept();
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
}
