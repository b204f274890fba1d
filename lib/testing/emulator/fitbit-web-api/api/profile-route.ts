import { offsetFromUtcMillis } from '../../core/calendar.js';
import type { EmulatorClock } from '../../core/clock.js';
import { jsonResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import { apiRoute, forbiddenFor, type ApiGuard } from './api-route.js';

/** GET /1/user/{id|-}/profile.json */
export function profileRoute(guard: ApiGuard, clock: EmulatorClock): Route {
  return apiRoute(guard, 'GET', /^\/1\/user\/([^/]+)\/profile\.json$/, (_request, match, caller) => {
    const forbidden = forbiddenFor(caller, match[1]!, 'profile');
    if (forbidden) return forbidden;
    const { user } = caller;
    return jsonResponse(200, {
      user: {
        encodedId: user.id,
        displayName: user.displayName,
        fullName: user.displayName,
        timezone: user.timezone,
        offsetFromUTCMillis: offsetFromUtcMillis(user.timezone, clock.now()),
        memberSince: user.memberSince,
        distanceUnit: 'METRIC',
        weightUnit: 'METRIC',
        waterUnit: 'METRIC',
        locale: 'en_US',
      },
    });
  });
}
