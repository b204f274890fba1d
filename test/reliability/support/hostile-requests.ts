/**
 * The hostile-input fuzz: a seeded, pre-generated list of requests over every route of the
 * module — random methods, paths and path tricks, query strings, headers, cookies and bodies
 * (malformed and oversized JSON, broken multipart, notification batches with forged or
 * missing signatures). Pre-generated from the seed, so a failing run can be replayed.
 */
import { createHmac } from 'node:crypto';
import { OAUTH_STATE_COOKIE } from '../../../lib/auth/sealed-cookie-state.store.js';
import type { RawRequest } from './cluster.js';
import { SeededRandom } from './cluster.js';

export interface FuzzRequest extends RawRequest {
  /** Which app process gets it. */
  target: number;
  kind: string;
  bodyBytes: number;
  /** A notification batch that looks right in every way but its signature (forged, altered or missing). */
  forgedBatch: boolean;
}

/** A login/ already made on one of the processes: a real sealed cookie and its state, for forgeries at complete/. */
export interface HarvestedLogin {
  cookie: string;
  state: string;
  appUserId: string;
}

export interface FuzzContext {
  provider: 'fitbit' | 'google-health';
  processes: number;
  clientSecret: string;
  /** google-health: the Authorization value Google sends, to pass the first check and reach the signature. */
  webhookAuthorization: string;
  /** google-health: the id of the emulator's real signing key, so forged signatures name a known key. */
  googleKeyId: number | null;
  /** google-health: a correctly signed delivery captured from the emulator, to replay with its body altered. */
  googleSigned: { body: string; headers: Record<string, string> } | null;
  logins: HarvestedLogin[];
  /** The process's verification code, sent now and then. */
  verificationCode: string;
}

const CATEGORIES = {
  foods: ['log/caloriesIn', 'log/water'],
  activities: ['steps', 'tracker/steps', 'distance', 'calories', 'minutesSedentary'],
  sleep: ['minutesAsleep', 'startTime'],
  body: ['weight', 'bmi', 'fat'],
} as const;

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=bogus',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=xyz',
  'multipart/mixed; boundary=xyz',
  'application/xml',
  'application/vnd.api+json',
  '*/*',
  ';;;',
  'application/json, text/plain',
  'x'.repeat(300),
];
const EVIL_NEXT = [
  '//evil.example',
  '//evil.example/path',
  '/\\evil.example',
  '\\\\evil.example',
  'https://evil.example/',
  'http:evil.example',
  '/%2F%2Fevil.example',
  '/%5Cevil.example',
  '%2F%2Fevil.example',
  '/%09/evil.example',
  '/\t/evil.example',
  '/ok/../..//evil.example',
  '///evil.example',
  'javascript:alert(1)',
  'data:text/html,x',
  '/fine?next=//evil.example',
  '/fine#//evil.example',
  '',
  '/',
  '/dashboard',
];
const PERIODS = ['1d', '7d', '30d', '1w', '1m', '3m', '6m', '1y', 'max', '2d', '', 'MAX', '1y1', '-1d', '1d\u0000'];
const DATES = ['2026-01-01', '2025-02-29', '2024-02-29', 'today', '0000-00-00', '9999-12-31', '2026-13-01', '2026-1-1', '1970-01-01', '20260101', '2026-01-01T00:00:00Z', ''];

/** encodeURIComponent, except that a lone surrogate goes out as the invalid UTF-8 bytes it would be (CESU-8). */
const encode = (text: string) =>
  text.replace(/[\ud800-\udfff]/gu, (char) => `\u0000${Buffer.from([0xed, 0xa0 | ((char.charCodeAt(0) >> 6) & 0x0f), 0x80 | (char.charCodeAt(0) & 0x3f)]).toString('hex')}`)
    .split(/\u0000([0-9a-f]{6})/)
    .map((piece, index) => (index % 2 === 1 ? piece.replace(/../g, (hex) => `%${hex.toUpperCase()}`) : encodeURIComponent(piece)))
    .join('');
