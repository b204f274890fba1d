/**
 * One redaction layer for what the module logs: tokens, codes, secrets and Authorization values
 * never reach a logger, whatever carries them (job data, upstream answers, TypeORM errors).
 */
import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeError, redact, registerSecrets } from '../../lib/logging/redaction.js';
import { RedactingLogger } from '../../lib/logging/redacting-logger.js';
import { FitbitWebApiProvider } from '../../lib/providers/fitbit/fitbit-web-api.provider.js';
import { ProviderBadRequestError } from '../../lib/providers/provider-errors.js';
import { FitbitJobsProcessor } from '../../lib/subscriptions/fitbit-jobs.processor.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import { PROVIDERS, startEmulator } from '../support/fitbit-fixture.js';
import { fakeJob } from '../subscriptions/support/subscriptions-fixture.js';

describe.each(PROVIDERS)('redaction of what the module logs (%s)', (provider) => {
  let emulator: FitbitEmulator;
  let secrets: string[];
  let tokens: { accessToken: string; refreshToken: string };
  beforeAll(async () => {
    emulator = await startEmulator({ provider });
    tokens = emulator.issueTokens(emulator.addUser().id);
    secrets = emulator.issuedSecrets().filter((secret) => secret.length >= 10);
  });
  afterAll(() => emulator.stop());
  afterEach(() => vi.restoreAllMocks());

  const expectClean = (text: string) => {
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
    }
  };

  it('removes the emulator’s tokens in every form they travel in', () => {
    const { accessToken, refreshToken } = tokens;
    const carriers = [
      JSON.stringify({ providerUserId: 'X', accessToken, refreshToken, expiresAt: 1, revoke: true }),
      `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`,
      `authorization: Bearer ${accessToken}`,
      `token (refresh_token): Provider answered 400 invalid_grant (Refresh token invalid: ${refreshToken})`,
      `{"access_token": "${accessToken}", "refresh_token": "${refreshToken}"}`,
    ];
    for (const text of carriers) expectClean(redact(text));
  });

  it('removes configured secrets by value', () => {
    registerSecrets('Bearer a-webhook-secret-of-the-host', 'client-secret-of-the-host');
    expect(redact('got "Bearer a-webhook-secret-of-the-host" and client-secret-of-the-host')).not.toMatch(/a-webhook-secret|client-secret-of/);
  });

  it('describes a TypeORM QueryFailedError without its query parameters', () => {
    const error = new QueryFailedError('INSERT INTO "fitbit_user_link" VALUES ($1, $2)', [tokens.accessToken, tokens.refreshToken], Object.assign(new Error('duplicate key value violates unique constraint "UQ_fitbit_user_link_user"'), { code: '23505' }));
    const described = describeError(error);
    expect(described).toContain('QueryFailedError [23505]: duplicate key value violates unique constraint');
    expectClean(described);
  });

  it('keeps a provider error message free of the token the provider quoted', () => {
    expectClean(new ProviderBadRequestError(`token: Fitbit answered 400 invalid_grant (Refresh token invalid: ${tokens.refreshToken})`, 400, 'invalid_grant').message);
  });

  it('a logger whose message, error or object holds a token writes none of it', () => {
    const written: string[] = [];
    vi.spyOn(Logger.prototype, 'warn').mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' ')));
    const logger = new RedactingLogger('Test');
    logger.warn(`refresh ${tokens.refreshToken}`);
    logger.warn(new Error(`Bearer ${tokens.accessToken}`));
    logger.warn({ job: { accessToken: tokens.accessToken } });
    expect(written).toHaveLength(3);
    expectClean(written.join('\n'));
  });
});

describe('a failed job is logged without the credentials its data or error carried', () => {
  let emulator: FitbitEmulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.stop());

  it('as the old unsubscribe job did: JSON.stringify(job.data) with both tokens', () => {
    const tokens = emulator.issueTokens(emulator.addUser().id);
    const written: string[] = [];
    vi.spyOn(Logger.prototype, 'warn').mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' ')));
    const legacyJob = fakeJob({ providerUserId: 'ABC', accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, revoke: true }, { name: 'unsubscribe' });
    // The failure hook alone: it needs nothing but its logger.
    const processor = Object.assign(Object.create(FitbitJobsProcessor.prototype) as object, { logger: new RedactingLogger('FitbitJobs') }) as unknown as FitbitJobsProcessor;
    processor.logFailure(legacyJob, new Error(`upstream said Bearer ${tokens.accessToken}`));
    expect(written.join('\n')).toContain('Job unsubscribe');
    for (const token of [tokens.accessToken, tokens.refreshToken]) expect(written.join('\n')).not.toContain(token);
    vi.restoreAllMocks();
  });
});

describe('the subscriber verification code', () => {
  it('is compared in constant time', async () => {
    const module = await import('../../lib/providers/constant-time-equals.js');
    const spy = vi.spyOn(module, 'constantTimeEquals');
    const provider = new FitbitWebApiProvider({ scopes: [] } as never, {} as never);
    const request = { method: 'GET', headers: {}, query: { verify: 'the-code' }, rawBody: null };
    expect(provider.answerVerification(request, 'the-code')).toEqual({ status: 204 });
    expect(provider.answerVerification({ ...request, query: { verify: 'the-cod' } }, 'the-code')).toEqual({ status: 404 });
    expect(spy).toHaveBeenCalledWith('the-code', 'the-code');
  });
});
