import { Injectable } from '@nestjs/common';
import { FitbitConfig } from '../../config/fitbit-config.js';
import type { TokenGrant } from '../fitbit-provider.interface.js';
import { ProviderBadRequestError } from '../provider-errors.js';
import { upstreamFetch, type UpstreamResponse } from '../upstream-fetch.js';
import { googleHealthError } from './google-health.errors.js';

interface GoogleTokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
}

/** Every HTTP call of the google-health provider: Google OAuth, the Health API and the webhook keyset. */
@Injectable()
export class GoogleHealthClient {
  constructor(private readonly config: FitbitConfig) {}

  /** A call to the Health API (`path` relative to its base, e.g. `/users/me/identity`). */
  async api(method: string, path: string, accessToken: string, body?: unknown): Promise<UpstreamResponse> {
    const response = await upstreamFetch(
      `${this.config.endpoints.apiUrl}${path}`,
      {
        method,
        headers: { authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      this.config.requestTimeoutMs,
    );
    if (response.status >= 400) throw googleHealthError(response, `${method} ${path}`);
    return response;
  }

  async token(form: Record<string, string>): Promise<TokenGrant> {
    const response = await this.oauth(this.config.endpoints.tokenUrl, {
      ...form,
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
    });
    const answer = (response.body ?? {}) as GoogleTokenAnswer;
    if (typeof answer.access_token !== 'string' || answer.access_token === '') {
      throw new ProviderBadRequestError('token: Google answered without an access token', response.status, 'no_access_token');
    }
    return {
      accessToken: answer.access_token,
      refreshToken: typeof answer.refresh_token === 'string' ? answer.refresh_token : '',
      expiresAt: Date.now() + (typeof answer.expires_in === 'number' ? answer.expires_in : 3600) * 1000,
      scopes: typeof answer.scope === 'string' ? answer.scope.split(/\s+/).filter(Boolean) : [],
      providerUserId: null,
    };
  }

  async revoke(token: string): Promise<void> {
    await this.oauth(this.config.endpoints.revokeUrl, { token });
  }

  async keyset(): Promise<unknown> {
    const url = this.config.endpoints.keysetUrl;
    if (!url) throw new Error('endpoints.keysetUrl is not set');
    const response = await upstreamFetch(url, { method: 'GET' }, this.config.requestTimeoutMs);
    if (response.status >= 400) throw googleHealthError(response, 'GET keyset');
    return response.body;
  }

  private async oauth(url: string, form: Record<string, string>): Promise<UpstreamResponse> {
    const response = await upstreamFetch(
      url,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() },
      this.config.requestTimeoutMs,
    );
    if (response.status >= 400) throw googleHealthError(response, `POST ${new URL(url).pathname}`);
    return response;
  }
}
