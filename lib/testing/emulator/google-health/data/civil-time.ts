import { offsetFromUtcMillis } from '../../core/calendar.js';

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export const civilDateOf = (date: string): CivilDate => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};

export const isoDateOf = (date: CivilDate): string =>
  `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;

/** `civil` plus `minutes`, as wall-clock arithmetic. */
export function addCivilMinutes(civil: string, minutes: number): string {
  return new Date(Date.parse(`${civil}Z`) + minutes * 60_000).toISOString().slice(0, 19);
}

/** The instant at which the zone's wall clock shows `civil` (the later reading in a DST overlap is not sought). */
export function civilToInstant(timeZone: string, civil: string): number {
  const asUtc = Date.parse(`${civil}Z`);
  const firstGuess = asUtc - offsetFromUtcMillis(timeZone, asUtc);
  return asUtc - offsetFromUtcMillis(timeZone, firstGuess);
}

/** The zone's wall clock at `instant`. */
export function instantToCivil(timeZone: string, instant: number): string {
  return new Date(instant + offsetFromUtcMillis(timeZone, instant)).toISOString().slice(0, 19);
}

/** RFC 3339 in UTC without fractional seconds, as Google writes timestamps. */
export function rfc3339(instant: number): string {
  return new Date(Math.floor(instant / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
