import type { SubscriberVerification } from '../../emulator-mode.js';

async function statusOfVerify(url: string, code: string): Promise<number> {
  const target = new URL(url);
  target.searchParams.set('verify', code);
  const response = await fetch(target, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  return response.status;
}

/** Fitbit's subscriber check: `?verify=` with the right code (expects 204), then with a wrong one (expects 404). */
export async function verifyFitbitSubscriber(url: string, code: string): Promise<SubscriberVerification> {
  const correctStatus = await statusOfVerify(url, code);
  const incorrectStatus = await statusOfVerify(url, `${code}-not-the-code`);
  return { correctStatus, incorrectStatus, verified: correctStatus === 204 && incorrectStatus === 404 };
}
