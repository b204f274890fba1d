import { createHmac } from 'node:crypto';

/** Fitbit's `X-Fitbit-Signature`: base64(HMAC-SHA1(client_secret + "&", the exact body bytes)). */
export function fitbitSignature(clientSecret: string, body: string | Buffer): string {
  return createHmac('sha1', `${clientSecret}&`).update(body).digest('base64');
}
