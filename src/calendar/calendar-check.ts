/**
 * Reading and checking a calendar file: safe YAML, the zod schema, then the checks a schema
 * cannot express (a date listed under the wrong year, a day both off and worked, overlapping
 * office hours). Like procedure validation, it reports every finding with line:col and never
 * stops at the first.
 */
import { MotcuaError } from '../errors/index.js';
import type { Finding } from '../definitions/findings.js';
import { hasErrors, sortFindings } from '../definitions/findings.js';
import { didYouMean } from '../definitions/suggest.js';
import { parseYamlSource, type YamlPath, type YamlPosition } from '../definitions/yaml-source.js';
import { formatLocalDate, parseClockTime, parseLocalDate, weekdayIndex, yearOfDay } from './local-time.js';
import { CalendarFile, WEEKDAYS, type CalendarData } from './schema.js';

/** The result of checking a calendar file. */
export interface CalendarCheck {
  calendar: CalendarData | null;
  findings: Finding[];
}

type Locate = (path: YamlPath, which?: 'key' | 'value') => YamlPosition;

/** Checks a calendar file's text; never throws. `calendar` is null when there are errors. */
export function checkCalendarSource(source: string | Uint8Array, path: string): CalendarCheck {
  const parsed = parseYamlSource(source, path);
  const findings = [...parsed.findings];
  if (parsed.value === undefined) return { calendar: null, findings: sortFindings(findings) };

  const result = CalendarFile.safeParse(parsed.value);
  if (!result.success) {
    for (const issue of result.error.issues) findings.push(issueFinding(issue, parsed.locate, path));
    return { calendar: null, findings: sortFindings(findings) };
  }
  findings.push(...checkCalendarData(result.data, parsed.locate, path));
  return { calendar: hasErrors(findings) ? null : result.data, findings: sortFindings(findings) };
}

/** Reads a calendar for use; throws `validationFailed` listing every error. Warnings come back with it. */
export function loadCalendar(source: string | Uint8Array, path: string): { calendar: CalendarData; findings: Finding[] } {
  const { calendar, findings } = checkCalendarSource(source, path);
  if (calendar === null) {
    const errors = findings.filter((f) => f.severity === 'error');
    const first = errors[0];
    const where = first ? `${first.path}:${first.line}:${first.col}: ${first.message}` : path;
    throw new MotcuaError('validationFailed', `calendar ${path} has ${errors.length} error(s); fix them and reload (first: ${where})`, { findings });
  }
  return { calendar, findings };
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function issueFinding(issue: ZodIssueLike, locate: Locate, file: string): Finding {
  const p = issue.path.filter((s): s is string | number => typeof s === 'string' || typeof s === 'number');
  if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
    const key = issue.keys[0] ?? '';
    const known = knownKeysAt(p);
    const pos = locate([...p, key]);
    return { path: file, ...pos, severity: 'error', message: `unknown key '${key}'${didYouMean(key, known)}${known.length > 0 ? ` (allowed: ${known.join(', ')})` : ''}` };
  }
  const pos = locate(p, 'value');
  const where = p.length > 0 ? `${p.join('.')}: ` : '';
  return { path: file, ...pos, severity: 'error', message: `${where}${issue.message}` };
}

/** Keys allowed at a path, for "did you mean" on typos. */
function knownKeysAt(p: readonly (string | number)[]): string[] {
  const entry = ['date', 'name', 'kind', 'source', 'confirmed', 'note'];
  if (p.length === 0) return ['id', 'title', 'time_zone', 'working_week', 'office_hours', 'years', 'overrides'];
  if (p[0] === 'years' && p.length === 2) return ['days_off', 'working_days', 'note'];
  if (p[0] === 'overrides' && p.length === 2) return ['title', 'office_hours', 'days_off', 'working_days'];
  if (p.length >= 3 && typeof p[p.length - 1] === 'number') return entry;
  if (p[p.length - 2] === 'office_hours' || p[p.length - 3] === 'office_hours') return ['from', 'to'];
  return [];
}

