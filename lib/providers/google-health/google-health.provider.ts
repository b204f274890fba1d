import { Injectable, Logger } from '@nestjs/common';
import { FitbitConfig } from '../../config/fitbit-config.js';
import { addDays, daysBetween, isCalendarDate, splitRange, todayIn } from '../../data/calendar.js';
import { periodStart } from '../../data/periods.js';
import { TIME_SERIES_TYPES, timeSeriesPath, type TimeSeriesTypeKey } from '../../data/time-series-data-types.js';
import type {
  DailyQuery,
  DailyValue,
  DateRange,
  FitbitProvider,
  IncomingNotificationRequest,
  ProviderIdentity,
  ProviderNotification,
  SubscribeRequest,
  TokenGrant,
  VerificationAnswer,
} from '../fitbit-provider.interface.js';
import { ProviderForbiddenError } from '../provider-errors.js';
import { civilDateTimeOf, dateOfCivil, timeOfCivil } from './google-civil-time.js';
import { dataSourceFamilyName } from './google-health.defaults.js';
import { GoogleHealthClient } from './google-health.client.js';
import { filterNameOf, formatLegacyValue, googleMappingOf, type GoogleTypeMapping, type GooglePoint } from './google-health-data-types.js';
import { parseGoogleHealthNotifications } from './google-health-notifications.js';
import { GoogleWebhookKeys } from './google-webhook-keys.js';
import { constantTimeEquals } from '../constant-time-equals.js';

const SIGNATURE_HEADERS = ['x-healthapi-signature', 'google-health-api-signature'];
const HISTORY_PROBE_DAYS = 90;
const HISTORY_PROBE_LIMIT = 20;
/** The most points one list page holds: 10000, sleep and exercise 25. */
const LIST_PAGE_SIZE: Record<string, number> = { sleep: 25 };
const MAX_LIST_PAGE_SIZE = 10_000;
/** subscriptions.list pages are 50 unless asked; ask for Google's largest. */
const SUBSCRIPTION_PAGE_SIZE = 1000;

