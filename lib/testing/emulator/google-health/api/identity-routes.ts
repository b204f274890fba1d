import type { EmulatorClock } from '../../core/clock.js';
import { jsonResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import { civilDateOf, utcOffsetAt } from '../data/civil-time.js';
import { googleScope } from '../google-scopes.js';
import { scopeRefusal, userApiRoute, userPath, type GoogleApiGuard } from './api-route.js';

/** GET users/me/identity (any scope), users/me/settings (settings.readonly), users/me/profile (profile.readonly). */
export function identityRoutes(guard: GoogleApiGuard, clock: EmulatorClock): Route[] {
  return [
    userApiRoute(guard, 'GET', userPath('identity'), (_request, _match, { user }) =>
      jsonResponse(200, { name: `users/${user.healthUserId}/identity`, healthUserId: user.healthUserId, legacyUserId: user.id }),
    ),
    userApiRoute(guard, 'GET', userPath('settings'), (_request, _match, caller) => {
      const refusal = scopeRefusal(caller, googleScope('settings.readonly'));
      if (refusal) return refusal;
      const { user } = caller;
      return jsonResponse(200, {
        name: `users/${user.healthUserId}/settings`,
        timeZone: user.timezone,
        utcOffset: utcOffsetAt(user.timezone, clock.now()),
        distanceUnit: 'DISTANCE_UNIT_KILOMETERS',
        weightUnit: 'WEIGHT_UNIT_KILOGRAMS',
        heightUnit: 'HEIGHT_UNIT_CENTIMETERS',
        waterUnit: 'WATER_UNIT_ML',
        temperatureUnit: 'TEMPERATURE_UNIT_CELSIUS',
        glucoseUnit: 'GLUCOSE_UNIT_MG_DL',
        swimUnit: 'SWIM_UNIT_METERS',
        strideLengthWalkingType: 'STRIDE_LENGTH_TYPE_AUTO',
        strideLengthRunningType: 'STRIDE_LENGTH_TYPE_AUTO',
        autoStrideEnabled: true,
        languageLocale: 'en_US',
        foodLanguageCode: 'en-US',
      });
    }),
    userApiRoute(guard, 'GET', userPath('profile'), (_request, _match, caller) => {
      const refusal = scopeRefusal(caller, googleScope('profile.readonly'));
      if (refusal) return refusal;
      const { user } = caller;
      return jsonResponse(200, {
        name: `users/${user.healthUserId}/profile`,
        membershipStartDate: civilDateOf(user.memberSince),
        autoWalkingStrideLengthMm: 742,
        autoRunningStrideLengthMm: 1105,
      });
    }),
  ];
}
