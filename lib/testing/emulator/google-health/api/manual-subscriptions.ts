import { randomBytes } from 'node:crypto';
import type { EmulatorClock } from '../../core/clock.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { UserRegistry } from '../../core/users.js';
import { dataTypeNamed } from '../data-types.js';
import { googleError, invalidArgument } from '../google-errors.js';
import type { GoogleTokenStore } from '../oauth/google-tokens.js';
import { unauthenticated } from './api-route.js';
import { pageOffsetOf, pageSizeOf, pageTokenFor } from './paging.js';

/** Google's default page of subscriptions, and the most one page holds. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
/** The one filter subscriptions.list takes: `user = "users/{healthUserId}"`. */
const USER_FILTER = /^\s*user\s*=\s*"(users\/[^"]+)"\s*$/;
const SUBSCRIPTION_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** google-health mode: a per-user subscription created through the project-level API (MANUAL policy). */
export interface GoogleManualSubscription {
  /** `projects/{n}/subscribers/{s}/subscriptions/{id}` */
  name: string;
  subscriberId: string;
  subscriptionId: string;
  /** `users/{healthUserId}` */
  user: string;
  dataTypes: string[];
  createTime: string;
}

export interface ManualSubscriptionSettings {
  projectNumber: string;
  projectAccessToken: string;
}

const ONE = /^\/v4\/projects\/([^/]+)\/subscribers\/([^/]+)\/subscriptions\/([^/]+)$/;
const LIST = /^\/v4\/projects\/([^/]+)\/subscribers\/([^/]+)\/subscriptions$/;

/** A `Subscription` as the API answers it. */
const publicView = (subscription: GoogleManualSubscription) => ({
  name: subscription.name,
  user: subscription.user,
  dataTypes: [...subscription.dataTypes],
});

/** The per-user subscriptions of MANUAL subscribers, managed with the project's credentials (never a user token). */
export class ManualSubscriptions {
  private subscriptions: GoogleManualSubscription[] = [];

  constructor(
    private readonly settings: ManualSubscriptionSettings,
    private readonly users: UserRegistry,
    private readonly tokens: GoogleTokenStore,
    private readonly clock: EmulatorClock,
  ) {}

  list(): GoogleManualSubscription[] {
    return this.subscriptions.map((subscription) => ({ ...subscription, dataTypes: [...subscription.dataTypes] }));
  }

  routes(): Route[] {
    return [
      { method: 'POST', pattern: LIST, handle: (request, match) => this.guarded(request, match, () => this.create(request, match)) },
      { method: 'GET', pattern: LIST, handle: (request, match) => this.guarded(request, match, () => this.listOf(request, match[2]!)) },
      { method: 'DELETE', pattern: ONE, handle: (request, match) => this.guarded(request, match, () => this.remove(match)) },
    ];
  }

  /** The project access token, for this project; a user's token is valid but not allowed (403); anything else 401. */
  private guarded(request: EmulatorRequest, match: RegExpExecArray, next: () => EmulatorResponse): EmulatorResponse {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer === undefined) {
      return unauthenticated('Request is missing required authentication credential. Expected OAuth 2 access token.', 'CREDENTIALS_MISSING');
    }
    if (bearer !== this.settings.projectAccessToken) {
      if (this.tokens.checkAccess(bearer).kind === 'valid') {
        return googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission: subscriptions are managed with project credentials.', {
          reason: 'IAM_PERMISSION_DENIED',
        });
      }
      return unauthenticated('Request had invalid authentication credentials.', 'INVALID_AUTHENTICATOR');
    }
    if (match[1] !== this.settings.projectNumber) {
      return googleError(403, 'PERMISSION_DENIED', `Permission denied on resource project ${match[1]}.`, { reason: 'IAM_PERMISSION_DENIED' });
    }
    return next();
  }

  private create(request: EmulatorRequest, match: RegExpExecArray): EmulatorResponse {
    let body: unknown;
    try {
      body = JSON.parse(request.body || 'null');
    } catch {
      return invalidArgument('Invalid JSON payload received.');
    }
    const { user, dataTypes } = (typeof body === 'object' && body !== null ? body : {}) as { user?: unknown; dataTypes?: unknown };
    const userMatch = typeof user === 'string' ? /^users\/(\d{20})$/.exec(user) : null;
    if (!userMatch) return invalidArgument('user must be "users/{healthUserId}".');
    if (!this.users.findByHealthUserId(userMatch[1]!)) return googleError(404, 'NOT_FOUND', `${String(user)} was not found.`);
    if (!Array.isArray(dataTypes) || dataTypes.length === 0 || !dataTypes.every((name) => typeof name === 'string')) {
      return invalidArgument('dataTypes must be a non-empty list of data type names.');
    }
    const unsupported = (dataTypes as string[]).filter((name) => !dataTypeNamed(name)?.webhooks);
    if (unsupported.length > 0) return invalidArgument(`Data types without webhook notifications: ${unsupported.join(', ')}.`);
    const subscriberId = match[2]!;
    const given = request.query.subscriptionId;
    if (given !== undefined && !SUBSCRIPTION_ID.test(given)) return invalidArgument(`Invalid subscriptionId ${JSON.stringify(given)}: lower-case letters, digits and hyphens.`);
    const subscriptionId = given ?? `s${randomBytes(8).toString('hex')}`;
    const name = `projects/${match[1]}/subscribers/${subscriberId}/subscriptions/${subscriptionId}`;
    if (this.subscriptions.some((existing) => existing.name === name)) return googleError(409, 'ALREADY_EXISTS', `${name} already exists.`);
    const subscription: GoogleManualSubscription = {
      name,
      subscriberId,
      subscriptionId,
      user: String(user),
      dataTypes: [...new Set(dataTypes as string[])],
      createTime: new Date(this.clock.now()).toISOString(),
    };
    this.subscriptions.push(subscription);
    return jsonResponse(200, publicView(subscription));
  }

  /** Oldest first, `DEFAULT_PAGE_SIZE` a page unless asked, optionally only one user's. */
  private listOf(request: EmulatorRequest, subscriberId: string): EmulatorResponse {
    const filter = request.query.filter ?? '';
    const user = filter.trim() === '' ? null : USER_FILTER.exec(filter)?.[1];
    if (user === undefined) return invalidArgument(`Invalid filter ${JSON.stringify(filter)}: subscriptions filter only on user = "users/{healthUserId}".`);
    const pageSize = pageSizeOf(request.query.pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    if (!pageSize.ok) return invalidArgument(pageSize.message);
    const scope = `${subscriberId}|${filter}`;
    const offset = pageOffsetOf(request.query.pageToken, scope);
    if (offset === null) return invalidArgument('Invalid pageToken: it does not belong to this request.');
    const matching = this.subscriptions.filter((s) => s.subscriberId === subscriberId && (user === null || s.user === user));
    const page = matching.slice(offset, offset + pageSize.value);
    const next = offset + page.length < matching.length ? pageTokenFor(scope, offset + page.length) : undefined;
    return jsonResponse(200, { subscriptions: page.map(publicView), ...(next === undefined ? {} : { nextPageToken: next }) });
  }

  private remove(match: RegExpExecArray): EmulatorResponse {
    const name = `projects/${match[1]}/subscribers/${match[2]}/subscriptions/${match[3]}`;
    const before = this.subscriptions.length;
    this.subscriptions = this.subscriptions.filter((s) => s.name !== name);
    if (this.subscriptions.length === before) return googleError(404, 'NOT_FOUND', `${name} was not found.`);
    return jsonResponse(200, {});
  }
}
