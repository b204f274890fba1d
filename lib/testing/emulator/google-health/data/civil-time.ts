import { offsetFromUtcMillis } from '../../core/calendar.js';

/** Google's `CivilDate`: a local date as year, month and day. */
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

/** google.type.TimeOfDay as proto3 JSON writes it: fields that are zero are left out (midnight is `{}`). */
export interface TimeOfDay {
  hours?: number;
  minutes?: number;
  seconds?: number;
}

/** Google's CivilDateTime: `{date: {year, month, day}, time: {hours, minutes, seconds}}`. */
export interface CivilDateTime {
  date: CivilDate;
  time?: TimeOfDay;
}

/** `YYYY-MM-DDTHH:MM:SS` as a CivilDateTime object. */
export function civilDateTimeOf(civil: string): CivilDateTime {
  const [hours, minutes, seconds] = civil.slice(11, 19).split(':').map(Number) as [number, number, number];
  const time: TimeOfDay = {};
  if (hours) time.hours = hours;
  if (minutes) time.minutes = minutes;
  if (seconds) time.seconds = seconds;
  return { date: civilDateOf(civil.slice(0, 10)), time };
}

/** The zone's offset from UTC at `instant` as a google-duration (`"-25200s"`). */
export const utcOffsetAt = (timeZone: string, instant: number): string => `${Math.round(offsetFromUtcMillis(timeZone, instant) / 1000)}s`;
