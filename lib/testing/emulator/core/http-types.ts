/** A request as the emulator's routes see it: the whole body already read as text. */
export interface EmulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The first value of each query parameter. */
  query: Record<string, string>;
  /** The raw query string without its `?` (repeated parameters and all). */
  search: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers }, body: JSON.stringify(value) };
}

export function htmlResponse(status: number, markup: string): EmulatorResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: markup };
}

export function redirectResponse(location: string): EmulatorResponse {
  return { status: 302, headers: { location } };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers };
}

export function withHeaders(response: EmulatorResponse, headers: Record<string, string>): EmulatorResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

/** The form fields of an `application/x-www-form-urlencoded` body. */
export function formFields(request: EmulatorRequest): URLSearchParams {
  return new URLSearchParams(request.body);
}
