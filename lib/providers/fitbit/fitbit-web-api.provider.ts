import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { FitbitConfig } from '../../config/fitbit-config.js';
import { daysBetween, splitRange } from '../../data/calendar.js';
import { timeSeriesPath, type TimeSeriesTypeKey } from '../../data/time-series-data-types.js';
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
import { ProviderBadRequestError } from '../provider-errors.js';
import { FitbitWebApiClient } from './fitbit-web-api.client.js';
import { parseFitbitNotifications } from './fitbit-notifications.js';
import { constantTimeEquals } from '../constant-time-equals.js';

const MAX_RANGE_DAYS = 1095;
const PATHS_WITHOUT_MAX = new Set(['activities', 'foods']);
const CATEGORY_SCOPES: Record<TimeSeriesTypeKey['category'], string> = {
  activities: 'activity',
  body: 'weight',
  foods: 'nutrition',
  sleep: 'sleep',
};

interface FitbitProfile {
  user?: { encodedId?: string; timezone?: string; memberSince?: string };
}

/** The legacy Fitbit Web API, spoken the way django-fitbit (through python-fitbit) spoke it. */
@Injectable()
export class FitbitWebApiProvider implements FitbitProvider {
  readonly name = 'fitbit' as const;
  readonly displayName = 'Fitbit';
  readonly defaultScopes: readonly string[];

  constructor(
    private readonly config: FitbitConfig,
    private readonly client: FitbitWebApiClient,
  ) {
    this.defaultScopes = config.scopes;
  }

  authorizationParams(): Record<string, string> {
    return {};
  }

  async exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<TokenGrant> {
    const grant = await this.client.token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: codeVerifier,
      client_id: this.config.clientId,
    });
    if (grant.providerUserId === null) {
      throw new ProviderBadRequestError('token: Fitbit answered without user_id', 200, 'no_user_id');
    }
    return grant;
  }

  refreshTokens(refreshToken: string): Promise<TokenGrant> {
    return this.client.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  revokeToken(token: string): Promise<void> {
    return this.client.revoke(token);
  }

  async fetchIdentity(accessToken: string): Promise<ProviderIdentity> {
    const user = await this.profile(accessToken);
    return { providerUserId: user.encodedId ?? '', legacyUserId: null, timeZone: user.timezone ?? null };
  }

  supportsType(type: TimeSeriesTypeKey): boolean {
    return !type.resource.endsWith('activeScore');
  }

  maxRangeDays(): number {
    return MAX_RANGE_DAYS;
  }

  async historyStart(accessToken: string): Promise<string> {
    const user = await this.profile(accessToken);
    if (!user.memberSince) throw new Error('Fitbit profile without memberSince');
    return user.memberSince;
  }

  async fetchDailyValues(accessToken: string, type: TimeSeriesTypeKey, query: DailyQuery): Promise<DailyValue[]> {
    if ('period' in query) {
      if (query.period === 'max' && PATHS_WITHOUT_MAX.has(type.category)) {
        const start = await this.historyStart(accessToken);
        return this.fetchRange(accessToken, type, { start, end: query.baseDate });
      }
      return this.fetchSeries(accessToken, type, `${query.baseDate}/${query.period}`);
    }
    return this.fetchRange(accessToken, type, query);
  }

  scopeFor(type: TimeSeriesTypeKey): string {
    return CATEGORY_SCOPES[type.category];
  }

  typesWithoutNotifications(): TimeSeriesTypeKey[] {
    return [];
  }

  async subscribe({ accessToken, subscriptionId, subscriberId }: SubscribeRequest): Promise<void> {
    await this.client.api(
      'POST',
      `/1/user/-/apiSubscriptions/${encodeURIComponent(subscriptionId)}.json`,
      accessToken,
      { 'content-length': '0', ...(subscriberId ? { 'x-fitbit-subscriber-id': subscriberId } : {}) },
    );
  }

  async unsubscribe(accessToken: string, providerUserId: string): Promise<number> {
    const response = await this.client.api('GET', '/1/user/-/apiSubscriptions.json', accessToken);
    const subscriptions =
      (response.body as { apiSubscriptions?: { ownerId?: string; subscriptionId?: string; subscriberId?: string }[] } | null)
        ?.apiSubscriptions ?? [];
    let removed = 0;
    for (const subscription of subscriptions) {
      if (subscription.ownerId !== providerUserId || !subscription.subscriptionId) continue;
      await this.client.api(
        'DELETE',
        `/1/user/-/apiSubscriptions/${encodeURIComponent(subscription.subscriptionId)}.json`,
        accessToken,
        subscription.subscriberId ? { 'x-fitbit-subscriber-id': subscription.subscriberId } : {},
      );
      removed += 1;
    }
    return removed;
  }

  answerVerification(request: IncomingNotificationRequest, verificationCode: string | null): VerificationAnswer | null {
    if (request.method !== 'GET') return null;
    const code = request.query.verify;
    return { status: typeof code === 'string' && verificationCode !== null && constantTimeEquals(code, verificationCode) ? 204 : 404 };
  }

  async verifyNotificationSignature(request: IncomingNotificationRequest): Promise<boolean> {
    const header = request.headers['x-fitbit-signature'];
    if (typeof header !== 'string' || request.rawBody === null) return false;
    const expected = createHmac('sha1', `${this.config.clientSecret}&`).update(request.rawBody).digest();
    const given = Buffer.from(header, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  parseNotifications(body: Buffer): ProviderNotification[] {
    return parseFitbitNotifications(body);
  }

  private async profile(accessToken: string): Promise<NonNullable<FitbitProfile['user']>> {
    const response = await this.client.api('GET', '/1/user/-/profile.json', accessToken);
    return (response.body as FitbitProfile | null)?.user ?? {};
  }

  private async fetchRange(accessToken: string, type: TimeSeriesTypeKey, range: DateRange): Promise<DailyValue[]> {
    if (daysBetween(range.start, range.end) < 0) return [];
    const values: DailyValue[] = [];
    for (const chunk of splitRange(range.start, range.end, MAX_RANGE_DAYS)) {
      values.push(...(await this.fetchSeries(accessToken, type, `${chunk.start}/${chunk.end}`)));
    }
    return values;
  }

  private async fetchSeries(accessToken: string, type: TimeSeriesTypeKey, dates: string): Promise<DailyValue[]> {
    const path = timeSeriesPath(type);
    const response = await this.client.api('GET', `/1/user/-/${path}/date/${dates}.json`, accessToken);
    const series = (response.body as Record<string, unknown> | null)?.[path.replace(/\//g, '-')];
    if (!Array.isArray(series)) return [];
    return series
      .filter((entry): entry is DailyValue => typeof entry?.dateTime === 'string')
      .map((entry) => ({ dateTime: entry.dateTime, value: entry.value === null || entry.value === undefined ? '' : String(entry.value) }));
  }
}
