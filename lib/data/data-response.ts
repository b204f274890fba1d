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

/** One day of the data endpoint's answer: local date and value (null where the day has no value). */
export interface DataObject {
  dateTime: string;
  value: string | null;
}

/** The data endpoint's JSON envelope (django-fitbit's): `meta` with the count and status code, and the days oldest first. */
export interface DataResponse {
  /** `message` only where a person must act (e.g. link Fitbit to their Google account). */
  meta: { total_count: number; status_code: DataStatus; message?: string };
  objects: DataObject[];
}

export function dataResponse(status: DataStatus, objects: DataObject[] = [], message?: string): DataResponse {
  return { meta: { total_count: objects.length, status_code: status, ...(message ? { message } : {}) }, objects };
}

export const ACCOUNT_NOT_LINKED_MESSAGE =
  'This Google account has no Fitbit data linked to it. Link your Fitbit account in the Fitbit app, then try again.';

/**
 * The same envelope as `JSON.stringify(dataResponse(status, objects))`, around objects that are
 * already JSON text (`[...]`, written by the database): the answer is sent without building and
 * serializing one object per day.
 */
export function serializedDataResponse(status: DataStatus, totalCount: number, objectsJson: string): string {
  return `{"meta":{"total_count":${totalCount},"status_code":${status}},"objects":${objectsJson}}`;
}
