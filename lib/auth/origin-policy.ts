import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { FitbitConfig } from '../config/fitbit-config.js';
import { moduleRoute } from './module-route.js';

/** The request's origin is not one the module may build a redirect URI on (a forged Host header, or no `callbackUrl`/`trustedOrigins`). */
export class UntrustedOriginError extends Error {}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Which origins the module builds URLs on and accepts consent actions from. The request's Host header
 * is the attacker's to choose, so a redirect URI is built on it only when its origin is trusted:
 * `callbackUrl`'s, one of `trustedOrigins`, or a loopback origin (development).
 */
@Injectable()
export class OriginPolicy {
  private readonly trusted: Set<string>;

  constructor(private readonly config: FitbitConfig) {
    this.trusted = new Set(config.trustedOrigins);
    if (config.callbackUrl) this.trusted.add(new URL(config.callbackUrl).origin);
  }

  /** The origin the request was made to, as Express sees it (`trust proxy` decides whether X-Forwarded-* count). */
  requestOrigin(req: Request): string | null {
    const origin = `${req.protocol}://${req.host}`;
    return URL.canParse(origin) ? new URL(origin).origin : null;
  }

  isTrusted(origin: string | null): boolean {
    if (origin === null || !URL.canParse(origin)) return false;
    const url = new URL(origin);
    return this.trusted.has(url.origin) || LOOPBACK_HOSTS.test(url.hostname);
  }

  /** `callbackUrl`, or `complete/` beside the route served on the request's origin when that origin is trusted; else null. */
  callbackUrl(req: Request): string | null {
    if (this.config.callbackUrl) return this.config.callbackUrl;
    const origin = this.requestOrigin(req);
    return this.isTrusted(origin) ? `${origin}${moduleRoute(req, 'complete')}` : null;
  }

  /**
   * Null when the request shows the user's own intent on this site, else why not: a browser saying it
   * was initiated by another site (Fetch Metadata), or an Origin/Referer of another origin. Requests
   * without these headers (older browsers, privacy settings, typed URLs) pass.
   */
  crossSiteReason(req: Request): string | null {
    const site = header(req, 'sec-fetch-site');
    if (site === 'cross-site') return 'Sec-Fetch-Site: cross-site';
    const own = this.requestOrigin(req);
    const accepted = (origin: string) => origin === own || this.isTrustedForIntent(origin);
    const origin = header(req, 'origin');
    if (origin !== null) return accepted(origin) ? null : `Origin ${origin === 'null' ? 'null' : 'of another site'}`;
    const referer = header(req, 'referer');
    if (referer !== null && URL.canParse(referer)) {
      return accepted(new URL(referer).origin) ? null : 'Referer of another site';
    }
    // Same-site (a sibling subdomain) needs an Origin or Referer of this site to prove where it came from.
    return site === 'same-site' ? 'Sec-Fetch-Site: same-site without an origin of this site' : null;
  }

  /** For intent, loopback is not enough: another local port is another site. */
  private isTrustedForIntent(origin: string): boolean {
    return URL.canParse(origin) && this.trusted.has(new URL(origin).origin);
  }
}

function header(req: Request, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}
