/**
 * The working-day calendar file (config/calendars/*.yaml), defined once in zod.
 * `schemas/calendar.schema.json` is generated from {@link CalendarFile}; the checker validates
 * every calendar against it before its semantic checks (calendar-check.ts).
 */
import { z } from 'zod';

/** Time zones the calendar supports, with their fixed UTC offset in minutes (no daylight saving). */
export const TIME_ZONE_OFFSETS = { 'Asia/Ho_Chi_Minh': 420 } as const;
export type TimeZone = keyof typeof TIME_ZONE_OFFSETS;

/** Weekday names as the file writes them, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const YEAR_RE = /^\d{4}$/;

export const LocalDate = z
  .string()
  .regex(DATE_RE, 'write a date as YYYY-MM-DD, e.g. 2026-02-16')
  .describe('A calendar date in the calendar\'s time zone, YYYY-MM-DD.');

export const ClockTime = z
  .string()
  .regex(TIME_RE, 'write a time as HH:MM on a 24-hour clock, e.g. 07:30 or 17:00')
  .describe('A local time of day, HH:MM (24-hour).');

export const OfficePeriod = z
  .strictObject({
    from: ClockTime.describe('Opening time of this period, HH:MM.'),
    to: ClockTime.describe('Closing time of this period, HH:MM (later than `from`).'),
  })
  .describe('One period the office is open, e.g. { from: "07:30", to: "11:30" }.');

export const OfficeHours = z
  .array(OfficePeriod)
  .min(1, 'give at least one office period, e.g. [{ from: "07:30", to: "11:30" }]')
  .max(8)
  .describe('The periods the office is open on a working day, in order and not overlapping. Office time (working hours, ½ day) is counted only inside them.');

/** Why a day is off: a statutory holiday, its compensatory day, a swapped day, or a unit's own day off. */
export const DayOffKind = z
  .enum(['holiday', 'compensatory', 'swapped', 'unit'])
  .describe('holiday: a public holiday (Labour Code art. 112); compensatory: nghỉ bù for a holiday on a rest day; swapped: hoán đổi, given off in exchange for a make-up day; unit: a unit\'s own day off.');

/** Why a rest day is worked: a make-up day for a swap, or a unit's own working day. */
export const WorkingDayKind = z
  .enum(['make_up', 'unit'])
  .describe('make_up: làm bù, a rest day worked in exchange for a swapped day off; unit: a unit\'s own working day.');

const entryFields = {
  date: LocalDate,
  name: z.string().min(1).max(200).describe('What the day is, e.g. "Tết Âm lịch (29 tháng Chạp)".'),
  source: z.string().min(1).max(500).optional().describe('The law, decision or notice that fixes this date.'),
  confirmed: z.boolean().default(true).describe('false while the date is a best guess, not yet fixed by a published decision.'),
  note: z.string().max(1000).optional().describe('Anything a reviewer should know.'),
};

export const DayOff = z.strictObject({ ...entryFields, kind: DayOffKind.default('holiday') }).describe('A day the office is closed although it is in the working week.');
export const WorkingDay = z.strictObject({ ...entryFields, kind: WorkingDayKind.default('make_up') }).describe('A day the office works although it is a weekly rest day (e.g. a make-up Saturday).');

export const CalendarYear = z
  .strictObject({
    days_off: z.array(DayOff).default([]).describe('Days off in this year: holidays, compensatory and swapped days.'),
    working_days: z.array(WorkingDay).default([]).describe('Rest days worked in this year (make-up Saturdays).'),
    note: z.string().max(2000).optional(),
  })
  .describe('The exceptions to the working week in one year. A year listed here is known; a year missing is an error when a deadline reaches it.');

export const UnitOverride = z
  .strictObject({
    title: z.string().max(200).optional(),
    office_hours: OfficeHours.optional().describe('This unit\'s own office hours; omit to use the calendar\'s.'),
    days_off: z.array(DayOff).default([]).describe('Extra days off for this unit (and the units under it).'),
    working_days: z.array(WorkingDay).default([]).describe('Days this unit works although the calendar has them off.'),
  })
  .describe('A unit\'s own changes to the calendar. They apply to the unit and to every unit below it in the tree.');

export const UnitId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'unit ids are letters, digits, ".", "_" and "-"').max(64);

export const CalendarFile = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'use lower-case letters, digits, "-" and "_", starting with a letter').max(64).describe('Calendar id, e.g. vn.'),
    title: z.string().max(200).optional(),
    time_zone: z.enum(Object.keys(TIME_ZONE_OFFSETS) as [TimeZone, ...TimeZone[]]).describe('IANA time zone. Only zones with a fixed offset and no daylight saving are supported.'),
    working_week: z.array(z.enum(WEEKDAYS)).min(1, 'the working week needs at least one day').max(7).describe('Weekdays the office works, e.g. [mon, tue, wed, thu, fri].'),
    office_hours: OfficeHours,
    years: z.record(z.string().regex(YEAR_RE, 'years are four digits, e.g. 2026'), CalendarYear).describe('Holidays and swapped days per year, keyed by year.'),
    overrides: z.record(UnitId, UnitOverride).default({}).describe('Per-unit changes, keyed by unit id.'),
  })
  .describe('A working-day calendar: the working week, office hours, and every year\'s days off and make-up days.');

/** A calendar as read from its file, defaults applied. */
export type CalendarData = z.output<typeof CalendarFile>;
export type CalendarDayOff = z.output<typeof DayOff>;
export type CalendarWorkingDay = z.output<typeof WorkingDay>;
export type CalendarOverride = z.output<typeof UnitOverride>;
