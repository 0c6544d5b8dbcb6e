/**
 * Local dates and times of day as plain integers, for a time zone with a fixed UTC offset.
 * A "day number" counts local days since 1970-01-01; all calendar arithmetic runs on these,
 * so the hot paths never touch Intl or Date parsing.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a YYYY-MM-DD date, or null when the text is not a real date (2025-02-30). */
export function parseLocalDate(text: string): number | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return ms / MS_PER_DAY;
}

/** YYYY-MM-DD of a day number. */
export function formatLocalDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Year of a day number. */
export function yearOfDay(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** Day number of 1 January of `year`. */
export function firstDayOfYear(year: number): number {
  return Date.UTC(year, 0, 1) / MS_PER_DAY;
}

/** ISO weekday index, Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
export function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Minutes after midnight of an HH:MM time (24:00 allowed). */
export function parseClockTime(text: string): number {
  const [h = '0', m = '0'] = text.split(':');
  return Number(h) * 60 + Number(m);
}

/** A local position: day number plus milliseconds since local midnight. */
export interface LocalPoint {
  day: number;
  ms: number;
}

/** Splits an instant into local day and time of day for a fixed offset (minutes east of UTC). */
export function toLocal(instant: number, offsetMinutes: number): LocalPoint {
  const local = instant + offsetMinutes * MS_PER_MINUTE;
  const day = Math.floor(local / MS_PER_DAY);
  return { day, ms: local - day * MS_PER_DAY };
}

/** The instant of a local day and time of day. */
export function fromLocal(day: number, ms: number, offsetMinutes: number): number {
  return day * MS_PER_DAY + ms - offsetMinutes * MS_PER_MINUTE;
}
