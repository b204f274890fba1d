export const SUBSCRIPTION_COLLECTIONS = ['activities', 'body', 'foods', 'sleep', 'userRevokedAccess'] as const;

/** How Fitbit names the collection of a subscription made without one (all collections). */
export const ALL_COLLECTIONS = 'user';

/** fitbit mode: a subscription the app created for a user. */
export interface FitbitSubscription {
  collectionType: string;
  ownerId: string;
  ownerType: 'user';
  subscriberId: string;
  subscriptionId: string;
}

export type SubscribeOutcome = { kind: 'created' | 'exists'; subscription: FitbitSubscription } | { kind: 'conflict'; reason: string };

/** The app's subscriptions, in the order they were made. */
export class SubscriptionStore {
  private subscriptions: FitbitSubscription[] = [];

  subscribe(ownerId: string, collectionType: string, subscriptionId: string, subscriberId: string): SubscribeOutcome {
    const existing = this.subscriptions.find((s) => s.ownerId === ownerId && s.collectionType === collectionType);
    if (existing) {
      return existing.subscriptionId === subscriptionId
        ? { kind: 'exists', subscription: { ...existing } }
        : { kind: 'conflict', reason: `This user is already subscribed to ${collectionType} under the id ${existing.subscriptionId}.` };
    }
    if (this.subscriptions.some((s) => s.subscriptionId === subscriptionId && s.ownerId !== ownerId)) {
      return { kind: 'conflict', reason: `The subscription id ${subscriptionId} is already used for another user.` };
    }
    const subscription: FitbitSubscription = { collectionType, ownerId, ownerType: 'user', subscriberId, subscriptionId };
    this.subscriptions.push(subscription);
    return { kind: 'created', subscription: { ...subscription } };
  }

  /** The owner's subscriptions; only those of one collection when given. */
  list(ownerId: string, collectionType?: string): FitbitSubscription[] {
    return this.subscriptions
      .filter((s) => s.ownerId === ownerId && (collectionType === undefined || s.collectionType === collectionType))
      .map((s) => ({ ...s }));
  }

  remove(ownerId: string, collectionType: string, subscriptionId: string): boolean {
    const before = this.subscriptions.length;
    this.subscriptions = this.subscriptions.filter(
      (s) => !(s.ownerId === ownerId && s.collectionType === collectionType && s.subscriptionId === subscriptionId),
    );
    return this.subscriptions.length < before;
  }
}
