import { Injectable } from '@nestjs/common';
import type { ImportProgressRecord } from './subscriptions/import-progress.types.js';

/** The queue's Redis as the health checks see it. */
export interface QueueHealth {
  /** `127.0.0.1:6379`: where the queue connects, never its password. */
  readonly address: string;
  /** Answers once Redis does; a client that is not connected fails at once. */
  ping(timeoutMs: number): Promise<void>;
  jobCounts(timeoutMs: number): Promise<{ waiting: number; delayed: number; active: number; failed: number }>;
}

/**
 * What the subscription part of a registration (loaded only with `subscribe`, the only way into
 * bull) lends its core services: the queue's health and the history import's record. Empty
 * without `subscribe`. Each registration has its own, so two registrations never read each
 * other's queue.
 */
@Injectable()
export class SubscriptionParts {
  queue: QueueHealth | null = null;
  importProgress: ImportProgressRecord | null = null;
}
