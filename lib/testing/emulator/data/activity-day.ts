import { seededUnit } from '../core/seeded-random.js';
import { sleepDay } from './sleep-day.js';

export interface ActivityTotals {
  steps: number;
  /** Kilometres. */
  distance: number;
  floors: number;
  /** Metres. */
  elevation: number;
  minutesSedentary: number;
  minutesLightlyActive: number;
  minutesFairlyActive: number;
  minutesVeryActive: number;
  activityCalories: number;
  calories: number;
  caloriesBMR: number;
}

export interface ActivityDay {
  /** Everything logged, tracker and manual entries together. */
  all: ActivityTotals;
  /** What the tracker alone recorded: never more than `all`. */
  tracker: Omit<ActivityTotals, 'caloriesBMR'>;
}

const METRES_PER_FLOOR = 3;

export function activityDay(userId: string, date: string): ActivityDay {
  const draw = (what: string) => seededUnit(userId, date, 'activities', what);
  const habit = (what: string) => seededUnit(userId, 'habit', what);

  const usualSteps = 3000 + habit('steps') * 9000;
  const restDay = draw('rest') < 0.06;
  const steps = restDay ? Math.floor(draw('steps') * 800) : Math.min(20_000, Math.round(usualSteps * (0.45 + draw('steps') * 1.1)));
  const strideMetres = 0.65 + habit('stride') * 0.15;
  const effort = steps / 20_000;

  const minutesVeryActive = Math.round(effort * 70 * (0.5 + draw('very')));
  const minutesFairlyActive = Math.round(effort * 50 * (0.5 + draw('fairly')));
  const minutesLightlyActive = Math.round((restDay ? 30 : 90) + effort * 200 * (0.5 + draw('lightly')));
  const minutesInBed = sleepDay(userId, date).timeInBed;
  const minutesSedentary = Math.max(0, 1440 - minutesInBed - minutesVeryActive - minutesFairlyActive - minutesLightlyActive);
  const activityCalories = Math.round(minutesVeryActive * 9 + minutesFairlyActive * 6 + minutesLightlyActive * 3.2);
  const caloriesBMR = Math.round(1400 + habit('bmr') * 500 + (draw('bmr') - 0.5) * 20);
  const floors = Math.round(effort * 30 * draw('floors'));

  const all: ActivityTotals = {
    steps,
    distance: (steps * strideMetres) / 1000,
    floors,
    elevation: floors * METRES_PER_FLOOR,
    minutesSedentary,
    minutesLightlyActive,
    minutesFairlyActive,
    minutesVeryActive,
    activityCalories,
    calories: caloriesBMR + activityCalories,
    caloriesBMR,
  };

  const share = 0.85 + draw('tracker-share') * 0.15;
  const tracked = (value: number) => Math.floor(value * share);
  const trackerSteps = tracked(steps);
  const trackerFloors = tracked(floors);
  const trackerActivityCalories = tracked(activityCalories);
  return {
    all,
    tracker: {
      steps: trackerSteps,
      distance: (trackerSteps * strideMetres) / 1000,
      floors: trackerFloors,
      elevation: trackerFloors * METRES_PER_FLOOR,
      minutesSedentary: tracked(minutesSedentary),
      minutesLightlyActive: tracked(minutesLightlyActive),
      minutesFairlyActive: tracked(minutesFairlyActive),
      minutesVeryActive: tracked(minutesVeryActive),
      activityCalories: trackerActivityCalories,
      calories: caloriesBMR + trackerActivityCalories,
    },
  };
}
