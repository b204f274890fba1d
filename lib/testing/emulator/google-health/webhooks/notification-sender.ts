import type { DeliveryResult } from '../../emulator-mode.js';
import type { SignatureChoice, WebhookKeyRing } from './webhook-keys.js';

/** google-health mode: the header names Google signs notifications in. */
export type GoogleSignatureHeader = 'X-HEALTHAPI-SIGNATURE' | 'GOOGLE-HEALTH-API-SIGNATURE';

/** google-health mode: one changed interval of a notification. */
export interface GoogleNotificationInterval {
  civilIso8601TimeInterval: { startTime: string; endTime: string };
  physicalTimeInterval: { startTime: string; endTime: string };
}

/** google-health mode: a notification body, as Google posts it to the subscriber endpoint. */
export interface GoogleNotification {
  data: {
    healthUserId: string;
    dataType: string;
    operation: 'UPSERT' | 'DELETE';
    clientProvidedSubscriptionName: string;
    intervals: GoogleNotificationInterval[];
  };
}

/** google-health mode: how `sendGoogleNotification` delivers: Authorization value, signature, header name. */
export interface GoogleDelivery {
  /** The Authorization header; default the emulator's `webhookAuthorization`; null sends none. */
  authorization?: string | null;
  /** Default 'valid'. */
  signature?: SignatureChoice;
  /** Default X-HEALTHAPI-SIGNATURE. */
  signatureHeader?: GoogleSignatureHeader;
  /** Give up waiting for the subscriber after this long. Default 10 000 ms. */
  timeoutMs?: number;
}

/** POSTs one notification, raw JSON, with the subscriber's Authorization secret and a Tink ECDSA signature over the exact body bytes. */
export async function sendGoogleNotification(
  keys: WebhookKeyRing,
  defaultAuthorization: string | null,
  url: string,
  notification: GoogleNotification | GoogleNotification[] | Record<string, unknown> | unknown[],
  delivery: GoogleDelivery = {},
): Promise<DeliveryResult> {
  const body = JSON.stringify(notification);
  return post(url, body, {
    authorization: delivery.authorization === undefined ? defaultAuthorization : delivery.authorization,
    signature: keys.signature(body, delivery.signature ?? 'valid'),
    signatureHeader: delivery.signatureHeader ?? 'X-HEALTHAPI-SIGNATURE',
    timeoutMs: delivery.timeoutMs ?? 10_000,
  });
}

interface PostParts {
  authorization: string | null;
  signature: string | null;
  signatureHeader: GoogleSignatureHeader;
  timeoutMs: number;
}

export async function post(url: string, body: string, parts: PostParts): Promise<DeliveryResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Google-Health-API-Webhooks' };
  if (parts.authorization !== null) headers.authorization = parts.authorization;
  if (parts.signature !== null) headers[parts.signatureHeader.toLowerCase()] = parts.signature;
  const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(parts.timeoutMs) });
  return { status: response.status, body: await response.text() };
}

/** google-health mode: how the app answered the verification POSTs with and without the Authorization value. */
export interface GoogleSubscriberVerification {
  withAuthorization: number;
  withoutAuthorization: number;
  /** True when the subscriber answered 201 with the Authorization header and 401 or 403 without it. */
  verified: boolean;
}

/** Google's endpoint check: two signed POSTs of {"type":"verification"}, with and without the Authorization secret. */
export async function verifyGoogleSubscriber(keys: WebhookKeyRing, url: string, authorization: string): Promise<GoogleSubscriberVerification> {
  const body = JSON.stringify({ type: 'verification' });
  const send = (withAuth: boolean) =>
    post(url, body, {
      authorization: withAuth ? authorization : null,
      signature: keys.signature(body, 'valid'),
      signatureHeader: 'X-HEALTHAPI-SIGNATURE',
      timeoutMs: 10_000,
    });
  const withAuthorization = (await send(true)).status;
  const withoutAuthorization = (await send(false)).status;
  return {
    withAuthorization,
    withoutAuthorization,
    verified: withAuthorization === 201 && (withoutAuthorization === 401 || withoutAuthorization === 403),
  };
}
