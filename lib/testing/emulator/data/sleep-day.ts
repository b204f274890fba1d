import { seededUnit } from '../core/seeded-random.js';

export interface SleepDay {
  /** `HH:MM` local time the main sleep began, or "" on a night without sleep. */
  startTime: string;
  timeInBed: number;
  minutesAsleep: number;
  awakeningsCount: number;
  minutesAwake: number;
  minutesToFallAsleep: number;
  minutesAfterWakeup: number;
  /** 0..100 */
  efficiency: number;
}

const NO_SLEEP: SleepDay = {
  startTime: '',
  timeInBed: 0,
  minutesAsleep: 0,
  awakeningsCount: 0,
  minutesAwake: 0,
  minutesToFallAsleep: 0,
  minutesAfterWakeup: 0,
  efficiency: 0,
};

/** The main sleep logged for `date` (the night that ends that morning). */
export function sleepDay(userId: string, date: string): SleepDay {
  const draw = (what: string) => seededUnit(userId, date, 'sleep', what);
  if (draw('slept') < 0.08) return NO_SLEEP;
  const startMinutes = (21 * 60 + 30 + Math.floor(draw('start') * 210)) % 1440;
  const timeInBed = 360 + Math.floor(draw('in-bed') * 180);
  const minutesToFallAsleep = Math.floor(draw('fall-asleep') * 30);
  const minutesAfterWakeup = Math.floor(draw('after-wakeup') * 15);
  const minutesAwake = 10 + Math.floor(draw('awake') * 50);
  const minutesAsleep = timeInBed - minutesToFallAsleep - minutesAfterWakeup - minutesAwake;
  return {
    startTime: `${String(Math.floor(startMinutes / 60)).padStart(2, '0')}:${String(startMinutes % 60).padStart(2, '0')}`,
    timeInBed,
    minutesAsleep,
    awakeningsCount: 1 + Math.floor(draw('awakenings') * Math.min(15, minutesAwake / 4)),
    minutesAwake,
    minutesToFallAsleep,
    minutesAfterWakeup,
    efficiency: Math.round((minutesAsleep / timeInBed) * 100),
  };
}
