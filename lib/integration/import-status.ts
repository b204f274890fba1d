import type { ImportPlan, ImportTypeState } from '../subscriptions/import-progress.types.js';

/** One type of a history import. */
export interface FitbitImportTypeStatus {
  /** `activities/steps` */
  type: string;
  state: ImportTypeState;
  /** Days stored for this type (read from the database, so rows kept from earlier count too). */
  rows: number;
  /** When its import finished (done or failed). */
  finished: Date | null;
  error: string | null;
}

/**
 * Where a user's history import stands. `none`: nothing was imported for them (subscriptions are
 * off, or the import is older than its 30-day record); `running` while any type is pending;
 * `done` when every type finished; `failed` when every type finished and some failed.
 */
export interface FitbitImportStatus {
  state: 'none' | 'running' | 'done' | 'failed';
  /** Type paths, in the order they are imported. */
  done: string[];
  pending: string[];
  failed: string[];
  /** Days stored over all types. */
  rowsStored: number;
  started: Date | null;
  finished: Date | null;
  /** The latest failure, also one that is being retried. */
  lastError: { type: string; message: string; at: Date } | null;
  types: FitbitImportTypeStatus[];
}

/** Emitted (in every process) when a type of a user's history import changes state. */
export interface FitbitImportProgressEvent {
  userId: string;
  type: string;
  state: ImportTypeState;
  /** Types finished (done or failed) and planned. */
  finished: number;
  total: number;
}

/** The status from the import's plan (Redis) and the stored rows (database), types in `order`. */
export function importStatusOf(plan: ImportPlan | null, rows: ReadonlyMap<string, number>, order: readonly string[]): FitbitImportStatus {
  const rowsStored = [...rows.values()].reduce((sum, count) => sum + count, 0);
  if (plan === null) {
    return { state: 'none', done: [], pending: [], failed: [], rowsStored, started: null, finished: null, lastError: null, types: [] };
  }
  const rank = (path: string) => (order.includes(path) ? order.indexOf(path) : order.length);
  const entries = [...plan.types].sort(([a], [b]) => rank(a) - rank(b));
  const types: FitbitImportTypeStatus[] = entries.map(([type, progress]) => ({
    type,
    state: progress.state,
    rows: rows.get(type) ?? 0,
    finished: progress.state === 'done' || progress.state === 'failed' ? new Date(progress.at) : null,
    error: progress.error ?? null,
  }));
  const of = (...states: ImportTypeState[]) => types.filter((type) => states.includes(type.state)).map((type) => type.type);
  const pending = of('pending', 'running');
  const failed = of('failed');
  const latestError = entries.filter(([, progress]) => progress.error).sort(([, a], [, b]) => b.at - a.at)[0];
  const finishedAt = pending.length === 0 ? Math.max(plan.started, ...entries.map(([, progress]) => progress.at)) : null;
  return {
    state: pending.length > 0 ? 'running' : failed.length > 0 ? 'failed' : 'done',
    done: of('done'),
    pending,
    failed,
    rowsStored,
    started: new Date(plan.started),
    finished: finishedAt === null ? null : new Date(finishedAt),
    lastError: latestError ? { type: latestError[0], message: latestError[1].error!, at: new Date(latestError[1].at) } : null,
    types,
  };
}
