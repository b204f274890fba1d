import type { Redis } from 'ioredis';

const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The per-(user, type, date) lock of get_time_series_data, held in Redis so every worker sees it.
 * The owner is the job id: a job that Bull restarts after its worker died takes its own lock back.
 */
export class RedisJobLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.key(name), owner, String(ttlMs))) === 1;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(name), owner);
  }

  /** Records that a fetch of `name` started now; returns nothing. */
  async markFetchStarted(name: string, at: number, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(`fetched:${name}`), String(at), 'PX', ttlMs);
  }

  async lastFetchStarted(name: string): Promise<number | null> {
    const value = await this.redis.get(this.key(`fetched:${name}`));
    return value === null ? null : Number(value);
  }

  private key(name: string): string {
    return `${this.prefix}:lock:${name}`;
  }
}
