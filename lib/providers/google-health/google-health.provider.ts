import { Injectable } from '@nestjs/common';
import { FitbitConfig } from '../../config/fitbit-config.js';
import { addDays, daysBetween, splitRange, todayIn } from '../../data/calendar.js';
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
import { GoogleHealthClient } from './google-health.client.js';
import { formatLegacyValue, googleMappingOf, type GoogleTypeMapping, type GooglePoint } from './google-health-data-types.js';
import { parseGoogleHealthNotification } from './google-health-notifications.js';
import { GoogleWebhookKeys } from './google-webhook-keys.js';
import { constantTimeEquals } from '../constant-time-equals.js';

const SIGNATURE_HEADERS = ['x-healthapi-signature', 'google-health-api-signature'];
const HISTORY_PROBE_DAYS = 90;
const HISTORY_PROBE_LIMIT = 20;
const LIST_PAGE_SIZE: Record<string, number> = { sleep: 25 };

const civilDate = (date: string) => {
  const [year, month, day] = date.split('-').map(Number);
  return { date: { year, month, day } };
};
const dateOfCivil = (civil: { date?: { year?: number; month?: number; day?: number } } | undefined): string | null => {
  const date = civil?.date;
  if (!date?.year || !date.month || !date.day) return null;
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
};
const header = (request: IncomingNotificationRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Fitbit data through the Google Health API (health v4) and Google OAuth. */
@Injectable()
export class GoogleHealthProvider implements FitbitProvider {
  readonly name = 'google-health' as const;
  readonly defaultScopes: readonly string[];
  private readonly webhookKeys: GoogleWebhookKeys;

  constructor(
    private readonly config: FitbitConfig,
    private readonly client: GoogleHealthClient,
  ) {
    this.defaultScopes = config.scopes;
    this.webhookKeys = new GoogleWebhookKeys(() => client.keyset());
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

  typesWithoutNotifications(): TimeSeriesTypeKey[] {
    return TIME_SERIES_TYPES.filter((type) => googleMappingOf(type)?.notifies === false);
  }

  maxRangeDays(type: TimeSeriesTypeKey): number {
    return googleMappingOf(type)?.maxDays ?? 90;
  }

  /** Google has no "member since": walk back in 90-day windows until one holds no steps. */
  async historyStart(accessToken: string): Promise<string> {
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
    const dataTypes = [...new Set(TIME_SERIES_TYPES.map((type) => googleMappingOf(type)).filter((m) => m?.notifies).map((m) => m!.dataType))];
    await this.client.api('POST', `${manual.path}`, await manual.token(), { user: `users/${providerUserId}`, dataTypes });
  }

  async unsubscribe(_accessToken: string, providerUserId: string): Promise<number> {
    const manual = this.manualSubscriptions(this.config.subscriberId);
    if (!manual) return 0;
    const token = await manual.token();
    const listed = (await this.client.api('GET', manual.path, token)).body as { subscriptions?: { name?: string; user?: string }[] } | null;
    let removed = 0;
    for (const subscription of listed?.subscriptions ?? []) {
      if (subscription.user !== `users/${providerUserId}` || !subscription.name) continue;
      await this.client.api('DELETE', `/${subscription.name}`, token);
      removed += 1;
    }
    return removed;
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
    return parseGoogleHealthNotification(body);
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
      range: { start: civilDate(range.start), end: civilDate(addDays(range.end, 1)) },
      windowSizeDays: 1,
      ...(mapping.tracker ? { dataSourceFamily: this.config.googleHealth.trackerDataSourceFamily } : {}),
    };
    const response = await this.client.api('POST', `/users/me/dataTypes/${mapping.dataType}/dataPoints:dailyRollUp`, accessToken, body);
    return ((response.body as { rollupDataPoints?: GooglePoint[] } | null)?.rollupDataPoints ?? []).filter(Boolean);
  }

  private async listPoints(accessToken: string, dataType: string, filter: string): Promise<GooglePoint[]> {
    const points: GooglePoint[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ filter, pageSize: String(LIST_PAGE_SIZE[dataType] ?? 1000), ...(pageToken ? { pageToken } : {}) });
      const response = await this.client.api('GET', `/users/me/dataTypes/${dataType}/dataPoints?${query}`, accessToken);
      const page = (response.body ?? {}) as { dataPoints?: GooglePoint[]; nextPageToken?: string };
      points.push(...(page.dataPoints ?? []));
      pageToken = page.nextPageToken || undefined;
    } while (pageToken);
    return points;
  }

  private civilFilter(field: string, bound: 'civil_start_time' | 'civil_end_time', range: DateRange): string {
    return `${field}.interval.${bound} >= "${range.start}" AND ${field}.interval.${bound} < "${addDays(range.end, 1)}"`;
  }

  private async dailyPoints(accessToken: string, mapping: GoogleTypeMapping, range: DateRange): Promise<[string, GooglePoint][]> {
    const points = await this.listPoints(accessToken, mapping.dataType, this.civilFilter('basalEnergyBurned', 'civil_start_time', range));
    return points.map((point) => [String(point.basalEnergyBurned?.interval?.civilStartTime ?? '').slice(0, 10), point]);
  }

  /** One summary per night, dated like Fitbit's sleep log: by the local day the sleep ended. */
  private async sleepNights(accessToken: string, range: DateRange): Promise<[string, GooglePoint][]> {
    const points = await this.listPoints(accessToken, 'sleep', this.civilFilter('sleep', 'civil_end_time', range));
    const nights = new Map<string, GooglePoint[]>();
    for (const point of points) {
      const date = String(point.sleep?.interval?.civilEndTime ?? '').slice(0, 10);
      if (date) nights.set(date, [...(nights.get(date) ?? []), point.sleep]);
    }
    return [...nights].map(([date, sessions]) => [date, summariseSleep(sessions)]);
  }

  private async latestHeightMetres(accessToken: string): Promise<number | null> {
    const response = await this.client.api('GET', '/users/me/dataTypes/height/dataPoints?pageSize=1', accessToken);
    const millimetres = Number((response.body as { dataPoints?: GooglePoint[] } | null)?.dataPoints?.[0]?.height?.heightMillimeters);
    return Number.isFinite(millimetres) && millimetres > 0 ? millimetres / 1000 : null;
  }
}

/** The night's totals; start time and the minutes around sleep come from the main session. */
function summariseSleep(sessions: GooglePoint[]): GooglePoint {
  const main = sessions.find((session) => session.type === 'MAIN') ?? sessions[0]!;
  const total = (field: string) => sessions.reduce((sum, session) => sum + (Number(session.summary?.[field]) || 0), 0);
  const start = String(main.interval?.civilStartTime ?? '');
  return {
    startTime: /T\d{2}:\d{2}/.test(start) ? start.slice(11, 16) : null,
    minutesInSleepPeriod: total('minutesInSleepPeriod'),
    minutesAsleep: total('minutesAsleep'),
    minutesAwake: total('minutesAwake'),
    minutesToFallAsleep: Number(main.summary?.minutesToFallAsleep ?? 0),
    minutesAfterWakeUp: Number(main.summary?.minutesAfterWakeUp ?? 0),
  };
}
