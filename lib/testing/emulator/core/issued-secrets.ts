import type { EmulatorResponse } from './http-types.js';

const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'] as const;

/**
 * Every credential the emulator handed out: authorization codes (in authorize redirects) and tokens
 * (in token answers and from `issueTokens`). Tests use it to prove none of them leaks into logs,
 * queues or pages.
 */
export class IssuedSecrets {
  private readonly values = new Set<string>();

  add(...values: (string | null | undefined)[]): void {
    for (const value of values) if (typeof value === 'string' && value !== '') this.values.add(value);
  }

  /** Picks the credentials out of an answer about to be sent. */
  recordFrom(response: EmulatorResponse): void {
    const location = response.headers?.location;
    if (location && URL.canParse(location)) this.add(new URL(location).searchParams.get('code'));
    if (!response.body || !response.body.includes('_token')) return;
    try {
      const body = JSON.parse(response.body) as Record<string, unknown>;
      for (const field of TOKEN_FIELDS) if (typeof body[field] === 'string') this.add(body[field]);
    } catch {
      // Not JSON: not a token answer.
    }
  }

  list(): string[] {
    return [...this.values];
  }
}
