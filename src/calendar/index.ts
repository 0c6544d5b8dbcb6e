/**
 * The working-day calendar: the calendar file (schema and checks) and the pure arithmetic of
 * deadlines counted in working days and office hours. No I/O and no clock reads here.
 */
export { parseDuration, formatDuration, DURATION_HELP, DURATION_PATTERN, type Duration, type DurationUnit } from './duration.js';
export {
  CalendarFile,
  CalendarYear,
  DayOff,
  WorkingDay,
  UnitOverride,
  OfficeHours,
  TIME_ZONE_OFFSETS,
  WEEKDAYS,
  type CalendarData,
  type CalendarDayOff,
  type CalendarWorkingDay,
  type CalendarOverride,
  type TimeZone,
  type Weekday,
} from './schema.js';
export { checkCalendarSource, loadCalendar, checkCalendarData, type CalendarCheck } from './calendar-check.js';
export { createWorkingCalendar, type WorkingCalendar, type WorkingCalendarOptions, type DayDescription } from './working-calendar.js';
