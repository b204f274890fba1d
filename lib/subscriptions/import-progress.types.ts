// The shapes of the history import's record, apart from the Redis code that keeps it (which needs
// bull): the core services read it through SubscriptionParts.

/** Where one type's history import stands. `pending` also while it waits to retry. */
export type ImportTypeState = 'pending' | 'running' | 'done' | 'failed';

export interface ImportTypeProgress {
  state: ImportTypeState;
  /** When it last changed (epoch ms). */
  at: number;
  /** Days the finished import wrote. */
  rows?: number;
  /** The last failure, in the module's words (never an upstream body: no tokens, no values). */
  error?: string;
}

export interface ImportPlan {
  /** When the connect queued the import (epoch ms). */
  started: number;
  /** By type path, in the order they were queued. */
  types: Map<string, ImportTypeProgress>;
}

/** Published on every change, for `FitbitService.onImportProgress` in any process. */
export interface ImportProgressMessage {
  providerUserId: string;
  type: string;
  state: ImportTypeState;
  /** Types finished (done or failed) and planned. */
  finished: number;
  total: number;
}

/** What the core services read of the import's record (ImportProgress with `subscribe`). */
export interface ImportProgressRecord {
  read(providerUserId: string): Promise<ImportPlan | null>;
  listen(listener: (message: ImportProgressMessage) => void): () => void;
  listening(): Promise<void>;
}
