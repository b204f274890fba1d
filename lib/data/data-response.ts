import type { FitbitImportStatus } from '../integration/import-status.js';

/** django-fitbit's status codes of the data endpoint (`meta.status_code`). */
export enum DataStatus {
  ok = 100,
  notSignedIn = 101,
  notIntegrated = 102,
  unauthorized = 103,
  badInput = 104,
  rateLimited = 105,
  providerError = 106,
}

/**
 * Why an answer with status 100 holds no objects, when it is not simply that the provider has no
 * values for those days (then `meta.reason` is absent):
 * - `not-granted`: the user did not grant the scope this type needs;
 * - `unsupported`: the configured provider cannot serve this type at all;
 * - `importing`: the user's history of this type is still being imported (with `subscribe`);
 * - `not-linked`: the user has no link, and nothing is stored for them (with `subscribe`).
 */
export const DataReason = {
  notGranted: 'not-granted',
  unsupported: 'unsupported',
  importing: 'importing',
  notLinked: 'not-linked',
} as const;
export type DataReason = (typeof DataReason)[keyof typeof DataReason];

/** One day of the data endpoint's answer: local date and value (null where the day has no value). */
export interface DataObject {
  dateTime: string;
  value: string | null;
}

/** The data endpoint's JSON envelope (django-fitbit's): `meta` with the count and status code, and the days oldest first. */
export interface DataResponse {
  /**
   * `message` only where a person must act (e.g. link Fitbit to their Google account); `reason`
   * only on an empty 100 that has one (see DataReason).
   */
  meta: { total_count: number; status_code: DataStatus; message?: string; reason?: DataReason };
  objects: DataObject[];
}

export function dataResponse(status: DataStatus, objects: DataObject[] = [], extra: { message?: string; reason?: DataReason } = {}): DataResponse {
  return {
    meta: { total_count: objects.length, status_code: status, ...(extra.message ? { message: extra.message } : {}), ...(extra.reason ? { reason: extra.reason } : {}) },
    objects,
  };
}

/** `import_status/`: the data endpoint's envelope around FitbitService.importStatus(). */
export interface ImportStatusResponse {
  meta: {
    total_count: number;
    status_code: DataStatus.ok;
    state: FitbitImportStatus['state'];
    started: string | null;
    finished: string | null;
    done: number;
    pending: number;
    failed: number;
    rows_stored: number;
    last_error: { type: string; message: string; at: string } | null;
  };
  objects: { type: string; state: string; rows: number; finished: string | null; error: string | null }[];
}

export function importStatusResponse(status: FitbitImportStatus): ImportStatusResponse {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    meta: {
      total_count: status.types.length,
      status_code: DataStatus.ok,
      state: status.state,
      started: iso(status.started),
      finished: iso(status.finished),
      done: status.done.length,
      pending: status.pending.length,
      failed: status.failed.length,
      rows_stored: status.rowsStored,
      last_error: status.lastError && { ...status.lastError, at: status.lastError.at.toISOString() },
    },
    objects: status.types.map((type) => ({ type: type.type, state: type.state, rows: type.rows, finished: iso(type.finished), error: type.error })),
  };
}

export const ACCOUNT_NOT_LINKED_MESSAGE =
  'This Google account has no Fitbit data linked to it. Link your Fitbit account in the Fitbit app, then try again.';

/**
 * The same envelope as `JSON.stringify(dataResponse(status, objects))`, around objects that are
 * already JSON text (`[...]`, written by the database): the answer is sent without building and
 * serializing one object per day.
 */
export function serializedDataResponse(status: DataStatus, totalCount: number, objectsJson: string, reason?: DataReason): string {
  const why = reason ? `,"reason":"${reason}"` : '';
  return `{"meta":{"total_count":${totalCount},"status_code":${status}${why}},"objects":${objectsJson}}`;
}
