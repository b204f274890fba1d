import { ProviderUnavailableError } from './provider-errors.js';

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty or non-JSON body. */
  body: unknown;
}

/** One HTTP call to a provider with a hard timeout; network failures become ProviderUnavailableError. */
export async function upstreamFetch(url: string, init: RequestInit, timeoutMs: number): Promise<UpstreamResponse> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(error);
    throw new ProviderUnavailableError(`${init.method ?? 'GET'} ${new URL(url).pathname}: ${reason}`);
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