const header = (request: IncomingNotificationRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Fitbit data through the Google Health API (health v4) and Google OAuth. */
@Injectable()
export class GoogleHealthProvider implements FitbitProvider {
  readonly name = 'google-health' as const;
  /** Where people consent and whose account they sign in with. */
  readonly displayName = 'Google';
  readonly defaultScopes: readonly string[];
  private readonly webhookKeys: GoogleWebhookKeys;
  private readonly logger = new Logger('GoogleHealth');

  constructor(
    private readonly config: FitbitConfig,
    private readonly client: GoogleHealthClient,
  ) {
    this.defaultScopes = config.scopes;
    this.webhookKeys = new GoogleWebhookKeys(() => client.keyset(), { warn: (message) => this.logger.warn(message) });
  }

  authorizationParams(): Record<string, string> {
    return { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' };
  }

  exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<TokenGrant> {
    return this.client.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });
  }

  refreshTokens(refreshToken: string): Promise<TokenGrant> {
    return this.client.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  revokeToken(token: string): Promise<void> {
    return this.client.revoke(token);
  }

  async fetchIdentity(accessToken: string): Promise<ProviderIdentity> {
    const identity = (await this.client.api('GET', '/users/me/identity', accessToken)).body as { healthUserId?: string; legacyUserId?: string } | null;
    return {
      providerUserId: identity?.healthUserId ?? '',
      legacyUserId: identity?.legacyUserId ?? null,
      timeZone: await this.timeZone(accessToken),
    };
  }

  supportsType(type: TimeSeriesTypeKey): boolean {
    return googleMappingOf(type) !== undefined;
  }

  scopeFor(type: TimeSeriesTypeKey): string {
    return googleMappingOf(type)?.scope ?? '';
  }

  /** Types Google sends no webhooks for, and those the subscriber's config does not cover: polled. */
  typesWithoutNotifications(): TimeSeriesTypeKey[] {
    return TIME_SERIES_TYPES.filter((type) => {
      const mapping = googleMappingOf(type);
      return mapping !== undefined && !this.notified(mapping);
    });
  }

  maxRangeDays(type: TimeSeriesTypeKey): number {
    return googleMappingOf(type)?.maxDays ?? 90;
  }

  /** The profile's membershipStartDate; without it (no profile scope, no date), walk back in 90-day windows until one holds no steps. */
  async historyStart(accessToken: string): Promise<string> {
    const member = await this.membershipStart(accessToken);
    if (member !== null) return member;
    const today = todayIn(await this.timeZone(accessToken));
    const steps = googleMappingOf({ category: 'activities', resource: 'steps' })!;
    let earliest = today;
    let end = today;
    for (let probe = 0; probe < HISTORY_PROBE_LIMIT; probe += 1) {
      const start = addDays(end, 1 - HISTORY_PROBE_DAYS);
      const buckets = await this.rollup(accessToken, steps, { start, end });
      if (buckets.length === 0) break;
      earliest = buckets.map((bucket) => dateOfCivil(bucket.civilStartTime) ?? end).sort()[0]!;
      end = addDays(start, -1);
    }
    return earliest;
  }

  async fetchDailyValues(accessToken: string, type: TimeSeriesTypeKey, query: DailyQuery): Promise<DailyValue[]> {
    const mapping = googleMappingOf(type);
    if (!mapping) return [];
    const range: DateRange =
      'period' in query
        ? {
            start: query.period === 'max' ? await this.historyStart(accessToken) : periodStart(query.period, query.baseDate),
            end: query.baseDate,
          }
        : query;
    if (daysBetween(range.start, range.end) < 0) return [];
    const values: DailyValue[] = [];
    for (const chunk of splitRange(range.start, range.end, mapping.maxDays)) {
      values.push(...(await this.fetchChunk(accessToken, type, mapping, chunk)));
    }
    return values.sort((a, b) => (a.dateTime < b.dateTime ? -1 : 1));
  }

  async subscribe({ providerUserId, subscriberId }: SubscribeRequest): Promise<void> {
    const manual = this.manualSubscriptions(subscriberId);
    if (!manual) return;
    await this.client.api('POST', manual.path, await manual.token(), { user: `users/${providerUserId}`, dataTypes: this.config.googleHealth.webhookDataTypes });
  }

  /** Every page of the user's subscriptions (`user = "users/…"`), then each deleted. */
  async unsubscribe(_accessToken: string, providerUserId: string): Promise<number> {
    const manual = this.manualSubscriptions(this.config.subscriberId);
    if (!manual) return 0;
    const token = await manual.token();
    const user = `users/${providerUserId}`;
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ filter: `user = "${user}"`, pageSize: String(SUBSCRIPTION_PAGE_SIZE), ...(pageToken ? { pageToken } : {}) });
      const page = ((await this.client.api('GET', `${manual.path}?${query}`, token)).body ?? {}) as {
        subscriptions?: { name?: string; user?: string }[];
        nextPageToken?: string;
      };
      for (const subscription of page.subscriptions ?? []) if (subscription.user === user && subscription.name) names.push(subscription.name);
      pageToken = page.nextPageToken || undefined;
    } while (pageToken);
    for (const name of names) await this.client.api('DELETE', `/${name}`, token);
    return names.length;
  }

  /** Google's subscriber verification: a POST of `{"type":"verification"}`, with or without our secret. */
  answerVerification(request: IncomingNotificationRequest, _verificationCode: string | null): VerificationAnswer | null {
    if (request.method !== 'POST' || request.rawBody === null) return null;
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return null;
    }
    if ((body as { type?: unknown } | null)?.type !== 'verification') return null;
    return { status: this.authorizationMatches(request) ? 201 : 401 };
  }

  async verifyNotificationSignature(request: IncomingNotificationRequest): Promise<boolean> {
    if (request.rawBody === null || !this.authorizationMatches(request)) return false;
    const signature = SIGNATURE_HEADERS.map((name) => header(request, name)).find((value) => typeof value === 'string' && value !== '');
    return signature !== undefined && this.webhookKeys.verify(request.rawBody, signature);
  }

  parseNotifications(body: Buffer): ProviderNotification[] {
    return parseGoogleHealthNotifications(body);
  }

  private notified(mapping: GoogleTypeMapping): boolean {
    return mapping.notifies && this.config.googleHealth.webhookDataTypes.includes(mapping.dataType);
  }

  private authorizationMatches(request: IncomingNotificationRequest): boolean {
    const expected = this.config.googleHealth.webhookAuthorization;
    const given = header(request, 'authorization');
    return expected !== null && typeof given === 'string' && constantTimeEquals(given, expected);
  }

  private manualSubscriptions(subscriberId: string | null) {
    const { subscriptionCreatePolicy, projectNumber, projectAccessToken } = this.config.googleHealth;
    if (subscriptionCreatePolicy !== 'MANUAL' || !projectNumber || !projectAccessToken || !subscriberId) return null;
    return { path: `/projects/${projectNumber}/subscribers/${encodeURIComponent(subscriberId)}/subscriptions`, token: projectAccessToken };
  }

  private async timeZone(accessToken: string): Promise<string | null> {
    try {
      const settings = (await this.client.api('GET', '/users/me/settings', accessToken)).body as { timeZone?: string } | null;
      return settings?.timeZone ?? null;
    } catch (error) {
      if (error instanceof ProviderForbiddenError) return null;
      throw error;
    }
  }

  /** The profile's `membershipStartDate` (a Date object), or null when the grant lacks the profile scope or the profile has none. */
  private async membershipStart(accessToken: string): Promise<string | null> {
    try {
      const profile = (await this.client.api('GET', '/users/me/profile', accessToken)).body as { membershipStartDate?: unknown } | null;
      const date = dateOfCivil(profile?.membershipStartDate);
      return date !== null && isCalendarDate(date) ? date : null;
    } catch (error) {
      if (error instanceof ProviderForbiddenError) return null;
      throw error;
    }
  }

  private async fetchChunk(accessToken: string, type: TimeSeriesTypeKey, mapping: GoogleTypeMapping, range: DateRange): Promise<DailyValue[]> {
    const path = timeSeriesPath(type);
    const daily: [string, GooglePoint][] =
      mapping.read === 'sleep'
        ? await this.sleepNights(accessToken, range)
        : mapping.read === 'list'
          ? await this.dailyPoints(accessToken, mapping, range)
          : (await this.rollup(accessToken, mapping, range)).map((bucket) => [dateOfCivil(bucket.civilStartTime) ?? '', bucket]);
    const heightMetres = mapping.read === 'bmi' ? await this.latestHeightMetres(accessToken) : null;
    return daily.flatMap(([dateTime, point]) => {
      let value = mapping.value(point);
      if (mapping.read === 'bmi') value = typeof value === 'number' && heightMetres ? value / heightMetres ** 2 : null;
      return dateTime && value !== null ? [{ dateTime, value: formatLegacyValue(path, value) }] : [];
    });
  }

  private async rollup(accessToken: string, mapping: GoogleTypeMapping, range: DateRange): Promise<GooglePoint[]> {
    const body = {
      range: { start: civilDateTimeOf(range.start), end: civilDateTimeOf(addDays(range.end, 1)) },
      windowSizeDays: 1,
      ...(mapping.tracker ? { dataSourceFamily: dataSourceFamilyName(this.config.googleHealth.trackerDataSourceFamily)! } : {}),
    };
    const response = await this.client.api('POST', `/users/me/dataTypes/${mapping.dataType}/dataPoints:dailyRollUp`, accessToken, body);
    return ((response.body as { rollupDataPoints?: GooglePoint[] } | null)?.rollupDataPoints ?? []).filter(Boolean);
  }

  private async listPoints(accessToken: string, dataType: string, filter: string): Promise<GooglePoint[]> {
    const points: GooglePoint[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ filter, pageSize: String(LIST_PAGE_SIZE[dataType] ?? MAX_LIST_PAGE_SIZE), ...(pageToken ? { pageToken } : {}) });
      const response = await this.client.api('GET', `/users/me/dataTypes/${dataType}/dataPoints?${query}`, accessToken);
      const page = (response.body ?? {}) as { dataPoints?: GooglePoint[]; nextPageToken?: string };
      points.push(...(page.dataPoints ?? []).filter(Boolean));
      pageToken = page.nextPageToken || undefined;
    } while (pageToken);
    return points;
  }

  /** `basal_energy_burned.interval.civil_start_time >= "2026-03-01" AND … < "2026-03-08"`: the type's snake_case filter field over local days. */
  private civilFilter(dataType: string, bound: 'civil_start_time' | 'civil_end_time', range: DateRange): string {
    const field = `${filterNameOf(dataType)}.interval.${bound}`;
    return `${field} >= "${range.start}" AND ${field} < "${addDays(range.end, 1)}"`;
  }

  /** Listed points summed per local day of their civil start (a day may come as one point or as many). */
  private async dailyPoints(accessToken: string, mapping: GoogleTypeMapping, range: DateRange): Promise<[string, GooglePoint][]> {
    const points = await this.listPoints(accessToken, mapping.dataType, this.civilFilter(mapping.dataType, 'civil_start_time', range));
    const days = new Map<string, number>();
    for (const point of points) {
      const date = dateOfCivil(point.basalEnergyBurned?.interval?.civilStartTime);
      const kcal = mapping.value(point);
      if (date === null || typeof kcal !== 'number') continue;
      days.set(date, (days.get(date) ?? 0) + kcal);
    }
    return [...days].map(([date, kcal]) => [date, { basalEnergyBurned: { kcal } }]);
  }

  /** One summary per night, dated like Fitbit's sleep log: by the local day the sleep ended. */
  private async sleepNights(accessToken: string, range: DateRange): Promise<[string, GooglePoint][]> {
    const points = await this.listPoints(accessToken, 'sleep', this.civilFilter('sleep', 'civil_end_time', range));
    const nights = new Map<string, GooglePoint[]>();
    for (const point of points) {
      const date = dateOfCivil(point.sleep?.interval?.civilEndTime);
      if (date) nights.set(date, [...(nights.get(date) ?? []), point.sleep]);
    }
    return [...nights].map(([date, sessions]) => [date, summariseNight(sessions)]);
  }

  private async latestHeightMetres(accessToken: string): Promise<number | null> {
    const response = await this.client.api('GET', '/users/me/dataTypes/height/dataPoints?pageSize=1', accessToken);
    const millimetres = Number((response.body as { dataPoints?: GooglePoint[] } | null)?.dataPoints?.[0]?.height?.heightMillimeters);
    return Number.isFinite(millimetres) && millimetres > 0 ? millimetres / 1000 : null;
  }
}

const minutes = (session: GooglePoint, field: string) => Number(session.summary?.[field]) || 0;

/**
 * One night as Fitbit's sleep log counted it: the minutes of every session (naps too) added up; the
 * start time and the minutes around sleep from the main sleep (`metadata.mainSleep`, else the longest).
 */
export function summariseNight(sessions: GooglePoint[]): GooglePoint {
  const main =
    sessions.find((session) => session.metadata?.mainSleep === true) ??
    [...sessions].sort((a, b) => minutes(b, 'minutesInSleepPeriod') - minutes(a, 'minutesInSleepPeriod'))[0]!;
  const total = (field: string) => sessions.reduce((sum, session) => sum + minutes(session, field), 0);
  return {
    startTime: timeOfCivil(main.interval?.civilStartTime),
    minutesInSleepPeriod: total('minutesInSleepPeriod'),
    minutesAsleep: total('minutesAsleep'),
    minutesAwake: total('minutesAwake'),
    minutesToFallAsleep: minutes(main, 'minutesToFallAsleep'),
    minutesAfterWakeUp: minutes(main, 'minutesAfterWakeUp'),
  };
}
