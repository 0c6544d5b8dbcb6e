/**
 * Working-day arithmetic over a calendar: the counting rule of issue 4, pure and fast.
 *
 * Every instant is turned into a local day number and a time of day with the zone's fixed
 * offset, and each day's status (working / off / not covered) is a lookup in a precomputed
 * array, so adding 30 working days touches ~45 array cells instead of scanning minutes.
 * A day in a year the calendar does not cover throws `calendarYearMissing`: a promise to a
 * citizen is never computed from a guessed calendar.
 */
import { MotcuaError } from '../errors/index.js';
import type { Duration } from './duration.js';
import { firstDayOfYear, formatLocalDate, fromLocal, MS_PER_DAY, MS_PER_MINUTE, parseClockTime, parseLocalDate, toLocal, weekdayIndex, type LocalPoint } from './local-time.js';
import { TIME_ZONE_OFFSETS, WEEKDAYS, type CalendarData, type TimeZone } from './schema.js';

/** Options of {@link createWorkingCalendar}. */
export interface WorkingCalendarOptions {
  /** The unit whose overrides apply (its own extra days off / working days / office hours). */
  unit?: string;
  /** The unit's ancestors, ordered from the root (province) down to the direct parent; their overrides apply too, nearer ones winning. */
  unitAncestors?: readonly string[];
  /** Where the calendar was read from, named in the "year missing" message. Default `config/calendars/<id>.yaml`. */
  sourcePath?: string;
}

/** What the calendar says about one date. */
export interface DayDescription {
  date: string;
  working: boolean;
  /** Set when the date is listed in the calendar (holiday, compensatory, swapped, make-up or unit day). */
  name?: string;
  kind?: string;
  confirmed?: boolean;
}

/** Working-time arithmetic for one calendar (and optionally one unit). All methods are pure. */
export interface WorkingCalendar {
  readonly calendarId: string;
  readonly timeZone: TimeZone;
  /** Office time in one working day, in milliseconds (7.5 h with the default hours). */
  readonly officeDayMs: number;
  /** True when the office works on the local date 'YYYY-MM-DD'. */
  isWorkingDay(date: string): boolean;
  /** The calendar's entry for a local date, if any, and whether the office works. */
  describeDay(date: string): DayDescription;
  /** The deadline of `d` counted from `from` (see docs/deadlines.md for the rule). */
  addDuration(from: Date, d: Duration): Date;
  /** The earliest instant by which `ms` of office time have passed since `from`. */
  addOfficeTime(from: Date, ms: number): Date;
  /** The earliest instant from which exactly `ms` of office time remain until `to`. */
  subtractOfficeTime(to: Date, ms: number): Date;
  /** Office time between `a` and `b`, in milliseconds; 0 when `b` is not after `a`. */
  workingTimeBetween(a: Date, b: Date): number;
  /** Working days after the local day of `a` up to and including the local day of `b`; negative when `b` is before `a`. */
  workingDaysBetween(a: Date, b: Date): number;
  /** `t` itself when the office is open at `t`, otherwise the next opening time. */
  nextOpening(t: Date): Date;
  /** `due` moved later by the office time that passed during the pause [pausedFrom, pausedTo). */
  extendForPause(due: Date, pausedFrom: Date, pausedTo: Date): Date;
}

const MISSING = 0;
const OFF = 1;
const WORKING = 2;

interface Period {
  start: number;
  end: number;
}

