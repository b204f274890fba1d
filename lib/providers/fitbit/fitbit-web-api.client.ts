import { Injectable } from '@nestjs/common';
import { FitbitConfig } from '../../config/fitbit-config.js';
import type { TokenGrant } from '../fitbit-provider.interface.js';
import { ProviderBadRequestError } from '../provider-errors.js';
import { basicAuthorization, upstreamFetch, type UpstreamResponse } from '../upstream-fetch.js';
import { fitbitWebApiError } from './fitbit-web-api.errors.js';

interface FitbitTokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  user_id?: string;
}

/** Every HTTP call the legacy provider makes goes through here: timeouts and error mapping in one place. */
@Injectable()
export class FitbitWebApiClient {
  constructor(private readonly config: FitbitConfig) {}

  /** An authorised call to the Web API; `path` starts with `/1/`. Returns the parsed body of a 2xx answer. */
  async api(method: string, path: string, accessToken: string, headers: Record<string, string> = {}): Promise<UpstreamResponse> {
    const response = await upstreamFetch(
      `${this.config.endpoints.apiUrl}${path}`,
      { method, headers: { authorization: `Bearer ${accessToken}`, ...headers } },
      this.config.requestTimeoutMs,
    );
    if (response.status >= 400) throw fitbitWebApiError(response, `${method} ${path}`);
    return response;
  }

  async token(form: Record<string, string>): Promise<TokenGrant> {
    const response = await this.oauth(this.config.endpoints.tokenUrl, form, `token (${form.grant_type})`);
    const answer = (response.body ?? {}) as FitbitTokenAnswer;
    if (typeof answer.access_token !== 'string' || answer.access_token === '') {
      throw new ProviderBadRequestError('token: Fitbit answered without an access token', response.status, 'no_access_token');
    }
    return {
      accessToken: answer.access_token,
      refreshToken: typeof answer.refresh_token === 'string' ? answer.refresh_token : '',
      expiresAt: Date.now() + (typeof answer.expires_in === 'number' ? answer.expires_in : 28_800) * 1000,
      scopes: typeof answer.scope === 'string' ? answer.scope.split(/\s+/).filter(Boolean) : [],
      providerUserId: typeof answer.user_id === 'string' && answer.user_id !== '' ? answer.user_id : null,
    };
  }

  async revoke(token: string): Promise<void> {
    await this.oauth(this.config.endpoints.revokeUrl, { token }, 'revoke');
  }

  private async oauth(url: string, form: Record<string, string>, what: string): Promise<UpstreamResponse> {
    const response = await upstreamFetch(
      url,
      {
        method: 'POST',
        headers: {
          authorization: basicAuthorization(this.config.clientId, this.config.clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(form).toString(),
      },
      this.config.requestTimeoutMs,
    );
    if (response.status >= 400) throw fitbitWebApiError(response, what);
    return response;
  }
}
