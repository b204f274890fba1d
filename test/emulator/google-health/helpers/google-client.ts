import { createHash, randomBytes } from 'node:crypto';
import { GOOGLE_HEALTH_SCOPE_PREFIX, type FitbitEmulator, type FitbitEmulatorOptions } from '../../../../lib/testing/index.js';
import { startStrictEmulator } from '../../../support/strict-emulators.js';

export const CLIENT_ID = 'google-client-id.apps.googleusercontent.com';
export const CLIENT_SECRET = 'google-client-secret';
export const REDIRECT_URI = 'http://app.test/fitbit/complete/';
/** 2026-03-15 12:00 UTC: 13:00 in Berlin (UTC+1, two weeks before the switch to summer time). */
export const FIXED_NOW = Date.parse('2026-03-15T12:00:00Z');

export const scope = (name: string): string => `${GOOGLE_HEALTH_SCOPE_PREFIX}${name}`;
export const ACTIVITY = scope('activity_and_fitness.readonly');
export const METRICS = scope('health_metrics_and_measurements.readonly');
export const SLEEP = scope('sleep.readonly');
export const NUTRITION = scope('nutrition.readonly');
export const PROFILE = scope('profile.readonly');
export const SETTINGS = scope('settings.readonly');

export function startGoogleEmulator(options: Partial<FitbitEmulatorOptions> = {}): Promise<FitbitEmulator> {
  return startStrictEmulator({ mode: 'google-health', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: FIXED_NOW, ...options });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeParams(challenge: string, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: [ACTIVITY, SLEEP, SETTINGS].join(' '),
    state: 'state-123',
    access_type: 'offline',
    prompt: 'consent',
    include_granted_scopes: 'true',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
}

export function authorizeUrl(emulator: FitbitEmulator, params: Record<string, string | undefined>): string {
  const url = new URL(emulator.urls.authorizeUrl);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** Auto-approved authorize: the redirect's query. */
export async function authorize(emulator: FitbitEmulator, challenge: string, overrides: Record<string, string | undefined> = {}): Promise<URLSearchParams> {
  const response = await fetch(authorizeUrl(emulator, authorizeParams(challenge, overrides)), { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`authorize answered ${response.status}`);
  return new URL(response.headers.get('location')!).searchParams;
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export async function asJson(response: Response): Promise<JsonAnswer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  return asJson(
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() }),
  );
}

export const clientForm = (): Record<string, string> => ({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET });

/** authorize (auto-approved) + code exchange. */
export async function connect(emulator: FitbitEmulator, overrides: Record<string, string | undefined> = {}): Promise<JsonAnswer> {
  const { verifier, challenge } = pkcePair();
  const code = (await authorize(emulator, challenge, overrides)).get('code')!;
  return postForm(emulator.urls.tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...clientForm() });
}

export async function callApi(emulator: FitbitEmulator, accessToken: string | null, path: string, init: RequestInit = {}): Promise<JsonAnswer> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
  if (accessToken !== null) headers.authorization = `Bearer ${accessToken}`;
  return asJson(await fetch(`${emulator.urls.apiUrl}${path}`, { ...init, headers }));
}

export const civil = (date: string) => {
  const [year, month, day] = date.split('-').map(Number);
  return { date: { year, month, day } };
};

export function rollUp(
  emulator: FitbitEmulator,
  accessToken: string,
  dataType: string,
  body: Record<string, unknown> | string,
): Promise<JsonAnswer> {
  return callApi(emulator, accessToken, `/users/me/dataTypes/${dataType}/dataPoints:dailyRollUp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A dailyRollUp body for local dates [start, end). */
export const range = (start: string, end: string, extra: Record<string, unknown> = {}) => ({
  range: { start: civil(start), end: civil(end) },
  windowSizeDays: 1,
  ...extra,
});

export function listPoints(emulator: FitbitEmulator, accessToken: string, dataType: string, query: Record<string, string> = {}): Promise<JsonAnswer> {
  const search = new URLSearchParams(query).toString();
  return callApi(emulator, accessToken, `/users/me/dataTypes/${dataType}/dataPoints${search ? `?${search}` : ''}`);
}

/** The Google error envelope's parts. */
export function errorOf(body: any): { code: number; status: string; reason: string | undefined; message: string } {
  const error = body?.error;
  if (!error) throw new Error(`not a Google error body: ${JSON.stringify(body)}`);
  return { code: error.code, status: error.status, reason: error.details?.[0]?.reason, message: error.message };
}

export const dateOfCivil = (value: { date: { year: number; month: number; day: number } }): string =>
  `${value.date.year}-${String(value.date.month).padStart(2, '0')}-${String(value.date.day).padStart(2, '0')}`;
