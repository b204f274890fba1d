import { addDays } from '../../core/calendar.js';
import { seededUnit } from '../../core/seeded-random.js';
import type { EmulatorClock } from '../../core/clock.js';
import type { EmulatorUser, UserRegistry } from '../../core/users.js';
import { generateDailyValue } from '../../data/daily-values.js';
import type { DataSourceFamily, GoogleDataType } from '../data-types.js';
import { civilDateTimeOf, civilToInstant, instantToCivil, rfc3339, utcOffsetAt, type CivilDateTime } from './civil-time.js';

const ALTIMETER_PATHS = new Set(['activities/floors', 'activities/elevation', 'activities/tracker/floors', 'activities/tracker/elevation']);

/** ObservationTimeInterval and SessionTimeInterval as Google writes them. */
export interface GoogleInterval {
  startTime: string;
  startUtcOffset: string;
  endTime: string;
  endUtcOffset: string;
  civilStartTime: CivilDateTime;
  civilEndTime: CivilDateTime;
}

/** ObservationSampleTime. */
export interface GoogleSampleTime {
  physicalTime: string;
  utcOffset: string;
  civilTime: CivilDateTime;
}

/** A `Sleep` data point's value: one session (the main sleep or a nap). */
export interface GoogleSleep {
  interval: GoogleInterval;
  type: 'CLASSIC' | 'STAGES';
  metadata: { mainSleep: boolean; nap: boolean; processed: boolean; manuallyEdited: boolean; stagesStatus: string };
  summary: {
    minutesAsleep: string;
    minutesAwake: string;
    minutesInSleepPeriod: string;
    minutesToFallAsleep: string;
    minutesAfterWakeUp: string;
  };
}

/** google-health mode: a `basal-energy-burned` data point. */
export interface GoogleBasalEnergy {
  interval: GoogleInterval;
  kcal: number;
}

/** google-health mode: a `height` data point. */
export interface GoogleHeight {
  sampleTime: GoogleSampleTime;
  /** int64, as a string. */
  heightMillimeters: string;
}

/** One point `list` can serve, keyed by the time the type's filters compare. */
export interface ListedPoint {
  /** A stable id within the type and user. */
  id: string;
  /** The compared time, local: `YYYY-MM-DDTHH:MM:SS`. */
  civil: string;
  /** The same time as an instant (epoch ms). */
  instant(): number;
  /** The DataPoint's value under the type's field. */
  build(): Record<string, unknown>;
  /** The DataPoint's `dataSource`, when the emulator says where the point came from. */
  dataSource?: Record<string, unknown>;
}

/** Where the night's main sleep sits: a start from noon on belongs to the previous evening. */
const EVENING_FROM_HOUR = 12;
/** The local time of day the (single, constant) height sample was taken on the member-since date. */
const HEIGHT_SAMPLE_TIME = '08:00:00';
/** About one day in four has an afternoon nap, carved out of the day's legacy sleep totals. */
const NAP_SHARE = 0.25;

