/** Shared helpers for the calendar tests: the shipped calendar, and instants written in local time. */
import { readFileSync } from 'node:fs';
import { loadCalendar, parseDuration, type CalendarData, type Duration } from '../../src/calendar/index.js';

export const VN_PATH = 'config/calendars/vn.yaml';
export const vnSource = readFileSync(new URL('../../config/calendars/vn.yaml', import.meta.url), 'utf8');
export const vnCalendar: CalendarData = loadCalendar(vnSource, VN_PATH).calendar;

/** An instant written as Vietnamese local time: at('2026-02-13 09:00'). */
export function at(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00+07:00`);
}

/** The local time of an instant, 'YYYY-MM-DD HH:MM' (seconds kept when not zero). */
export function local(d: Date): string {
  const iso = new Date(d.getTime() + 7 * 3_600_000).toISOString();
  const s = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${s === '00' && iso.slice(20, 23) === '000' ? '' : `:${s}.${iso.slice(20, 23)}`}`;
}

/** The local date of an instant. */
export function localDate(d: Date): string {
  return local(d).slice(0, 10);
}

/** A duration from its text, failing the test on junk. */
export function dur(text: string): Duration {
  const r = parseDuration(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
