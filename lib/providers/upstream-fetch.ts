import { ProviderUnavailableError } from './provider-errors.js';

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty or non-JSON body. */
  body: unknown;
}

/**
 * Why a request got no answer, in words a person can act on: Node's `fetch failed` hides the
 * socket error (`connect ECONNREFUSED 127.0.0.1:3001`, `getaddrinfo ENOTFOUND …`) in its cause.
 */
export function describeNoAnswer(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  let cause: unknown = error;
  while (cause instanceof Error && cause.cause !== undefined) cause = cause.cause;
  if (cause instanceof AggregateError && cause.errors.length > 0) cause = cause.errors[0];
  const message = cause instanceof Error ? cause.message : String(cause);
  return message === '' ? String(error) : message;
}

/** `https://host:port/path` of a URL: where a request went, without its query (which may carry ids). */
export function upstreamAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * One HTTP call to a provider with a hard timeout; network failures become ProviderUnavailableError,
 * whose message names the address that could not be reached and why.
 */
export async function upstreamFetch(url: string, init: RequestInit, timeoutMs: number): Promise<UpstreamResponse> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    throw new ProviderUnavailableError(`${init.method ?? 'GET'} ${upstreamAddress(url)}: ${describeNoAnswer(error, timeoutMs)}`);
  }
  let body: unknown = null;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  return { status: response.status, headers: response.headers, body };
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(password)}`).toString('base64')}`;
}
