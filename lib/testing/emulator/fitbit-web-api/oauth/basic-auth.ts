import type { EmulatorRequest } from '../../core/http-types.js';

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/** True when the request carries `Authorization: Basic base64(client_id:client_secret)` for this client. */
export function hasClientCredentials(request: EmulatorRequest, clientId: string, clientSecret: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return decode(decoded.slice(0, colon)) === clientId && decode(decoded.slice(colon + 1)) === clientSecret;
}
