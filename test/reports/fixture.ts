/**
 * A small fixed data set for the report tests: 13 cases of one commune in March 2026, chosen so
 * each counter has members and non-members. The expected numbers are worked out by hand in
 * metrics.test.ts, next to the assertions.
 *
 * To keep the arithmetic on paper, "working days" here are plain calendar days (b − a in days)
 * and one office day is 7.5 h, so `paused_ms` of 2 × 7.5 h is 2 days.
 */
import { DEFAULT_OFFICE_DAY_MS, isOverdue, type CaseFacts, type CaseFlags, type MetricContext } from '../../src/reports/index.js';

/** 2026-03-dd at hh:00 UTC; days past 31 or below 1 roll into April / February as Date does. */
export const d = (day: number, month = 3, hour = 0): Date => new Date(Date.UTC(2026, month - 1, day, hour));

export const PERIOD = { from: d(1), to: d(1, 4) };
export const CALENDAR_DAYS = (a: Date, b: Date): number => (b.getTime() - a.getTime()) / 86_400_000;
export const CTX: MetricContext = { period: PERIOD, workingDaysBetween: CALENDAR_DAYS, officeDayMs: DEFAULT_OFFICE_DAY_MS };

const NO_FLAGS: CaseFlags = { vneid_authenticated: false, data_reused: false, electronic_result: false, synced_to_portal: false, fee_payable: false, paid_online: false };

type Partial2 = Omit<Partial<CaseFacts>, 'flags' | 'overdue'> & { flags?: Partial<CaseFlags> };

/** A case with defaults (unit u1, in person, nothing happened yet); `overdue` is derived by the rule relative to the period end. */
export function facts(p: Partial2): CaseFacts {
  const base: Omit<CaseFacts, 'overdue'> = {
    unit_id: 'u1',
    procedure_id: 'dang-ky-tam-tru',
    channel: 1,
    received_at: d(1),
    clock_started_at: null,
    due_at: null,
    closed_at: null,
    result_at: null,
    delivered_at: null,
    outcome: null,
    supplement_count: 0,
    paused_ms: 0,
    rating: null,
    has_complaint: false,
    is_feedback_case: false,
    ...p,
    flags: { ...NO_FLAGS, ...p.flags },
  };
  return { ...base, overdue: isOverdue(base, PERIOD.to) };
}

const DAY = DEFAULT_OFFICE_DAY_MS;

/** The 13 cases, A to M. */
export const CASES: Record<string, CaseFacts> = {
  // On time, online, every flag, rated "rất hài lòng". Handling 2 days.
  A: facts({
    channel: 2, received_at: d(2), clock_started_at: d(2), due_at: d(5), result_at: d(4), closed_at: d(4), delivered_at: d(4), outcome: 'approved',
    rating: 'rat_hai_long',
    flags: { vneid_authenticated: true, data_reused: true, electronic_result: true, synced_to_portal: true, fee_payable: true, paid_online: true },
  }),
  // Late by a day, in person, rated "không hài lòng"; a fee paid at the desk. Handling 4 days.
  B: facts({
    received_at: d(2), clock_started_at: d(2), due_at: d(5), result_at: d(6), closed_at: d(6), delivered_at: d(6), outcome: 'approved',
    rating: 'khong_hai_long', flags: { synced_to_portal: true, fee_payable: true },
  }),
  // One supplement (2 office days paused, due moved from 6th to 8th); on time. Handling 4 − 2 = 2 days.
  C: facts({
    channel: 2, received_at: d(3), clock_started_at: d(3), due_at: d(8), result_at: d(7), closed_at: d(9), delivered_at: d(9), outcome: 'approved',
    supplement_count: 1, paused_ms: 2 * DAY, rating: 'hai_long',
    flags: { vneid_authenticated: true, electronic_result: true, synced_to_portal: true },
  }),
  // Two supplement requests: late by rule although the result came before due. Complaint. Handling 3 − 1 = 2 days.
  D: facts({
    received_at: d(3), clock_started_at: d(3), due_at: d(7), result_at: d(6), closed_at: d(6), delivered_at: d(6), outcome: 'approved',
    supplement_count: 2, paused_ms: DAY, has_complaint: true, flags: { data_reused: true, synced_to_portal: true },
  }),
  // Result ready on time, not yet collected (still open). By post. Handling 2 days.
  E: facts({ channel: 3, received_at: d(10), clock_started_at: d(10), due_at: d(13), result_at: d(12), flags: { synced_to_portal: true } }),
  // Still open at the period end and past due: overdue.
  F: facts({
    channel: 2, received_at: d(20), clock_started_at: d(20), due_at: d(25),
    flags: { vneid_authenticated: true, synced_to_portal: true, fee_payable: true, paid_online: true },
  }),
  // Still open, due after the period end: not overdue.
  G: facts({ received_at: d(25), clock_started_at: d(25), due_at: d(5, 4) }),
  // Refused at reception (clock never started); the citizen rated it "không hài lòng".
  H: facts({ received_at: d(5), closed_at: d(5), outcome: 'refused', rating: 'khong_hai_long' }),
  // Entirely in February: in no population.
  I: facts({ received_at: d(20, 2), clock_started_at: d(20, 2), due_at: d(25, 2), result_at: d(24, 2), closed_at: d(24, 2), outcome: 'approved', rating: 'hai_long' }),
  // Received in February, resolved late in March. Handling 6 days (Feb 2026 has 28 days).
  J: facts({
    channel: 2, received_at: d(25, 2), clock_started_at: d(25, 2), due_at: d(2), result_at: d(3), closed_at: d(3), outcome: 'approved',
    flags: { electronic_result: true },
  }),
  // A complaint answered on time.
  K: facts({ procedure_id: 'phan-anh-kien-nghi', is_feedback_case: true, received_at: d(2), clock_started_at: d(2), due_at: d(20), result_at: d(10), closed_at: d(10), outcome: 'answered' }),
  // A complaint answered late.
  L: facts({ procedure_id: 'phan-anh-kien-nghi', is_feedback_case: true, received_at: d(5), clock_started_at: d(5), due_at: d(23), result_at: d(25), closed_at: d(25), outcome: 'answered' }),
  // Withdrawn before the due date: closed, no result.
  M: facts({ channel: 2, received_at: d(16), clock_started_at: d(16), due_at: d(19), closed_at: d(18), outcome: 'withdrawn', flags: { vneid_authenticated: true } }),
};
