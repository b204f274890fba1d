import { InjectQueue } from '@nestjs/bull';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { FITBIT_QUEUE } from '../fitbit.constants.js';
import { SubscriptionParts } from '../subscription-parts.js';
import type { ImportPlan, ImportProgressMessage, ImportProgressRecord, ImportTypeProgress } from './import-progress.types.js';
import {
  isInvalidGrant,
  ProviderError,
  ProviderForbiddenError,
  ProviderRateLimitError,
  ProviderServerError,
  ProviderUnauthorizedError,
  ProviderUnavailableError,
} from '../providers/provider-errors.js';

const TTL_MS = 30 * 86_400_000;
const TYPE_FIELD = 't:';

/**
 * KEYS: plan. ARGV: field, entry, ttl. Updates a planned type only (a job of an older or foreign
 * connect changes nothing); returns {finished, total}, or nil when the type is not planned.
 */
const MARK = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return nil end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local finished, total = 0, 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 2) == '${TYPE_FIELD}' then
    total = total + 1
    local state = cjson.decode(fields[i + 1]).state
    if state == 'done' or state == 'failed' then finished = finished + 1 end
  end
end
return {finished, total}`;

/**
 * The history import of each connected account, in Redis beside its jobs: the connect writes the
 * plan (one entry per type queued), each worker marks its type running, done or failed. Every app
 * process and worker sharing the Redis sees the same progress; a change is published on a channel
 * so that listeners in any process hear of it.
 */
@Injectable()
export class ImportProgress implements ImportProgressRecord, OnApplicationShutdown {
  private readonly listeners = new Set<(message: ImportProgressMessage) => void>();
  /** A connection of its own, opened for the first listener: a subscribed connection can do nothing else. */
  private subscriber: Redis | null = null;
  private subscribed: Promise<unknown> | null = null;
  private readonly onMessage = (channel: string, text: string) => {
    if (channel !== this.channel) return;
    let message: ImportProgressMessage;
    try {
      message = JSON.parse(text) as ImportProgressMessage;
    } catch {
      return;
    }
    for (const listener of this.listeners) listener(message);
  };

  constructor(
    @InjectQueue(FITBIT_QUEUE) private readonly queue: Queue,
    parts: SubscriptionParts,
  ) {
    // The core services of this registration (FitbitService, get_data) read the record through it.
    parts.importProgress = this;
  }

  private key(providerUserId: string): string {
    return this.queue.toKey(`fitbit:import:${providerUserId}`);
  }

  private get channel(): string {
    return this.queue.toKey('fitbit:import-progress');
  }

  /** A new import of these types replaces whatever was known of the account's last one. */
  async plan(providerUserId: string, paths: readonly string[], now = Date.now()): Promise<void> {
    const key = this.key(providerUserId);
    const multi = this.queue.client.multi().del(key);
    if (paths.length > 0) {
      const entry = JSON.stringify({ state: 'pending', at: now } satisfies ImportTypeProgress);
      multi.hset(key, 'started', String(now), ...paths.flatMap((path) => [`${TYPE_FIELD}${path}`, entry])).pexpire(key, TTL_MS);
    }
    await multi.exec();
  }

  /** Records a planned type's new state; returns how far the import is, or null when the type is not part of it. */
  async mark(providerUserId: string, path: string, progress: Omit<ImportTypeProgress, 'at'>): Promise<{ finished: number; total: number } | null> {
    const entry = JSON.stringify({ ...progress, at: Date.now() } satisfies ImportTypeProgress);
    const result = (await this.queue.client.eval(MARK, 1, this.key(providerUserId), `${TYPE_FIELD}${path}`, entry, String(TTL_MS))) as [number, number] | null;
    if (!result) return null;
    const [finished, total] = result;
    const message: ImportProgressMessage = { providerUserId, type: path, state: progress.state, finished, total };
    await this.queue.client.publish(this.channel, JSON.stringify(message));
    return { finished, total };
  }

  async read(providerUserId: string): Promise<ImportPlan | null> {
    const fields = await this.queue.client.hgetall(this.key(providerUserId));
    if (!fields.started) return null;
    const types = new Map<string, ImportTypeProgress>();
    for (const [field, value] of Object.entries(fields)) {
      if (field.startsWith(TYPE_FIELD)) types.set(field.slice(TYPE_FIELD.length), JSON.parse(value) as ImportTypeProgress);
    }
    return { started: Number(fields.started), types };
  }

  /** Calls `listener` for every change published by any process; returns the function that stops it. */
  listen(listener: (message: ImportProgressMessage) => void): () => void {
    this.listeners.add(listener);
    if (!this.subscriber) {
      this.subscriber = this.queue.client.duplicate();
      this.subscriber.on('message', this.onMessage);
      // Errors reach the caller of `listening()`; ioredis resubscribes by itself after a reconnect.
      this.subscriber.on('error', () => undefined);
      this.subscribed = this.subscriber.subscribe(this.channel);
    }
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the subscription (if any) is in place: a listener hears every change made after. */
  async listening(): Promise<void> {
    await this.subscribed;
  }

  async onApplicationShutdown(): Promise<void> {
    this.listeners.clear();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}

/**
 * A failure as the import status shows it: what kind of trouble, never the upstream message (it
 * can carry ids, and a provider may echo a token or a value back).
 */
export function describeImportFailure(error: unknown): string {
  if (error instanceof ProviderRateLimitError) return 'the provider limited the rate of requests';
  if (error instanceof ProviderUnavailableError) return 'the provider did not answer';
  if (error instanceof ProviderServerError) return `the provider failed (HTTP ${error.status ?? 'error'})`;
  if (error instanceof ProviderUnauthorizedError || error instanceof ProviderForbiddenError || isInvalidGrant(error)) {
    return "the provider refused the user's authorization";
  }
  if (error instanceof ProviderError) return `the provider refused the request (HTTP ${error.status ?? 'error'})`;
  return 'an internal error (see the worker log)';
}