/** Builds the working-time arithmetic for a calendar, with a unit's overrides applied. */
export function createWorkingCalendar(calendar: CalendarData, options: WorkingCalendarOptions = {}): WorkingCalendar {
  const offset = TIME_ZONE_OFFSETS[calendar.time_zone];
  const sourcePath = options.sourcePath ?? `config/calendars/${calendar.id}.yaml`;
  const layers = [...(options.unitAncestors ?? []), ...(options.unit === undefined ? [] : [options.unit])]
    .map((id) => calendar.overrides[id])
    .filter((o) => o !== undefined);

  const hours = [...layers].reverse().find((o) => o.office_hours !== undefined)?.office_hours ?? calendar.office_hours;
  const periods: Period[] = hours.map((p) => ({ start: parseClockTime(p.from) * MS_PER_MINUTE, end: parseClockTime(p.to) * MS_PER_MINUTE }));
  // Unordered or empty periods would make the day walks below loop forever; the checker reports
  // them with line:col, this guards data that did not pass through it.
  if (periods.length === 0 || periods.some((p, i) => p.end <= p.start || (i > 0 && p.start < periods[i - 1]!.end))) {
    throw new MotcuaError('validationFailed', `calendar '${calendar.id}': office hours must be periods in order, each ending after it starts; check ${sourcePath}`);
  }
  const officeDayMs = periods.reduce((sum, p) => sum + (p.end - p.start), 0);
  const opening = periods[0]?.start ?? 0;
  const closing = periods[periods.length - 1]?.end ?? 0;

  // Day status over the covered span; gaps between listed years stay MISSING.
  const years = Object.keys(calendar.years).map(Number).sort((a, b) => a - b);
  const lo = years.length > 0 ? firstDayOfYear(years[0]!) : 0;
  const hi = years.length > 0 ? firstDayOfYear(years[years.length - 1]! + 1) - 1 : -1;
  const size = Math.max(0, hi - lo + 1);
  const status = new Uint8Array(size);
  const week = new Set(calendar.working_week.map((d) => WEEKDAYS.indexOf(d)));
  for (const y of years) {
    for (let d = firstDayOfYear(y); d < firstDayOfYear(y + 1); d++) status[d - lo] = week.has(weekdayIndex(d)) ? WORKING : OFF;
  }
  const named = new Map<number, { name: string; kind: string; confirmed: boolean }>();
  const apply = (entries: readonly { date: string; name: string; kind: string; confirmed: boolean }[], value: number): void => {
    for (const e of entries) {
      const d = parseLocalDate(e.date);
      // Entries outside covered years are reported by the checker; they must not make a gap look known.
      if (d === null || d < lo || d > hi || status[d - lo] === MISSING) continue;
      status[d - lo] = value;
      named.set(d, { name: e.name, kind: e.kind, confirmed: e.confirmed });
    }
  };
  for (const y of Object.values(calendar.years)) {
    apply(y.days_off, OFF);
    apply(y.working_days, WORKING);
  }
  for (const o of layers) {
    apply(o.days_off, OFF);
    apply(o.working_days, WORKING);
  }
  // Prefix counts make "working days between" O(1) and find a missing day without scanning.
  const workingBefore = new Uint32Array(size + 1);
  const missingBefore = new Uint32Array(size + 1);
  for (let i = 0; i < size; i++) {
    workingBefore[i + 1] = workingBefore[i]! + (status[i] === WORKING ? 1 : 0);
    missingBefore[i + 1] = missingBefore[i]! + (status[i] === MISSING ? 1 : 0);
  }

  const missingYear = (day: number): never => {
    const year = new Date(day * MS_PER_DAY).getUTCFullYear();
    throw new MotcuaError(
      'calendarYearMissing',
      `the calendar '${calendar.id}' has no data for ${year}; add year ${year} (its holidays, compensatory days and make-up days) under years: in ${sourcePath}, then reload`,
      { calendar: calendar.id, year, date: formatLocalDate(day) },
    );
  };
  const isWorking = (day: number): boolean => {
    const s = day < lo || day > hi ? MISSING : status[day - lo]!;
    if (s === MISSING) return missingYear(day);
    return s === WORKING;
  };
  /** Working days in [from, to] (inclusive); throws when the range touches a missing year. */
  const countWorking = (from: number, to: number): number => {
    if (from > to) return 0;
    if (from < lo) return missingYear(from);
    if (to > hi) return missingYear(Math.max(from, hi + 1));
    if (missingBefore[to - lo + 1]! - missingBefore[from - lo]! > 0) {
      for (let d = from; d <= to; d++) if (status[d - lo] === MISSING) missingYear(d);
    }
    return workingBefore[to - lo + 1]! - workingBefore[from - lo]!;
  };
  /** Office time on `day` between local times x and y. */
  const officeWithin = (day: number, x: number, y: number): number => {
    if (!isWorking(day)) return 0;
    let sum = 0;
    for (const p of periods) sum += Math.max(0, Math.min(p.end, y) - Math.max(p.start, x));
    return sum;
  };

  const nextOpeningLocal = (t: LocalPoint): LocalPoint => {
    if (isWorking(t.day)) {
      for (const p of periods) if (t.ms < p.end) return { day: t.day, ms: Math.max(t.ms, p.start) };
    }
    let d = t.day + 1;
    while (!isWorking(d)) d++;
    return { day: d, ms: opening };
  };

  const addOfficeLocal = (t: LocalPoint, amount: number): LocalPoint => {
    let remaining = amount;
    if (remaining === 0) return t;
    if (isWorking(t.day)) {
      for (const p of periods) {
        if (t.ms >= p.end) continue;
        const start = Math.max(t.ms, p.start);
        if (remaining <= p.end - start) return { day: t.day, ms: start + remaining };
        remaining -= p.end - start;
      }
    }
    for (let d = t.day + 1; ; d++) {
      if (!isWorking(d)) continue;
      if (remaining > officeDayMs) {
        remaining -= officeDayMs;
        continue;
      }
      for (const p of periods) {
        // `<=` ends exactly at a period's close rather than rolling on to the next opening.
        if (remaining <= p.end - p.start) return { day: d, ms: p.start + remaining };
        remaining -= p.end - p.start;
      }
    }
  };

  /** The end of the last office period strictly before local point t (used when walking back lands on an opening). */
  const previousOfficeEnd = (t: LocalPoint): LocalPoint => {
    if (isWorking(t.day)) {
      for (let i = periods.length - 1; i >= 0; i--) if (periods[i]!.end <= t.ms) return { day: t.day, ms: periods[i]!.end };
    }
    let d = t.day - 1;
    while (!isWorking(d)) d--;
    return { day: d, ms: closing };
  };

  const subtractOfficeLocal = (t: LocalPoint, amount: number): LocalPoint => {
    let remaining = amount;
    if (remaining === 0) return t;
    const walkDay = (day: number, until: number): LocalPoint | undefined => {
      for (let i = periods.length - 1; i >= 0; i--) {
        const p = periods[i]!;
        if (until <= p.start) continue;
        const end = Math.min(until, p.end);
        if (remaining < end - p.start) return { day, ms: end - remaining };
        remaining -= end - p.start;
        // Exactly used up at an opening: the earliest such instant is the previous close.
        if (remaining === 0) return previousOfficeEnd({ day, ms: p.start });
      }
      return undefined;
    };
    if (isWorking(t.day)) {
      const hit = walkDay(t.day, t.ms);
      if (hit) return hit;
    }
    for (let d = t.day - 1; ; d--) {
      if (!isWorking(d)) continue;
      if (remaining > officeDayMs) {
        remaining -= officeDayMs;
        continue;
      }
      const hit = walkDay(d, MS_PER_DAY);
      if (hit) return hit;
    }
  };

  /** Closing time of the n-th working day after the day of receipt (the day of the next opening at or after t). */
  const addWorkingDaysLocal = (t: LocalPoint, n: number): LocalPoint => {
    let d = nextOpeningLocal(t).day;
    for (let counted = 0; counted < n; ) {
      d++;
      if (isWorking(d)) counted++;
    }
    return { day: d, ms: closing };
  };

  const local = (instant: Date, what: string): LocalPoint => {
    const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
    if (!Number.isFinite(ms)) throw new MotcuaError('badRequest', `${what} is not a valid instant; give an ISO 8601 date-time such as 2026-02-13T09:00:00+07:00`);
    return toLocal(ms, offset);
  };
  const instant = (p: LocalPoint): Date => new Date(fromLocal(p.day, p.ms, offset));
  const officeMs = (ms: number): number => {
    if (!Number.isFinite(ms) || ms < 0) throw new MotcuaError('badRequest', `office time must be a non-negative number of milliseconds, got ${ms}`);
    return Math.round(ms);
  };
  const dayOf = (date: string): number => {
    const d = parseLocalDate(date);
    if (d === null) throw new MotcuaError('badRequest', `'${date}' is not a date; write YYYY-MM-DD, e.g. 2026-02-16`);
    return d;
  };
  const between = (a: LocalPoint, b: LocalPoint): number => {
    if (b.day < a.day || (b.day === a.day && b.ms <= a.ms)) return 0;
    if (a.day === b.day) return officeWithin(a.day, a.ms, b.ms);
    return officeWithin(a.day, a.ms, MS_PER_DAY) + countWorking(a.day + 1, b.day - 1) * officeDayMs + officeWithin(b.day, 0, b.ms);
  };

  return {
    calendarId: calendar.id,
    timeZone: calendar.time_zone,
    officeDayMs,
    isWorkingDay: (date) => isWorking(dayOf(date)),
    describeDay: (date) => {
      const d = dayOf(date);
      const working = isWorking(d);
      const entry = named.get(d);
      return entry ? { date: formatLocalDate(d), working, ...entry } : { date: formatLocalDate(d), working };
    },
    addDuration: (from, d) => {
      const t = local(from, 'the start');
      if (!(d.amount > 0) || !Number.isFinite(d.amount)) throw new MotcuaError('invalidDuration', `a duration must be greater than zero, got ${d.amount}`);
      if (d.unit === 'working_hours') return instant(addOfficeLocal(t, Math.round(d.amount * 3_600_000)));
      const whole = Math.floor(d.amount);
      const fraction = Math.round((d.amount - whole) * officeDayMs);
      // Whole days follow the day rule (close of the N-th working day); a fraction is then office
      // time after that close, i.e. into the next working day. With no whole day, the fraction
      // counts in office time from the arrival (from the next opening when the office is closed).
      const base = whole > 0 ? addWorkingDaysLocal(t, whole) : t;
      return instant(addOfficeLocal(base, fraction));
    },
    addOfficeTime: (from, ms) => instant(addOfficeLocal(local(from, 'the start'), officeMs(ms))),
    subtractOfficeTime: (to, ms) => instant(subtractOfficeLocal(local(to, 'the end'), officeMs(ms))),
    workingTimeBetween: (a, b) => between(local(a, 'the start'), local(b, 'the end')),
    workingDaysBetween: (a, b) => {
      const da = local(a, 'the start').day;
      const db = local(b, 'the end').day;
      return db >= da ? countWorking(da + 1, db) : -countWorking(db + 1, da);
    },
    nextOpening: (t) => instant(nextOpeningLocal(local(t, 'the instant'))),
    extendForPause: (due, pausedFrom, pausedTo) => {
      const paused = between(local(pausedFrom, 'the start of the pause'), local(pausedTo, 'the end of the pause'));
      return instant(addOfficeLocal(local(due, 'the due date'), paused));
    },
  };
}
