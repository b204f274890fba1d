/**
 * Calendar arithmetic on local dates written `YYYY-MM-DD`, in whole days, so no zone shifts them.
 * Integer arithmetic on the proleptic Gregorian calendar rather than Date objects: get_data does
 * it on every request, and a Date round trip costs microseconds.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const pad2 = (value: number) => (value < 10 ? `0${value}` : String(value));
const formatDate = (year: number, month: number, day: number) => `${year}-${pad2(month)}-${pad2(day)}`;

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
function dayNumber(date: string): number {
  const month = Number(date.slice(5, 7));
  const year = Number(date.slice(0, 4)) - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + Number(date.slice(8, 10)) - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The date `days` days after 1970-01-01 (Howard Hinnant's civil_from_days). */
function dateOfDayNumber(days: number): string {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return formatDate(yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day);
}

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1900 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The same day `months` months earlier, clamped to the end of a shorter month. */
export function subtractMonths(date: string, months: number): string {
  const monthsSinceYearZero = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 - months;
  const year = Math.floor(monthsSinceYearZero / 12);
  const month = monthsSinceYearZero - year * 12 + 1;
  return formatDate(year, month, Math.min(Number(date.slice(8, 10)), daysInMonth(year, month)));
}

const MINUTE_MS = 60_000;

interface ZoneToday {
  format: Intl.DateTimeFormat | null;
  /** The minute (ms since the epoch ÷ 60 000) that `date` was formatted for. */
  minute: number;
  date: string;
}

const zoneTodays = new Map<string, ZoneToday>();

/** One formatter per zone (null for an unknown zone) with its last date: building an Intl.DateTimeFormat costs far more than using one. */
function zoneToday(timeZone: string): ZoneToday {
  let zone = zoneTodays.get(timeZone);
  if (zone === undefined) {
    let format: Intl.DateTimeFormat | null;
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      format = null;
    }
    // Zone names come from providers' profiles: bounded in practice, but never let the map grow without end.
    if (zoneTodays.size >= 1000) zoneTodays.clear();
    zone = { format, minute: Number.NaN, date: '' };
    zoneTodays.set(timeZone, zone);
  }
  return zone;
}

/**
 * Today's date in an IANA zone (UTC when the zone is unknown). Every zone's offset is a whole
 * number of minutes today, so its date only changes on a minute boundary: the date formatted
 * once is reused for the rest of that minute (formatting costs microseconds on a hot path).
 */
export function todayIn(timeZone: string | null | undefined, now: number = Date.now()): string {
  const zone = zoneToday(timeZone ?? 'UTC');
  const minute = Math.floor(now / MINUTE_MS);
  if (zone.minute !== minute) {
    zone.date = formatIn(zone, now);
    zone.minute = minute;
  }
  return zone.date;
}

const formatIn = (zone: ZoneToday, instant: number) => (zone.format === null ? dateOfDayNumber(Math.floor(instant / DAY_MS)) : zone.format.format(instant));

/** The local date of any instant (epoch ms) in an IANA zone (UTC when the zone is unknown). */
export function localDateAt(timeZone: string | null | undefined, instant: number): string {
  return formatIn(zoneToday(timeZone ?? 'UTC'), instant);
}

/**
 * The local dates an instant span [start, end) touches in a zone, oldest first: the last `maxDays`
 * of them when it is longer; only the start's date for a moment (`end` null).
 */
export function localDatesOfSpan(timeZone: string | null | undefined, span: { start: number; end: number | null }, maxDays: number): string[] {
  const first = localDateAt(timeZone, span.start);
  const last = span.end === null || span.end <= span.start ? first : localDateAt(timeZone, span.end - 1);
  const count = Math.min(daysBetween(first, last) + 1, maxDays);
  return Array.from({ length: Math.max(count, 1) }, (_, index) => addDays(last, index - Math.max(count, 1) + 1));
}

/** Inclusive dates from `start` to `end`, each range at most `maxDays` long, oldest first. */
export function splitRange(start: string, end: string, maxDays: number): { start: string; end: string }[] {
  const chunks: { start: string; end: string }[] = [];
  for (let chunkStart = start; daysBetween(chunkStart, end) >= 0; chunkStart = addDays(chunkStart, maxDays)) {
    const chunkEnd = addDays(chunkStart, maxDays - 1);
    chunks.push({ start: chunkStart, end: daysBetween(chunkEnd, end) < 0 ? end : chunkEnd });
  }
  return chunks;
}
