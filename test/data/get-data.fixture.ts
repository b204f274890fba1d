import { UserLinkStore } from '../../lib/auth/user-link.store.js';
import type { DataResponse } from '../../lib/data/data-response.js';
import type { FitbitEmulator, EmulatorUser } from '../../lib/testing/index.js';
import { providerFacts } from '../support/fitbit-fixture.js';
import { TEST_USER_HEADER, type FitbitTestApp } from '../support/fitbit-test-app.js';

export interface DataAnswer {
  status: number;
  headers: Headers;
  body: DataResponse;
}

/**
 * GETs a data route as `user` (an app user id, `7;inactive`, or null for anonymous).
 * `path` is relative to `/fitbit/` and may carry a query string.
 */
export async function getData(app: FitbitTestApp, path: string, user: string | null = '1', method = 'GET'): Promise<DataAnswer> {
  const response = await fetch(`${app.url}/fitbit/${path}`, {
    method,
    headers: user === null ? {} : { [TEST_USER_HEADER]: user },
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body: body as DataResponse };
}

/**
 * Links app user `appUserId` to the emulator user with fresh tokens, as a completed connect with the
 * emulator's provider would (google-health: healthUserId, with the Fitbit id as legacyUserId).
 */
export async function linkUser(
  app: FitbitTestApp,
  emulator: FitbitEmulator,
  appUserId: string,
  fitbitUser: EmulatorUser,
  options: { expiresAt?: number; scopes?: string[] } = {},
): Promise<void> {
  const tokens = emulator.issueTokens(fitbitUser.id);
  const google = emulator.modeName === 'google-health';
  await app.app.get(UserLinkStore, { strict: false }).save({
    userId: appUserId,
    provider: emulator.modeName,
    providerUserId: providerFacts(emulator).providerUserIdOf(fitbitUser),
    legacyUserId: google ? fitbitUser.id : null,
    timeZone: fitbitUser.timezone,
    tokens: {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: options.expiresAt ?? tokens.expiresAt,
      scopes: options.scopes ?? [],
    },
  });
}

export async function isLinked(app: FitbitTestApp, appUserId: string): Promise<boolean> {
  return (await app.app.get(UserLinkStore, { strict: false }).findByUser(appUserId)) !== null;
}

/** `count` consecutive days ending on `end`, oldest first. */
export function daysEndingOn(end: string, count: number): string[] {
  const last = Date.parse(`${end}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(last - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A fixed-offset zone whose local time is between 00:01 and 01:01 right now: a user whose
 * "today" has just begun, so any mistake about whose midnight counts shows.
 */
export function zoneJustPastMidnight(now: number = Date.now()): string {
  const utcHour = new Date(now - 60_000).getUTCHours();
  const offset = utcHour <= 12 ? -utcHour : 24 - utcHour;
  if (offset === 0) return 'Etc/UTC';
  // Etc/GMT zones carry the POSIX sign: Etc/GMT-14 is UTC+14.
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}