const FITBIT_DEVICE = { platform: 'FITBIT', recordingMethod: 'PASSIVELY_MEASURED', device: { formFactor: 'WATCH', manufacturer: 'Google', displayName: 'Pixel Watch 3' } };
const FITBIT_SCALE = { platform: 'FITBIT', recordingMethod: 'ACTIVELY_MEASURED', device: { formFactor: 'SCALE', manufacturer: 'Google', displayName: 'Aria Air' } };

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

  /**
   * The roll-up field's value (`{countSum: "8421"}`…) for one local day from one data source family, or
   * null when that day has no bucket: the wearables hold what devices measure (the legacy `tracker/`
   * values), the user's own sources what they logged or weighed.
   */
  rollup(user: EmulatorUser, type: GoogleDataType, date: string, family: DataSourceFamily): Record<string, unknown> | null {
    if (!type.rollup) return null;
    if (family === 'google-wearables' && !type.rollup.fromWearables) return null;
    if (family === 'self-sources' && type.rollup.fromWearables) return null;
    const activityPrefix = family === 'google-wearables' ? 'activities/tracker/' : 'activities/';
    return type.rollup.value(
      (resource) => this.legacy(user, `${activityPrefix}${resource}`, date),
      (path) => this.legacy(user, path, date),
    );
  }

  /** The type's points whose compared time falls on the local `date`, newest first. */
  points(user: EmulatorUser, type: GoogleDataType, date: string): ListedPoint[] {
    const list = type.list;
    if (!list) return [];
    if (type.name === 'sleep') {
      return this.sleepSessions(user, date).map((sleep, index) => ({
        id: `${date.replaceAll('-', '')}${index === 0 && sleep.metadata.nap ? 'n' : 'm'}`,
        civil: civilText(sleep.interval.civilEndTime),
        instant: () => Date.parse(sleep.interval.endTime),
        build: () => sleep as unknown as Record<string, unknown>,
      }));
    }
    if (type.name === 'height') {
      if (date !== user.memberSince) return [];
      const height = this.height(user);
      return [{ id: 'h0', civil: `${date}T${HEIGHT_SAMPLE_TIME}`, instant: () => Date.parse(height.sampleTime.physicalTime), build: () => ({ ...height }) }];
    }
    const legacy = (path: string) => this.legacy(user, path, date);
    const value = list.value?.(legacy);
    if (!value) return [];
    const id = date.replaceAll('-', '');
    if (list.shape === 'sample') {
      const civil = `${date}T${list.sampleTime ?? '12:00:00'}`;
      return [{ id, civil, instant: () => civilToInstant(user.timezone, civil), build: () => ({ sampleTime: this.sampleTime(user, civil), ...value }), dataSource: FITBIT_SCALE }];
    }
    const civil = `${date}T00:00:00`;
    return [{ id, civil, instant: () => civilToInstant(user.timezone, civil), build: () => ({ interval: this.dayInterval(user, date), ...value }), dataSource: FITBIT_DEVICE }];
  }

  /**
   * The sleep sessions that end on the local `date` (Fitbit's sleep date), newest first: the main
   * sleep of the night, and on some days an afternoon nap. Together they add up to the legacy day's
   * totals; the main sleep keeps the legacy start time and the minutes around sleep.
   */
  sleepSessions(user: EmulatorUser, date: string): GoogleSleep[] {
    const startTime = this.legacy(user, 'sleep/startTime', date);
    if (!startTime) return [];
    const total = (resource: string) => Number(this.legacy(user, `sleep/${resource}`, date) ?? '0');
    const draw = (what: string) => seededUnit(user.id, date, 'google-sleep', what);
    const napped = draw('nap') < NAP_SHARE;
    const nap = napped ? { inBed: 20 + Math.floor(draw('nap-length') * 50), awake: Math.floor(draw('nap-awake') * 5) } : { inBed: 0, awake: 0 };
    const startDate = Number(startTime.slice(0, 2)) >= EVENING_FROM_HOUR ? addDays(date, -1) : date;
    const main = this.session(user, `${startDate}T${startTime}:00`, total('timeInBed') - nap.inBed, true, {
      minutesAsleep: total('minutesAsleep') - (nap.inBed - nap.awake),
      minutesAwake: total('minutesAwake') - nap.awake,
      minutesToFallAsleep: total('minutesToFallAsleep'),
      minutesAfterWakeUp: total('minutesAfterWakeup'),
    });
    if (!napped) return [main];
    const napStartMinutes = 13 * 60 + Math.floor(draw('nap-start') * 180);
    const napStart = `${date}T${String(Math.floor(napStartMinutes / 60)).padStart(2, '0')}:${String(napStartMinutes % 60).padStart(2, '0')}:00`;
    const napSession = this.session(user, napStart, nap.inBed, false, {
      minutesAsleep: nap.inBed - nap.awake,
      minutesAwake: nap.awake,
      minutesToFallAsleep: 0,
      minutesAfterWakeUp: 0,
    });
    return [napSession, main];
  }

  /** The main sleep of the night that ends on the local `date`, or null for a night without sleep. */
  sleep(user: EmulatorUser, date: string): GoogleSleep | null {
    return this.sleepSessions(user, date).find((session) => session.metadata.mainSleep) ?? null;
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
    return { sampleTime: this.sampleTime(user, `${user.memberSince}T${HEIGHT_SAMPLE_TIME}`), heightMillimeters: String(this.heightMillimeters(user)) };
  }

  /** The user's local today, remembered while the clock and zone stay the same (zone look-ups are slow). */
  todayOf(user: EmulatorUser): string {
    const key = `${user.timezone}|${this.clock.now()}`;
    if (this.todayCache?.key !== key) this.todayCache = { key, today: this.users.todayOf(user) };
    return this.todayCache.today;
  }

  private session(user: EmulatorUser, civilStart: string, minutes: number, main: boolean, summary: Omit<Record<keyof GoogleSleep['summary'], number>, 'minutesInSleepPeriod'>): GoogleSleep {
    const start = civilToInstant(user.timezone, civilStart);
    const end = start + minutes * 60_000;
    return {
      interval: this.interval(user, start, end),
      type: main ? 'STAGES' : 'CLASSIC',
      metadata: { mainSleep: main, nap: !main, processed: true, manuallyEdited: false, stagesStatus: main ? 'SUCCEEDED' : 'REJECTED_NAP' },
      summary: {
        minutesAsleep: String(summary.minutesAsleep),
        minutesAwake: String(summary.minutesAwake),
        minutesInSleepPeriod: String(minutes),
        minutesToFallAsleep: String(summary.minutesToFallAsleep),
        minutesAfterWakeUp: String(summary.minutesAfterWakeUp),
      },
    };
  }

  private interval(user: EmulatorUser, start: number, end: number): GoogleInterval {
    return {
      startTime: rfc3339(start),
      startUtcOffset: utcOffsetAt(user.timezone, start),
      endTime: rfc3339(end),
      endUtcOffset: utcOffsetAt(user.timezone, end),
      civilStartTime: civilDateTimeOf(instantToCivil(user.timezone, start)),
      civilEndTime: civilDateTimeOf(instantToCivil(user.timezone, end)),
    };
  }

  private dayInterval(user: EmulatorUser, date: string): GoogleInterval {
    return this.interval(user, civilToInstant(user.timezone, `${date}T00:00:00`), civilToInstant(user.timezone, `${addDays(date, 1)}T00:00:00`));
  }

  private sampleTime(user: EmulatorUser, civil: string): GoogleSampleTime {
    const instant = civilToInstant(user.timezone, civil);
    return { physicalTime: rfc3339(instant), utcOffset: utcOffsetAt(user.timezone, instant), civilTime: civilDateTimeOf(instantToCivil(user.timezone, instant)) };
  }
}

/** A CivilDateTime back as `YYYY-MM-DDTHH:MM:SS`. */
export function civilText(civil: CivilDateTime): string {
  const pad = (value: number | undefined, width = 2) => String(value ?? 0).padStart(width, '0');
  return `${pad(civil.date.year, 4)}-${pad(civil.date.month)}-${pad(civil.date.day)}T${pad(civil.time?.hours)}:${pad(civil.time?.minutes)}:${pad(civil.time?.seconds)}`;
}
