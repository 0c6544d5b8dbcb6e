/**
 * The scorecard's facts about a result, recorded when it happens: when the result was first
 * ready (status 9 "Đã xử lý xong" or 10 "Đã trả kết quả") and how many working days it took
 * from the clock start (or receipt), on the unit's calendar. Stored so the scorecard sums
 * columns instead of doing calendar arithmetic per case over millions of rows.
 */
import type { WorkingCalendar } from '../calendar/index.js';
import { isMotcuaError } from '../errors/index.js';
import { toDbTime, type CaseRow } from '../storage/index.js';

/** National status codes that mean the result exists. */
const RESULT_STATUSES: ReadonlySet<number> = new Set([9, 10]);

/** The columns to write with a transition into `status`; unchanged once a result was recorded. */
export function resultColumns(
  row: Pick<CaseRow, 'result_at' | 'working_days_to_result' | 'received_at'>,
  status: number | null | undefined,
  now: Date,
  calendar: WorkingCalendar,
  clockStartedAt: Date | null,
): { result_at: string | null; working_days_to_result: number | null } {
  if (row.result_at !== null || status === null || status === undefined || !RESULT_STATUSES.has(status)) {
    return { result_at: row.result_at, working_days_to_result: row.working_days_to_result };
  }
  let days: number | null = null;
  try {
    days = calendar.workingDaysBetween(clockStartedAt ?? new Date(row.received_at), now);
  } catch (e) {
    // A year missing from the calendar must not block handing a result over; the report
    // counts this case from the calendar later, and says which year to add if still missing.
    if (!isMotcuaError(e, 'calendarYearMissing')) throw e;
  }
  return { result_at: toDbTime(now), working_days_to_result: days };
}
