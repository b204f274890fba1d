import { toEpochDay } from '../core/calendar.js';
import { seededUnit } from '../core/seeded-random.js';

export interface BodyDay {
  /** Kilograms, one decimal. */
  weight: number;
  bmi: number;
  /** Body fat percent, one decimal. */
  fat: number;
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/** Weight drifts slowly along two seeded waves with a little day-to-day noise. */
export function bodyDay(userId: string, date: string): BodyDay {
  const habit = (what: string) => seededUnit(userId, 'habit', what);
  const day = toEpochDay(date);
  const drift =
    2.5 * Math.sin((2 * Math.PI * day) / 240 + habit('weight-phase') * 2 * Math.PI) +
    1.0 * Math.sin((2 * Math.PI * day) / 57 + habit('weight-phase-2') * 2 * Math.PI);
  const noise = (seededUnit(userId, date, 'body', 'noise') - 0.5) * 0.4;
  const weight = oneDecimal(58 + habit('weight') * 35 + drift + noise);
  const heightMetres = 1.55 + habit('height') * 0.4;
  return {
    weight,
    bmi: oneDecimal(weight / heightMetres ** 2),
    fat: oneDecimal(18 + habit('fat') * 12 + drift * 0.3 + noise),
  };
}
