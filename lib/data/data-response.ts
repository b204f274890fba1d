/** django-fitbit's status codes of the data endpoint (behaviour.md §4). */
export enum DataStatus {
  ok = 100,
  notSignedIn = 101,
  notIntegrated = 102,
  unauthorized = 103,
  badInput = 104,
  rateLimited = 105,
  providerError = 106,
}

export interface DataObject {
  dateTime: string;
  value: string | null;
}

export interface DataResponse {
  meta: { total_count: number; status_code: DataStatus };
  objects: DataObject[];
}

export function dataResponse(status: DataStatus, objects: DataObject[] = []): DataResponse {
  return { meta: { total_count: objects.length, status_code: status }, objects };
}
