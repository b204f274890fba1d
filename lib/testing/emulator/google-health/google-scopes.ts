import { GoogleHealthContract } from '../../google-health-contract/google-health-contract.js';

/** google-health mode: what every Google Health scope starts with. */
export const GOOGLE_HEALTH_SCOPE_PREFIX = 'https://www.googleapis.com/auth/googlehealth.';

export const GOOGLE_HEALTH_SCOPE_NAMES = [
  'activity_and_fitness.readonly',
  'health_metrics_and_measurements.readonly',
  'sleep.readonly',
  'nutrition.readonly',
  'profile.readonly',
  'settings.readonly',
] as const;

export type GoogleHealthScopeName = (typeof GOOGLE_HEALTH_SCOPE_NAMES)[number];

/** The full scope URLs, in the order the consent page lists them. */
export const GOOGLE_HEALTH_SCOPES: readonly string[] = GOOGLE_HEALTH_SCOPE_NAMES.map((name) => `${GOOGLE_HEALTH_SCOPE_PREFIX}${name}`);

export const googleScope = (name: GoogleHealthScopeName): string => `${GOOGLE_HEALTH_SCOPE_PREFIX}${name}`;

/** Scopes Google's scopes page lists besides those of the discovery document (which leaves out nutrition.readonly). */
const DOCUMENTED_HEALTH_SCOPE_NAMES = [
  ...GOOGLE_HEALTH_SCOPE_NAMES,
  'activity_and_fitness.writeonly',
  'ecg.readonly',
  'health_metrics_and_measurements.writeonly',
  'irn.readonly',
  'location.readonly',
  'nutrition.writeonly',
  'profile.writeonly',
  'settings.writeonly',
  'sleep.writeonly',
];

/** Google's sign-in scopes, which apps commonly ask for beside the Health ones. */
const OPENID_SCOPES = ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/userinfo.profile'];

let accepted: Set<string> | null = null;

/** Whether Google's authorize page takes the scope: every scope of the discovery document and the scopes page, and OpenID's. */
export function isGoogleHealthScope(value: string): boolean {
  accepted ??= new Set([
    ...GoogleHealthContract.load().scopes,
    ...DOCUMENTED_HEALTH_SCOPE_NAMES.map((name) => `${GOOGLE_HEALTH_SCOPE_PREFIX}${name}`),
    ...OPENID_SCOPES,
  ]);
  return accepted.has(value);
}

export const GOOGLE_SCOPE_DESCRIPTIONS: Record<GoogleHealthScopeName, string> = {
  'activity_and_fitness.readonly': 'See your activity and fitness data, like steps, distance and calories',
  'health_metrics_and_measurements.readonly': 'See your health metrics and measurements, like weight, body fat and height',
  'sleep.readonly': 'See your sleep data',
  'nutrition.readonly': 'See your food and water logs',
  'profile.readonly': 'See your Google Health profile',
  'settings.readonly': 'See your Google Health settings, like your time zone and units',
};

export function describeScope(scope: string): string {
  const name = scope.slice(GOOGLE_HEALTH_SCOPE_PREFIX.length) as GoogleHealthScopeName;
  return scope.startsWith(GOOGLE_HEALTH_SCOPE_PREFIX) && name in GOOGLE_SCOPE_DESCRIPTIONS ? GOOGLE_SCOPE_DESCRIPTIONS[name] : scope;
}
