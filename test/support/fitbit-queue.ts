import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { FITBIT_QUEUE } from '../../lib/fitbit.constants.js';
import { TEST_REDIS_URL } from './service-urls.js';

/** Bull options for a queue no other test run shares; `obliterate` it in teardown. */
export function isolatedQueueOptions(label: string) {
  const url = new URL(TEST_REDIS_URL);
  return { redis: { host: url.hostname, port: Number(url.port || 6379) }, prefix: `t-${label}-${process.pid}-${Date.now()}` };
}

export function fitbitQueueOf(app: INestApplication): Queue {
  return app.get<Queue>(getQueueToken(FITBIT_QUEUE), { strict: false });
}

/** Every job waiting or delayed, oldest first. */
export async function pendingJobs(queue: Queue): Promise<Job[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed']);
  return jobs.sort((a, b) => a.timestamp - b.timestamp || Number(a.id) - Number(b.id));
}
