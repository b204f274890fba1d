import type { UserFitbit } from '../data/entities/user-fitbit.entity.js';
import type { TimeSeriesTypeKey } from '../data/time-series-data-types.js';
import type { FitbitProvider } from '../providers/fitbit-provider.interface.js';

/**
 * Whether the user's grant covers the type. People may untick scopes at consent; a link that
 * recorded no scopes (the provider did not say) is taken to cover everything.
 */
export function grantCovers(link: Pick<UserFitbit, 'scopes'>, provider: FitbitProvider, type: TimeSeriesTypeKey): boolean {
  if (!link.scopes) return true;
  return link.scopes.split(/\s+/).includes(provider.scopeFor(type));
}
