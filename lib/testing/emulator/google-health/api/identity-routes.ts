import { offsetFromUtcMillis } from '../../core/calendar.js';
import type { EmulatorClock } from '../../core/clock.js';
import { jsonResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import { googleScope } from '../google-scopes.js';
import { scopeRefusal, userApiRoute, userPath, type GoogleApiGuard } from './api-route.js';

/** GET users/me/identity (any scope), users/me/settings (settings.readonly), users/me/profile (profile.readonly). */
export function identityRoutes(guard: GoogleApiGuard, clock: EmulatorClock): Route[] {
  return [
    userApiRoute(guard, 'GET', userPath('identity'), (_request, _match, { user }) =>
      jsonResponse(200, { name: 'users/me/identity', healthUserId: user.healthUserId, legacyUserId: user.id }),
    ),
    userApiRoute(guard, 'GET', userPath('settings'), (_request, _match, caller) => {
      const refusal = scopeRefusal(caller, googleScope('settings.readonly'));
      if (refusal) return refusal;
      const offsetSeconds = Math.round(offsetFromUtcMillis(caller.user.timezone, clock.now()) / 1000);
      return jsonResponse(200, {
        name: 'users/me/settings',
        timeZone: caller.user.timezone,
        utcOffset: `${offsetSeconds}s`,
        distanceUnit: 'KILOMETERS',
        weightUnit: 'KILOGRAMS',
        heightUnit: 'CENTIMETERS',
        waterUnit: 'MILLILITERS',
        energyUnit: 'KILOCALORIES',
        temperatureUnit: 'CELSIUS',
        languageLocale: 'en_US',
      });
    }),
    userApiRoute(guard, 'GET', userPath('profile'), (_request, _match, caller) => {
      const refusal = scopeRefusal(caller, googleScope('profile.readonly'));
      if (refusal) return refusal;
      return jsonResponse(200, { name: 'users/me/profile', displayName: caller.user.displayName, memberSince: caller.user.memberSince });
    }),
  ];
}