/** The semantic checks on a schema-valid calendar. */
export function checkCalendarData(cal: CalendarData, locate: Locate, file: string): Finding[] {
  const findings: Finding[] = [];
  const report = (path: YamlPath, message: string, severity: Finding['severity'] = 'error', which: 'key' | 'value' = 'value'): void => {
    findings.push({ path: file, ...locate(path, which), severity, message });
  };

  const week = new Set<number>();
  cal.working_week.forEach((d, i) => {
    const idx = WEEKDAYS.indexOf(d);
    if (week.has(idx)) report(['working_week', i], `'${d}' is listed twice in the working week; remove one`);
    week.add(idx);
  });
  checkOfficeHours(cal.office_hours, ['office_hours'], report);

  for (const [yearKey, year] of Object.entries(cal.years)) {
    const y = Number(yearKey);
    const seen = new Map<number, string>();
    const days = [
      ...year.days_off.map((e, i) => ({ e, path: ['years', yearKey, 'days_off', i] as YamlPath, off: true })),
      ...year.working_days.map((e, i) => ({ e, path: ['years', yearKey, 'working_days', i] as YamlPath, off: false })),
    ];
    let swapped = 0;
    let madeUp = 0;
    for (const { e, path, off } of days) {
      const day = parseLocalDate(e.date);
      const datePath = [...path, 'date'];
      if (day === null) {
        report(datePath, `${e.date} is not a real date; write YYYY-MM-DD`);
        continue;
      }
      if (yearOfDay(day) !== y) {
        report(datePath, `${e.date} is listed under year ${yearKey}; move it under ${yearOfDay(day)}`);
        continue;
      }
      const kind = off ? 'day off' : 'working day';
      const before = seen.get(day);
      if (before !== undefined) {
        report(datePath, before === kind ? `${e.date} is listed twice as a ${kind} in ${yearKey}; remove one` : `${e.date} is both a day off and a working day in ${yearKey}; keep one of them`);
        continue;
      }
      seen.set(day, kind);
      const inWeek = week.has(weekdayIndex(day));
      const dow = WEEKDAYS[weekdayIndex(day)] ?? '';
      if (off && !inWeek) report(datePath, `${e.date} (${dow}) is already a weekly rest day, so listing it changes nothing; if a holiday falls on it, list the compensatory day (nghỉ bù) instead`, 'warning');
      if (!off && inWeek) report(datePath, `${e.date} (${dow}) is already in the working week, so listing it as a working day changes nothing`, 'warning');
      if (off && e.kind === 'swapped') swapped++;
      if (!off && e.kind === 'make_up') madeUp++;
    }
    if (swapped !== madeUp) {
      report(['years', yearKey], `year ${yearKey} has ${swapped} swapped day(s) off but ${madeUp} make-up working day(s); each swap (hoán đổi) gives one day off for one make-up day`, 'warning', 'key');
    }
  }

  for (const [unit, o] of Object.entries(cal.overrides)) {
    if (o.office_hours) checkOfficeHours(o.office_hours, ['overrides', unit, 'office_hours'], report);
    const seen = new Map<number, string>();
    const days = [
      ...o.days_off.map((e, i) => ({ e, path: ['overrides', unit, 'days_off', i] as YamlPath, off: true })),
      ...o.working_days.map((e, i) => ({ e, path: ['overrides', unit, 'working_days', i] as YamlPath, off: false })),
    ];
    for (const { e, path, off } of days) {
      const day = parseLocalDate(e.date);
      const datePath = [...path, 'date'];
      if (day === null) {
        report(datePath, `${e.date} is not a real date; write YYYY-MM-DD`);
        continue;
      }
      const y = String(yearOfDay(day));
      if (!(y in cal.years)) {
        report(datePath, `unit '${unit}' overrides ${e.date} but the calendar has no year ${y}; add year ${y} under years: first`);
        continue;
      }
      const kind = off ? 'day off' : 'working day';
      const before = seen.get(day);
      if (before !== undefined) {
        report(datePath, before === kind ? `${formatLocalDate(day)} is listed twice as a ${kind} for unit '${unit}'; remove one` : `${formatLocalDate(day)} is both a day off and a working day for unit '${unit}'; keep one of them`);
        continue;
      }
      seen.set(day, kind);
    }
  }
  return findings;
}

function checkOfficeHours(
  periods: readonly { from: string; to: string }[],
  base: YamlPath,
  report: (path: YamlPath, message: string) => void,
): void {
  let previousEnd = -1;
  periods.forEach((p, i) => {
    const from = parseClockTime(p.from);
    const to = parseClockTime(p.to);
    if (from >= to) {
      report([...base, i, 'to'], `office period ${p.from}–${p.to} ends before it starts; 'to' must be later than 'from'`);
      return;
    }
    if (from < previousEnd) {
      report([...base, i, 'from'], `office period ${p.from}–${p.to} overlaps or comes before the previous one; list periods in order without overlap`);
    }
    previousEnd = Math.max(previousEnd, to);
  });
}