/** Keeps what node:http accepts in a request line (0x21–0xff), percent-encoding the rest. */
const requestLineSafe = (text: string) => text.replace(/[^\u0021-\u007e]/gu, (char) => encodeURIComponent(char));

export function generateFuzzRequests(seed: number, count: number, context: FuzzContext): FuzzRequest[] {
  const random = new SeededRandom(seed);
  const unicode = () => random.pick(['ü', 'Ω', '日本', '🙂', '\u202e', '\u0000', '\ufeff', 'é'.normalize('NFD'), '\ud800']);
  const text = (max: number) => random.text(1 + random.int(max));
  const dataRoute = () => {
    const category = random.pick(Object.keys(CATEGORIES)) as keyof typeof CATEGORIES;
    return `/fitbit/get_data/${category}/${random.pick(CATEGORIES[category])}/`;
  };
  const routes = () =>
    random.pick([
      '/fitbit/login/',
      '/fitbit/complete/',
      '/fitbit/error/',
      '/fitbit/logout/',
      '/fitbit/update/',
      '/fitbit/update/',
      '/fitbit/get_steps/',
      dataRoute(),
      dataRoute(),
    ]);
  const withoutSlash = (path: string) => (random.chance(0.3) ? path.replace(/\/$/, '') : path);

  const queryValue = (): string => {
    const roll = random.int(10);
    if (roll === 0) return encode('x'.repeat(10_000));
    if (roll === 1) return encode(unicode() + text(20));
    if (roll === 2) return requestLineSafe(random.pick(EVIL_NEXT));
    if (roll === 3) return random.pick(['%', '%E0%A4%A', '%zz', '%00', '%C0%AF', '%25%32%66']);
    if (roll === 4) return random.pick(DATES);
    if (roll === 5) return random.pick(PERIODS).replace('\u0000', '%00');
    return encode(text(30));
  };
  const query = (keys: readonly string[]): string => {
    if (random.chance(0.15)) return '';
    const pairs: string[] = [];
    const n = 1 + random.int(5);
    for (let i = 0; i < n; i++) {
      const key = random.chance(0.8) ? random.pick(keys) : random.pick([encode(text(8)), 'next[]', 'next[a]', '__proto__', 'constructor', '', 'a=b=c']);
      pairs.push(random.chance(0.1) ? key : `${key}=${queryValue()}`);
      if (random.chance(0.15)) pairs.push(`${key}=${queryValue()}`); // repeated key
    }
    return `?${pairs.join(random.chance(0.1) ? ';' : '&')}`;
  };
  const keysFor = (path: string): readonly string[] => {
    if (path.includes('get_data') || path.includes('get_steps')) return ['period', 'base_date', 'end_date'];
    if (path.includes('complete')) return ['code', 'state', 'error', 'error_description', 'next'];
    if (path.includes('update')) return ['verify'];
    return ['next'];
  };

  const signedInHeader = (): Record<string, string> => {
    const roll = random.int(20);
    if (roll < 6) return {};
    if (roll === 6) return { 'x-test-user': `${1 + random.int(20)};inactive` };
    if (roll === 7) return { 'x-test-user': random.pick(['abc', '0', '-1', '1e400', '1.5', ' ', requestLineSafe(text(50))]) };
    return { 'x-test-user': String(1 + random.int(20)) };
  };
  const cookieHeader = (): Record<string, string> => {
    const roll = random.int(12);
    if (roll < 6) return {};
    if (roll === 6) return { cookie: `${OAUTH_STATE_COOKIE}=${requestLineSafe(text(60))}` };
    if (roll === 7) return { cookie: `${OAUTH_STATE_COOKIE}=v1.${random.bytes(40 + random.int(200)).toString('base64url')}` };
    if (roll === 8 && context.logins.length > 0) return { cookie: `${OAUTH_STATE_COOKIE}=${random.pick(context.logins).cookie}` };
    if (roll === 9) return { cookie: `${OAUTH_STATE_COOKIE}=a; ${OAUTH_STATE_COOKIE}=b; x=${'y'.repeat(4000)}` };
    if (roll === 10) return { cookie: ';;=;=a;b=%;%%=%zz' };
    return { cookie: `session=${text(20).replace(/[;\s]/g, '')}` };
  };
  const extraHeaders = (): Record<string, string> => {
    const headers: Record<string, string> = {};
    if (random.chance(0.2)) headers['x-fitbit-signature'] = random.chance(0.5) ? random.bytes(20).toString('base64') : requestLineSafe(text(40));
    if (random.chance(0.1)) headers.authorization = random.pick(['Bearer forged', context.webhookAuthorization, 'Basic Og==', '', requestLineSafe(text(100))]);
    if (random.chance(0.1)) headers['x-healthapi-signature'] = random.bytes(72).toString('base64');
    if (random.chance(0.05)) headers['x-forwarded-proto'] = 'https';
    if (random.chance(0.05)) headers['x-forwarded-host'] = 'evil.example';
    if (random.chance(0.05)) headers.accept = random.pick(['application/json', 'text/html', '*/*', 'x/y;q=2']);
    if (random.chance(0.05)) headers.origin = 'https://evil.example';
    if (random.chance(0.03)) headers['x-http-method-override'] = random.pick(['DELETE', 'PUT', 'GET']);
    return headers;
  };

  const notification = (date: string) => ({
    collectionType: random.pick(['activities', 'body', 'foods', 'sleep', 'userRevokedAccess', 'deleteUser', 'bogus']),
    date,
    ownerId: random.pick(['ABC123', '-', '', 'X'.repeat(100), '../../x']),
    ownerType: 'user',
    subscriptionId: String(1 + random.int(20)),
  });
  const googleNotice = (date: string) => ({
    data: {
      healthUserId: random.pick(['1234567890', '', '../x', 'h'.repeat(100)]),
      dataType: random.pick(['steps', 'sleep', 'weight', 'bogus', 'active-minutes']),
      operation: random.pick(['UPSERT', 'DELETE', 'NOPE']),
      clientProvidedSubscriptionName: 'x',
      intervals: random.chance(0.8)
        ? [{ civilIso8601TimeInterval: { startTime: `${date}T00:00:00`, endTime: `${date}T23:59:59` }, physicalTimeInterval: { startTime: `${date}T00:00:00Z`, endTime: `${date}T23:59:59Z` } }]
        : random.pick([[], null, 'x', [{}]]),
    },
  });
  /** A batch that looks right in every way but its signature. */
  const plausibleBatch = (): string => {
    const n = 1 + random.int(random.chance(0.1) ? 500 : 5);
    const date = random.pick(DATES);
    if (context.provider === 'google-health') return JSON.stringify(googleNotice(date));
    return JSON.stringify(Array.from({ length: n }, () => notification(date)));
  };
  const malformedJson = (): string =>
    random.pick([
      '{',
      '[',
      '[{"collectionType":',
      '{"a":1,}',
      "{'a':1}",
      'null',
      'true',
      '123',
      '"string"',
      '[]',
      '{}',
      '[null]',
      '[1,2,3]',
      '{"__proto__":{"polluted":1}}',
      '[{"__proto__":{"collectionType":"activities"}}]',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '\ufeff[]',
      '[' .repeat(20_000),
      `[${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]`,
      '{"type":"verification"}',
      '{"type":"verification","extra":' + '1'.repeat(1000) + '}',
      JSON.stringify({ data: null }),
      random.bytes(200).toString('latin1'),
      '[{"collectionType":"activities","date":"2026-01-01","ownerId":"A","ownerType":"user","subscriptionId":"1"}]garbage',
    ]);
  const bigJson = (bytes: number): string => {
    const item = JSON.stringify(notification('2026-01-01'));
    return `[${Array.from({ length: Math.ceil(bytes / (item.length + 1)) }, () => item).join(',')}]`;
  };
  const multipart = (json: string, options: { broken?: boolean; field?: string; extraFile?: number } = {}) => {
    const boundary = `----fuzz${random.int(1e9)}`;
    const field = options.field ?? 'updates';
    const parts = [
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="updates.json"\r\nContent-Type: application/json\r\n\r\n${json}\r\n`,
    ];
    if (options.extraFile) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="other"; filename="x.bin"\r\n\r\n${'z'.repeat(options.extraFile)}\r\n`);
    let body = `${parts.join('')}--${boundary}--\r\n`;
    if (options.broken) {
      body = random.pick([
        body.slice(0, Math.floor(body.length / 2)),
        body.replace(`--${boundary}--`, ''),
        body.replaceAll('\r\n', '\n'),
        `--${boundary}\r\nContent-Disposition: form-data\r\n\r\n`,
        `--wrong\r\n${body}`,
        body.replace('form-data;', 'form-data; name=;;;'),
      ]);
    }
    return { body, contentType: random.chance(0.9) ? `multipart/form-data; boundary=${boundary}` : random.pick(['multipart/form-data', `multipart/form-data; boundary="${boundary}x"`]) };
  };
  /** Forged signatures: HMAC with a wrong secret, the right secret over other bytes, random bytes, or a Tink-shaped forgery. */
  const forgedSignature = (body: string): Record<string, string> => {
    if (context.provider === 'fitbit') {
      const roll = random.int(5);
      if (roll === 0) return {};
      if (roll === 1) return { 'x-fitbit-signature': createHmac('sha1', `${context.clientSecret}-wrong&`).update(body).digest('base64') };
      if (roll === 2) return { 'x-fitbit-signature': createHmac('sha1', `${context.clientSecret}&`).update(`${body} `).digest('base64') };
      if (roll === 3) return { 'x-fitbit-signature': createHmac('sha1', context.clientSecret).update(body).digest('base64') };
      return { 'x-fitbit-signature': random.bytes(20).toString('base64') };
    }
    const authorization = random.chance(0.7) ? context.webhookAuthorization : random.pick(['Bearer forged', `${context.webhookAuthorization} `, context.webhookAuthorization.toLowerCase()]);
    const header = random.pick(['x-healthapi-signature', 'google-health-api-signature']);
    const roll = random.int(5);
    if (roll === 0) return { authorization };
    const keyId = Buffer.alloc(4);
    keyId.writeUInt32BE(roll === 1 || context.googleKeyId === null ? random.int(2 ** 31) : context.googleKeyId);
    if (roll <= 2) return { authorization, [header]: Buffer.concat([Buffer.from([1]), keyId, random.bytes(70)]).toString('base64') };
    if (roll === 3 && context.googleSigned) {
      // A real signature, over other bytes.
      const real = context.googleSigned.headers['x-healthapi-signature'] ?? context.googleSigned.headers['google-health-api-signature'];
      if (real) return { authorization, [header]: real };
    }
    return { authorization, [header]: requestLineSafe(text(90)) };
  };

  const requests: FuzzRequest[] = [];
  for (let index = 0; index < count; index++) {
    const target = random.int(context.processes);
    let method = 'GET';
    let path: string;
    let headers: Record<string, string> = {};
    let body: string | Buffer | undefined;
    const kindRoll = random.int(100);
    let kind: string;
    let forgedBatch = false;

    if (kindRoll < 18) {
      kind = 'route';
      path = withoutSlash(routes());
      path += query(keysFor(path));
      headers = { ...signedInHeader(), ...cookieHeader() };
    } else if (kindRoll < 28) {
      kind = 'method';
      method = random.pick(METHODS);
      path = withoutSlash(routes()) + query(keysFor('x'));
      headers = { ...signedInHeader(), ...cookieHeader() };
      if (method !== 'GET' && method !== 'HEAD' && random.chance(0.5)) {
        body = random.chance(0.5) ? malformedJson() : plausibleBatch();
        headers['content-type'] = random.pick(CONTENT_TYPES);
      }
    } else if (kindRoll < 40) {
      kind = 'path-trick';
      method = random.chance(0.8) ? 'GET' : 'POST';
      path = random.pick([
        '/fitbit/../fitbit/login/',
        '/fitbit/./complete/',
        '/fitbit//complete/',
        '//fitbit/login/',
        '/fitbit/%2e%2e/fitbit/login/',
        '/fitbit/%2E%2E%2Ffitbit%2Flogin/',
        '/fitbit/login%2F',
        '/fitbit/get_data/activities%2Fsteps',
        '/fitbit/get_data/activities/..%2F..%2F..%2Fetc%2Fpasswd',
        '/fitbit/get_data/../../../../etc/passwd',
        '/fitbit/get_data/activities/steps/../../../login/',
        '/fitbit/get_data/%00/%00',
        '/fitbit/get_data/activities/%E0%A4%A',
        '/fitbit/get_data/activities/' + 'tracker/'.repeat(300) + 'steps',
        '/fitbit/get_data/' + 'a/'.repeat(2000),
        '/fitbit/' + 'x'.repeat(7000),
        '/fitbit/' + 'y'.repeat(20_000),
        '/fitbit/complete/%0d%0aSet-Cookie:%20x=1',
        '/fitbit/login/%0d%0aLocation:%20https://evil.example',
        '/fitbit/complete/;/..',
        '/fitbit/complete;jsessionid=1/',
        '/fitbit/%6c%6f%67%69%6e/',
        '/FITBIT/LOGIN/',
        '/Fitbit/Complete/',
        '/fitbit\\complete\\',
        '/fitbit/update/..',
        '/fitbit/update/%2e',
        '/fitbit/update/?verify=' + context.verificationCode,
        '/fitbit/update/?verify=' + context.verificationCode + '&verify=x',
        '/fitbit/' + encode(unicode()) + '/',
        '/fitbit/' + encode(text(30)),
        '/fitbit',
        '/fitbit/',
        '/',
        '*',
        'http://evil.example/fitbit/complete/',
        'http://evil.example/fitbit/login/',
        'http://evil.example/fitbit/logout/?next=/x',
        'http://evil.example/fitbit/error/',
        'http://127.0.0.1/fitbit/complete/?code=x',
        '//evil.example/fitbit/complete/',
        '/fitbit/complete/?code=x#frag',
      ]);
      if (path === '*') method = 'OPTIONS';
      headers = { ...signedInHeader(), ...cookieHeader() };
    } else if (kindRoll < 50) {
      kind = 'query';
      path = random.pick(['/fitbit/login/', '/fitbit/logout/', '/fitbit/complete/', '/fitbit/error/', dataRoute(), '/fitbit/get_steps/']);
      const keys = keysFor(path);
      path += random.chance(0.5) ? `?next=${requestLineSafe(random.pick(EVIL_NEXT))}${random.chance(0.5) ? query(keys).replace('?', '&') : ''}` : query(keys);
      headers = { 'x-test-user': String(1 + random.int(20)), ...cookieHeader() };
    } else if (kindRoll < 58) {
      kind = 'complete-forgery';
      const login = context.logins.length > 0 ? random.pick(context.logins) : null;
      const state = login && random.chance(0.6) ? login.state : random.pick([text(30), '', 'x'.repeat(5000)]);
      const code = random.pick([requestLineSafe(text(40)), '', 'x'.repeat(3000), '%00', 'valid-looking-code-0123456789']);
      path = withoutSlash('/fitbit/complete/') + `?code=${encode(code)}&state=${encode(state)}${random.chance(0.3) ? `&next=${requestLineSafe(random.pick(EVIL_NEXT))}` : ''}`;
      if (random.chance(0.1)) path = `/fitbit/complete/?error=access_denied&state=${encode(state)}`;
      const user = login && random.chance(0.6) ? login.appUserId : String(1 + random.int(20));
      headers = { 'x-test-user': user, ...(login && random.chance(0.7) ? { cookie: `${OAUTH_STATE_COOKIE}=${login.cookie}` } : cookieHeader()) };
    } else if (kindRoll < 72) {
      kind = 'update-json';
      method = random.chance(0.9) ? 'POST' : random.pick(['PUT', 'GET', 'DELETE']);
      path = withoutSlash('/fitbit/update/') + (random.chance(0.1) ? query(['verify']) : '');
      forgedBatch = random.chance(0.55);
      const json = forgedBatch ? plausibleBatch() : malformedJson();
      body = json;
      headers = { 'content-type': random.chance(0.8) ? 'application/json' : random.pick(CONTENT_TYPES), ...forgedSignature(json) };
      if (random.chance(0.05)) headers['content-encoding'] = random.pick(['gzip', 'deflate', 'br', 'bogus', 'identity']);
      if (random.chance(0.05) && context.provider === 'google-health' && context.googleSigned) {
        // The captured, correctly signed delivery with one byte of its body changed.
        const altered = context.googleSigned.body.replace(/\d(?=[^\d]*$)/, (digit) => String((Number(digit) + 1) % 10));
        body = altered;
        headers = { ...context.googleSigned.headers };
        forgedBatch = true;
      }
    } else if (kindRoll < 82) {
      kind = 'update-multipart';
      method = 'POST';
      path = '/fitbit/update/';
      forgedBatch = random.chance(0.6);
      const json = forgedBatch ? plausibleBatch() : malformedJson();
      const part = multipart(json, {
        broken: random.chance(0.4),
        field: random.chance(0.85) ? 'updates' : random.pick(['update', 'file', '', 'updates"; x="']),
        extraFile: random.chance(0.1) ? 1000 + random.int(300_000) : 0,
      });
      body = part.body;
      headers = { 'content-type': part.contentType, ...forgedSignature(json) };
    } else if (kindRoll < 86) {
      kind = 'oversized';
      method = random.chance(0.8) ? 'POST' : random.pick(['PUT', 'PATCH']);
      path = random.chance(0.7) ? '/fitbit/update/' : routes();
      const size = random.pick([150_000, 600_000, 1_100_000, 2_000_000]);
      if (random.chance(0.5)) {
        body = bigJson(size);
        headers = { 'content-type': 'application/json', ...forgedSignature(body) };
      } else {
        const part = multipart(bigJson(size));
        body = part.body;
        headers = { 'content-type': part.contentType, ...forgedSignature(body) };
      }
    } else if (kindRoll < 93) {
      kind = 'headers';
      method = random.pick(['GET', 'POST', 'GET']);
      path = withoutSlash(routes()) + query(keysFor('x'));
      headers = { ...signedInHeader(), ...cookieHeader(), ...extraHeaders(), 'content-type': random.pick(CONTENT_TYPES) };
      if (method === 'POST') body = random.chance(0.5) ? malformedJson() : `a=${encode(text(50))}&b[c]=d&__proto__[x]=1`;
      if (random.chance(0.2)) headers['content-encoding'] = random.pick(['gzip', 'deflate', 'br', 'bogus']);
      if (random.chance(0.1)) headers['x-long'] = 'h'.repeat(8000);
    } else {
      kind = 'body-anywhere';
      method = random.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
      path = withoutSlash(routes()) + query(keysFor('x'));
      body = random.chance(0.3) ? random.bytes(random.int(5000)) : random.chance(0.5) ? malformedJson() : plausibleBatch();
      headers = { ...signedInHeader(), 'content-type': random.pick(CONTENT_TYPES) };
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    requests.push({ target, kind, method, path, headers, body, bodyBytes: body === undefined ? 0 : Buffer.byteLength(body), forgedBatch });
  }
  return requests;
}
