/** fitbit mode: every scope the legacy Fitbit OAuth knows. */
export const FITBIT_SCOPES = [
  'activity',
  'cardio_fitness',
  'electrocardiogram',
  'heartrate',
  'irregular_rhythm_notifications',
  'location',
  'nutrition',
  'oxygen_saturation',
  'profile',
  'respiratory_rate',
  'settings',
  'sleep',
  'social',
  'temperature',
  'weight',
] as const;

export type FitbitScope = (typeof FITBIT_SCOPES)[number];

export function isFitbitScope(value: string): value is FitbitScope {
  return (FITBIT_SCOPES as readonly string[]).includes(value);
}

export const SCOPE_DESCRIPTIONS: Record<FitbitScope, string> = {
  activity: 'Activity and exercise',
  cardio_fitness: 'Cardio fitness (VO₂ max)',
  electrocardiogram: 'ECG readings',
  heartrate: 'Heart rate',
  irregular_rhythm_notifications: 'Irregular rhythm notifications',
  location: 'Location (GPS)',
  nutrition: 'Food and water logs',
  oxygen_saturation: 'Oxygen saturation (SpO₂)',
  profile: 'Profile',
  respiratory_rate: 'Breathing rate',
  settings: 'Devices and settings',
  sleep: 'Sleep',
  social: 'Friends and leaderboard',
  temperature: 'Temperature',
  weight: 'Weight and body fat',
};

/** The scope a time-series category needs. */
export const CATEGORY_SCOPES: Record<string, FitbitScope> = {
  activities: 'activity',
  body: 'weight',
  foods: 'nutrition',
  sleep: 'sleep',
};
