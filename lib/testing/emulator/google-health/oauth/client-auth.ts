import type { EmulatorRequest } from '../../core/http-types.js';

export type ClientAuth = { kind: 'ok' } | { kind: 'missing' } | { kind: 'wrong' };

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/** Google takes client_id + client_secret in the form, or HTTP Basic. */
export function checkClient(request: EmulatorRequest, form: URLSearchParams, clientId: string, clientSecret: string): ClientAuth {
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) {
      id = decode(decoded.slice(0, colon));
      secret = decode(decoded.slice(colon + 1));
    }
  }
  if (!id) return { kind: 'missing' };
  return id === clientId && secret === clientSecret ? { kind: 'ok' } : { kind: 'wrong' };
}
