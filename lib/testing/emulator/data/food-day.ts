import { seededUnit } from '../core/seeded-random.js';

export interface FoodDay {
  caloriesIn: number;
  /** Millilitres. */
  water: number;
}

export function foodDay(userId: string, date: string): FoodDay {
  const draw = (what: string) => seededUnit(userId, date, 'foods', what);
  return {
    caloriesIn: draw('logged-food') < 0.75 ? 1300 + Math.floor(draw('calories') * 1900) : 0,
    water: draw('logged-water') < 0.7 ? 250 * (2 + Math.floor(draw('water') * 10)) : 0,
  };
}
