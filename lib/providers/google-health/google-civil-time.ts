/** Google's civil (local wall-clock) date-times: `{date: {year, month, day}, time: {hours, minutes, seconds}}`. */

interface CivilDateTimeJson {
  date?: { year?: unknown; month?: unknown; day?: unknown };
  time?: { hours?: unknown; minutes?: unknown };
}

const pad = (value: number) => String(value).padStart(2, '0');
const isPart = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** `YYYY-MM-DD` as the CivilDateTime a request carries (numbers without leading zeros, no time of day). */
export function civilDateTimeOf(date: string): { date: { year: number; month: number; day: number } } {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { date: { year, month, day } };
}

/** The local date of a CivilDateTime (or of a bare `Date` object), `YYYY-MM-DD`; null for anything else. */
export function dateOfCivil(value: unknown): string | null {
  const civil = value as CivilDateTimeJson | null;
  const date = (civil?.date ?? civil) as CivilDateTimeJson['date'] | null;
  if (!isPart(date?.year) || !isPart(date.month) || !isPart(date.day) || date.month < 1 || date.day < 1) return null;
  return `${String(date.year).padStart(4, '0')}-${pad(date.month)}-${pad(date.day)}`;
}

/** The local time of day of a CivilDateTime, `HH:MM`; proto3 JSON leaves out fields that are zero (midnight is `{}` or no time at all). */
export function timeOfCivil(value: unknown): string | null {
  if (dateOfCivil(value) === null) return null;
  const time = (value as CivilDateTimeJson).time ?? {};
  const hours = time.hours ?? 0;
  const minutes = time.minutes ?? 0;
  if (!isPart(hours) || !isPart(minutes) || hours > 23 || minutes > 59) return null;
  return `${pad(hours)}:${pad(minutes)}`;
}
