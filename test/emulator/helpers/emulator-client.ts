import { createHash, randomBytes } from 'node:crypto';
import type { FitbitEmulator, FitbitEmulatorOptions } from '../../../lib/testing/index.js';
import { startStrictEmulator } from '../../support/strict-emulators.js';

export const CLIENT_ID = 'client-id';
export const CLIENT_SECRET = 'client-secret';
export const REDIRECT_URI = 'http://app.test/fitbit/complete/';
/** 2024-03-31 12:00 UTC: a Sunday, end of a 31-day month. */
export const FIXED_NOW = Date.parse('2024-03-31T12:00:00Z');

export function startEmulator(options: Partial<FitbitEmulatorOptions> = {}): Promise<FitbitEmulator> {
  return startStrictEmulator({ mode: 'fitbit', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: FIXED_NOW, ...options });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function basicAuth(id = CLIENT_ID, secret = CLIENT_SECRET): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export function authorizeUrl(emulator: FitbitEmulator, params: Record<string, string | undefined>): string {
  const url = new URL(emulator.urls.authorizeUrl);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

export function validAuthorizeParams(challenge: string, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'activity profile sleep',
    state: 'state-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
}

/** Auto-approved authorize: the code from the redirect. */
export async function authorizeCode(emulator: FitbitEmulator, challenge: string, overrides: Record<string, string | undefined> = {}): Promise<string> {
  const response = await fetch(authorizeUrl(emulator, validAuthorizeParams(challenge, overrides)), { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`authorize answered ${response.status}`);
  const code = new URL(response.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error('no code in the redirect');
  return code;
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function asJson(response: Response): Promise<JsonAnswer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

export async function postForm(url: string, form: Record<string, string>, authorization: string | null = basicAuth()): Promise<JsonAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (authorization !== null) headers.authorization = authorization;
  return asJson(await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form).toString() }));
}

export async function callApi(emulator: FitbitEmulator, accessToken: string, path: string, init: RequestInit = {}): Promise<JsonAnswer> {
  return asJson(
    await fetch(`${emulator.urls.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${accessToken}`, ...(init.headers as Record<string, string> | undefined) },
    }),
  );
}

export function errorTypeOf(body: unknown): string | undefined {
  return (body as { errors?: { errorType?: string }[] } | null)?.errors?.[0]?.errorType;
}

export interface SeriesEntry {
  dateTime: string;
  value: string;
}

export function seriesOf(body: unknown, key: string): SeriesEntry[] {
  const series = (body as Record<string, SeriesEntry[] | undefined>)[key];
  if (!series) throw new Error(`no ${key} in ${JSON.stringify(body).slice(0, 200)}`);
  return series;
}
