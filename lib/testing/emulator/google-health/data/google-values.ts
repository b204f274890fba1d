import { addDays } from '../../core/calendar.js';
import { seededUnit } from '../../core/seeded-random.js';
import type { EmulatorClock } from '../../core/clock.js';
import type { EmulatorUser, UserRegistry } from '../../core/users.js';
import { generateDailyValue } from '../../data/daily-values.js';
import { sleepDay } from '../../data/sleep-day.js';
import { WEARABLES_FAMILY, type GoogleDataType } from '../data-types.js';
import { addCivilMinutes, civilToInstant, instantToCivil, rfc3339 } from './civil-time.js';

const ALTIMETER_PATHS = new Set(['activities/floors', 'activities/elevation', 'activities/tracker/floors', 'activities/tracker/elevation']);

export interface GoogleInterval {
  startTime: string;
  endTime: string;
  civilStartTime: string;
  civilEndTime: string;
}

export interface GoogleSleep {
  interval: GoogleInterval;
  type: 'MAIN' | 'NAP';
  summary: {
    minutesAsleep: string;
    minutesAwake: string;
    minutesInSleepPeriod: string;
    minutesToFallAsleep: string;
    minutesAfterWakeUp: string;
  };
}

export interface GoogleBasalEnergy {
  interval: GoogleInterval;
  kcal: number;
}

export interface GoogleHeight {
  sampleTime: { civilTime: string; physicalTime: string };
  heightMillimeters: number;
}

/** Where the night's main sleep sits: a start from noon on belongs to the previous evening. */
const EVENING_FROM_HOUR = 12;
/** The local time of day the (single, constant) height sample was taken on the member-since date. */
const HEIGHT_SAMPLE_TIME = '08:00:00';

/** Google's numbers, each derived from the legacy generator's daily values with the contract's factors. */
export class GoogleValues {
  private todayCache: { key: string; today: string } | null = null;

  constructor(
    private readonly users: UserRegistry,
    private readonly clock: EmulatorClock,
  ) {}

  /** The legacy time-series value (`activities/steps`…) for the user's local date; null outside memberSince..today or without an altimeter. */
  legacy(user: EmulatorUser, path: string, date: string): string | null {
    if (date < user.memberSince || date > this.todayOf(user)) return null;
    if (ALTIMETER_PATHS.has(path) && !user.hasAltimeter) return null;
    return generateDailyValue(user.id, path, date);
  }

  /** The roll-up field's value (`{countSum: "8421"}`…) for one local day, or null when that day has no bucket. */
  rollup(user: EmulatorUser, type: GoogleDataType, date: string, family: string | null): Record<string, unknown> | null {
    if (!type.rollup) return null;
    const wearables = family === WEARABLES_FAMILY;
    if (wearables && !type.rollup.fromWearables) return null;
    const activityPrefix = wearables ? 'activities/tracker/' : 'activities/';
    return type.rollup.value(
      (resource) => this.legacy(user, `${activityPrefix}${resource}`, date),
      (path) => this.legacy(user, path, date),
    );
  }

  /** Whether the night ending on `date` has a main sleep (cheaper than building it); `today` as the caller knows it. */
  hasSleep(user: EmulatorUser, date: string, today: string): boolean {
    return date >= user.memberSince && date <= today && sleepDay(user.id, date).startTime !== '';
  }

  /** The main sleep of the night that ends on the local `date` (Fitbit's sleep date), or null for a night without sleep. */
  sleep(user: EmulatorUser, date: string): GoogleSleep | null {
    const startTime = this.legacy(user, 'sleep/startTime', date);
    if (!startTime) return null;
    const value = (resource: string) => this.legacy(user, `sleep/${resource}`, date) ?? '0';
    const minutesInSleepPeriod = Number(value('timeInBed'));
    const startDate = Number(startTime.slice(0, 2)) >= EVENING_FROM_HOUR ? addDays(date, -1) : date;
    const civilStartTime = `${startDate}T${startTime}:00`;
    const start = civilToInstant(user.timezone, civilStartTime);
    const end = start + minutesInSleepPeriod * 60_000;
    return {
      interval: { startTime: rfc3339(start), endTime: rfc3339(end), civilStartTime, civilEndTime: instantToCivil(user.timezone, end) },
      type: 'MAIN',
      summary: {
        minutesAsleep: value('minutesAsleep'),
        minutesAwake: value('minutesAwake'),
        minutesInSleepPeriod: String(minutesInSleepPeriod),
        minutesToFallAsleep: value('minutesToFallAsleep'),
        minutesAfterWakeUp: value('minutesAfterWakeup'),
      },
    };
  }

  /** The day's basal energy (legacy caloriesBMR) over the local day. */
  basalEnergy(user: EmulatorUser, date: string): GoogleBasalEnergy | null {
    const kcal = this.legacy(user, 'activities/caloriesBMR', date);
    if (kcal === null) return null;
    return { interval: this.dayInterval(user, date), kcal: Number(kcal) };
  }

  /** Height is constant per user (1550–1950 mm): the same figure the legacy BMI is computed with. */
  heightMillimeters(user: EmulatorUser): number {
    return Math.round((1.55 + seededUnit(user.id, 'habit', 'height') * 0.4) * 1000);
  }

  /** The user's one height sample, taken on the member-since date. */
  height(user: EmulatorUser): GoogleHeight {
    const civilTime = `${user.memberSince}T${HEIGHT_SAMPLE_TIME}`;
    return {
      sampleTime: { civilTime, physicalTime: rfc3339(civilToInstant(user.timezone, civilTime)) },
      heightMillimeters: this.heightMillimeters(user),
    };
  }

  /** The user's local today, remembered while the clock and zone stay the same (zone look-ups are slow). */
  private todayOf(user: EmulatorUser): string {
    const key = `${user.timezone}|${this.clock.now()}`;
    if (this.todayCache?.key !== key) this.todayCache = { key, today: this.users.todayOf(user) };
    return this.todayCache.today;
  }

  private dayInterval(user: EmulatorUser, date: string): GoogleInterval {
    const civilStartTime = `${date}T00:00:00`;
    const civilEndTime = addCivilMinutes(civilStartTime, 24 * 60);
    return {
      startTime: rfc3339(civilToInstant(user.timezone, civilStartTime)),
      endTime: rfc3339(civilToInstant(user.timezone, civilEndTime)),
      civilStartTime,
      civilEndTime,
    };
  }
}
