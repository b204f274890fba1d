import { emptyResponse, jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import { fitbitError } from '../fitbit-errors.js';
import { apiRoute, forbiddenFor, type ApiCaller, type ApiGuard } from './api-route.js';
import { ALL_COLLECTIONS, SUBSCRIPTION_COLLECTIONS, type SubscriptionStore } from './subscription-store.js';

const MAX_SUBSCRIPTION_ID_LENGTH = 50;
const ONE_SUBSCRIPTION = /^\/1\/user\/([^/]+)\/(?:([^/]+)\/)?apiSubscriptions\/([^/]+)\.json$/;
const SUBSCRIPTION_LIST = /^\/1\/user\/([^/]+)\/(?:([^/]+)\/)?apiSubscriptions\.json$/;

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

type CollectionCheck = { collectionType: string } | { refusal: EmulatorResponse };

function checkCollection(caller: ApiCaller, pathUserId: string, collection: string | undefined): CollectionCheck {
  const forbidden = forbiddenFor(caller, pathUserId, null);
  if (forbidden) return { refusal: forbidden };
  if (collection === undefined) return { collectionType: ALL_COLLECTIONS };
  if (!(SUBSCRIPTION_COLLECTIONS as readonly string[]).includes(collection)) {
    return { refusal: fitbitError(404, 'not_found', `Unknown collection: ${collection}.`) };
  }
  return { collectionType: collection };
}

/** Create, list and delete the caller's subscriptions. */
export function subscriptionRoutes(guard: ApiGuard, store: SubscriptionStore, defaultSubscriberId: string): Route[] {
  const create = (request: EmulatorRequest, match: RegExpExecArray, caller: ApiCaller): EmulatorResponse => {
    const check = checkCollection(caller, match[1]!, match[2]);
    if ('refusal' in check) return check.refusal;
    const subscriptionId = safeDecode(match[3]!);
    if (subscriptionId.length > MAX_SUBSCRIPTION_ID_LENGTH) {
      return fitbitError(400, 'validation', `The subscription id must be at most ${MAX_SUBSCRIPTION_ID_LENGTH} characters.`, {
        fieldName: 'subscriptionId',
      });
    }
    const subscriberId = request.headers['x-fitbit-subscriber-id'] || defaultSubscriberId;
    const outcome = store.subscribe(caller.user.id, check.collectionType, subscriptionId, subscriberId);
    if (outcome.kind === 'conflict') return fitbitError(409, 'conflict', outcome.reason);
    return jsonResponse(outcome.kind === 'created' ? 201 : 200, outcome.subscription);
  };

  const list = (_request: EmulatorRequest, match: RegExpExecArray, caller: ApiCaller): EmulatorResponse => {
    const check = checkCollection(caller, match[1]!, match[2]);
    if ('refusal' in check) return check.refusal;
    const collectionType = match[2] === undefined ? undefined : check.collectionType;
    return jsonResponse(200, { apiSubscriptions: store.list(caller.user.id, collectionType) });
  };

  const remove = (_request: EmulatorRequest, match: RegExpExecArray, caller: ApiCaller): EmulatorResponse => {
    const check = checkCollection(caller, match[1]!, match[2]);
    if ('refusal' in check) return check.refusal;
    if (!store.remove(caller.user.id, check.collectionType, safeDecode(match[3]!))) {
      return fitbitError(404, 'not_found', 'No such subscription.');
    }
    return emptyResponse(204);
  };

  return [
    apiRoute(guard, 'POST', ONE_SUBSCRIPTION, create),
    apiRoute(guard, 'DELETE', ONE_SUBSCRIPTION, remove),
    apiRoute(guard, 'GET', SUBSCRIPTION_LIST, list),
  ];
}
