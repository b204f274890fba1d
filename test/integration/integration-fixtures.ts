import type { TestDataSource } from '../support/databases.js';
import { TEST_USER_HEADER } from '../support/fitbit-test-app.js';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';

export const FITBIT_CREDENTIALS = { clientId: 'client', clientSecret: 'secret', provider: 'fitbit' as const };

/** Stores a link row for the app user, the way `complete/` would (tokens need not be valid). */
export async function linkUser(dataSource: TestDataSource, userId: string, overrides: Partial<UserFitbit> = {}): Promise<void> {
  await dataSource.getRepository(UserFitbit).insert({
    userId,
    provider: 'fitbit',
    providerUserId: `P${userId}`,
    legacyUserId: null,
    accessToken: 'access',
    refreshToken: 'refresh',
    expiresAt: Date.now() + 3_600_000,
    scopes: 'activity',
    timeZone: null,
    refreshLockedUntil: null,
    createdAt: Date.now(),
    ...overrides,
  });
}

/** Headers that sign in `user` (`'7'` or `'7;inactive'`); none for an anonymous request. */
export function as(user?: string): Record<string, string> {
  return user === undefined ? {} : { [TEST_USER_HEADER]: user };
}
