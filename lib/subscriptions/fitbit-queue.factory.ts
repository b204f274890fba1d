import Bull from 'bull';
import type { FitbitConfig } from '../config/fitbit-config.js';
import { FITBIT_QUEUE } from '../fitbit.constants.js';

/** The module's one Bull queue; closed with the application. */
export function createFitbitQueue(config: FitbitConfig): Bull.Queue {
  const queue = new Bull(FITBIT_QUEUE, config.queue ?? {});
  return Object.assign(queue, { onApplicationShutdown: () => queue.close() });
}
