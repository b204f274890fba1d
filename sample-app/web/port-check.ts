import { createServer } from 'node:net';
import { EnvironmentError } from '../config/environment.js';

/** What to say when the app's own port is taken: most often by an earlier `npm start`. */
export function portInUse(port: number): EnvironmentError {
  return new EnvironmentError('PORT', `port ${port} is already in use (is another "npm start" running?); stop it or set PORT to a free port`);
}

/**
 * Fails when the app's port is taken, before demo mode starts the emulator on the next one: a
 * second `npm start` would otherwise be told that the emulator's port is in use.
 */
export async function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? portInUse(port) : error));
    // Where Nest listens by default: every address.
    probe.listen(port, () => probe.close(() => resolve()));
  });
}
