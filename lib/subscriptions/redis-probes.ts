import type { Redis } from 'ioredis';
import { DependencyUnreachableError, withinTimeout } from '../health/dependency-probes.js';
import { describeNoAnswer } from '../providers/upstream-fetch.js';

/** `127.0.0.1:6379/2` of an ioredis client: where it connects, never its password. */
export function redisAddress(client: Redis): string {
  const { host, port, path, db } = client.options;
  const where = path ? path : `${host ?? '127.0.0.1'}:${port ?? 6379}`;
  return db ? `${where}/${db}` : where;
}

/**
 * PING through the client, bounded. ioredis keeps commands for a client that cannot connect and
 * retries for ever, so without the bound a dead Redis is a silent hang. The error names the
 * client's last connection error (`connect ECONNREFUSED 127.0.0.1:6390`) when it had one.
 * `onlyIfConnected`: a client that is not connected fails at once instead of waiting for the
 * connection (a health check during an outage must not pile up commands in ioredis's queue).
 */
export async function pingRedis(client: Redis, timeoutMs: number, onlyIfConnected = false): Promise<void> {
  if (onlyIfConnected && client.status !== 'ready') {
    throw new DependencyUnreachableError('redis', redisAddress(client), `is not connected (${client.status})`);
  }
  let lastError: Error | null = null;
  const onError = (error: Error) => (lastError = error);
  client.on('error', onError);
  try {
    await withinTimeout(client.ping(), timeoutMs, () => {
      const why = lastError ? ` (${describeNoAnswer(lastError, timeoutMs)})` : '';
      return new DependencyUnreachableError('redis', redisAddress(client), `did not answer within ${timeoutMs} ms${why}`);
    });
  } catch (error) {
    if (error instanceof DependencyUnreachableError) throw error;
    throw new DependencyUnreachableError('redis', redisAddress(client), `refused: ${describeNoAnswer(error, timeoutMs)}`);
  } finally {
    client.off('error', onError);
  }
}
