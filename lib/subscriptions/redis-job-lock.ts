import type { Redis } from 'ioredis';

/**
 * KEYS: lock, fetched, pending. ARGV: owner, lock ttl ms, queuedAt, pending ttl ms.
 * 1 = lock taken (or taken back by its owner, a job restarted after its worker died);
 * 2 = a fetch that started after queuedAt has completed (nothing to do);
 * 0 = held by another owner: queuedAt is left with the holder (the latest one is kept).
 */
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
local fetched = redis.call('GET', KEYS[2])
if fetched and tonumber(fetched) > tonumber(ARGV[3]) then return 2 end
if current == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
local pending = redis.call('GET', KEYS[3])
if pending == false or tonumber(pending) < tonumber(ARGV[3]) then
  redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
end
return 0`;

/** KEYS: lock, pending. ARGV: owner. Returns the pending queuedAt handed over while the lock was held, or nil. */
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
redis.call('DEL', KEYS[1])
local pending = redis.call('GET', KEYS[2])
if pending then redis.call('DEL', KEYS[2]) end
return pending`;

/** KEYS: fetched. ARGV: startedAt, ttl ms. Keeps the latest start. */
const MARK_FETCHED = `
local fetched = redis.call('GET', KEYS[1])
if fetched == false or tonumber(fetched) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`;

export type LockClaim = 'acquired' | 'already-fetched' | 'handed-over';

/**
 * The per-(user, type, date) lock of get_time_series_data, held in Redis so every worker sees it.
 * The owner is the job id: a job that Bull restarts after its worker died takes its own lock back.
 *
 * Beside the lock it keeps, per name, when the last *completed* fetch started, and the latest
 * change handed over by jobs that found the lock held. Each step is one atomic script, so a change
 * is never dropped between "lock is held" and "holder releases".
 */
export class RedisJobLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * `already-fetched` when a fetch that started after `queuedAt` completed; `acquired`; or
   * `handed-over` when another job holds the lock (it will see `queuedAt` when it releases).
   */
  async acquire(name: string, owner: string, ttlMs: number, queuedAt: number): Promise<LockClaim> {
    const keys = [this.key(name), this.key(`fetched:${name}`), this.key(`pending:${name}`)];
    const result = await this.redis.eval(ACQUIRE, 3, ...keys, owner, String(ttlMs), String(queuedAt), String(2 * ttlMs));
    return result === 2 ? 'already-fetched' : result === 1 ? 'acquired' : 'handed-over';
  }

  /** Releases the lock if `owner` holds it; returns the latest queuedAt handed over meanwhile, if any. */
  async release(name: string, owner: string): Promise<number | null> {
    const pending = await this.redis.eval(RELEASE, 2, this.key(name), this.key(`pending:${name}`), owner);
    return pending === null || pending === undefined ? null : Number(pending);
  }

  /** Records that a fetch which started at `startedAt` completed. */
  async markFetched(name: string, startedAt: number, ttlMs: number): Promise<void> {
    await this.redis.eval(MARK_FETCHED, 1, this.key(`fetched:${name}`), String(startedAt), String(ttlMs));
  }

  async lastFetchStarted(name: string): Promise<number | null> {
    const value = await this.redis.get(this.key(`fetched:${name}`));
    return value === null ? null : Number(value);
  }

  private key(name: string): string {
    return `${this.prefix}:lock:${name}`;
  }
}
