/**
 * The one redaction layer: every text the module logs, throws or shows passes through `redact`, which
 * removes credentials by their shape (Authorization values, OAuth parameters and JSON fields, JWTs,
 * Google-style and long hex tokens, sealed values) and by value (the secrets of the configuration).
 */
const MASK = '[redacted]';

/** Configured secrets (client secret, webhook authorization, verification code…); shorter values are too common to search for. */
const knownSecrets = new Set<string>();
const MIN_SECRET_LENGTH = 8;

const CREDENTIAL_KEYS = String.raw`access_?token|refresh_?token|id_?token|accessToken|refreshToken|idToken|code|code_verifier|codeVerifier|client_secret|clientSecret|token|state|verify|password|secret|authorization`;

const SHAPES: [RegExp, string][] = [
  // Authorization header values, whatever the scheme's case.
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${MASK}`],
  // Form or query parameters: `code=…`, `refresh_token=…`.
  [new RegExp(String.raw`\b(${CREDENTIAL_KEYS})=([^&\s"',;]+)`, 'gi'), `$1=${MASK}`],
  // JSON or object fields: `"refresh_token":"…"`, `accessToken: '…'`.
  [new RegExp(String.raw`(["']?\b(?:${CREDENTIAL_KEYS})["']?\s*[:=]\s*)(["'])(?:(?!\2)[^\\]|\\.)*\2`, 'gi'), `$1$2${MASK}$2`],
  // JWTs (Fitbit's access tokens).
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]+/g, MASK],
  // Google's access (`ya29.`) and refresh (`1//`) tokens, raw or URL-encoded.
  [/\bya29\.[\w.-]+/g, MASK],
  [/\b1(?:\/\/|%2F%2F)[\w-]{10,}/gi, MASK],
  // Google's authorization codes (`4/0…`).
  [/\b4(?:\/|%2F)0[\w-]{10,}/gi, MASK],
  // Values sealed by the module (opaque, but a key away from a credential).
  [/\bv[12]\.(?:[\w-]{1,16}\.)?[\w-]{40,}/g, MASK],
  // Long hex runs: Fitbit refresh tokens, authorization codes.
  [/\b[0-9a-f]{32,}\b/gi, MASK],
];

/** Adds configured secrets that must never be written anywhere the module writes text. */
export function registerSecrets(...values: (string | null | undefined)[]): void {
  for (const value of values) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
    knownSecrets.add(value);
    // A value may also travel URL-encoded (a form body) or as the token of an Authorization value.
    knownSecrets.add(encodeURIComponent(value));
    const token = /^\S+\s+(\S{8,})$/.exec(value)?.[1];
    if (token) knownSecrets.add(token);
  }
}

/** The text with every credential it carries replaced by `[redacted]`. */
export function redact(text: string): string {
  let result = text;
  for (const secret of knownSecrets) if (result.includes(secret)) result = result.split(secret).join(MASK);
  for (const [pattern, replacement] of SHAPES) result = result.replace(pattern, replacement);
  return result;
}

/**
 * What can be said of an error without leaking what it carries: its class and redacted message,
 * never the SQL parameters of a TypeORM QueryFailedError, a driver's detail or an HTTP client's
 * request options.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return redact(String(error));
  const driver = (error as { driverError?: { code?: unknown } }).driverError;
  const code = typeof driver?.code === 'string' ? ` [${driver.code}]` : '';
  return redact(`${error.name}${code}: ${error.message}`);
}
