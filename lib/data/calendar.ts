/** Calendar arithmetic on local dates written `YYYY-MM-DD`, done in UTC so no zone shifts them. */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && year >= 1900;
}

const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

/** The same day `months` months earlier, clamped to the end of a shorter month. */
export function subtractMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 - months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return fromUtc(target.getTime());
}

const dateFormats = new Map<string, Intl.DateTimeFormat | null>();

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. Null for unknown zones. */
function dateFormatOf(timeZone: string): Intl.DateTimeFormat | null {
  let format = dateFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      format = null;
    }
    // Zone names come from providers' profiles: bounded in practice, but never let the map grow without end.
    if (dateFormats.size >= 1000) dateFormats.clear();
    dateFormats.set(timeZone, format);
  }
  return format;
}

/** Today's date in an IANA zone (UTC when the zone is unknown). */
export function todayIn(timeZone: string | null | undefined, now: number = Date.now()): string {
  const format = dateFormatOf(timeZone ?? 'UTC');
  return format === null ? fromUtc(now) : format.format(now);
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
