/**
 * A stored case as the pure reports see it (`CaseFacts`). The SQL pass of
 * report-counters-sql.ts applies the same reading of the row in SQL; the tests compare the two
 * on the same rows, so this function is the written-out definition of what the SQL does.
 */
import { isOverdue, type CaseFacts, type ChannelCode, type RatingLevel } from '../reports/index.js';
import type { CaseRow } from '../storage/index.js';
import { FEEDBACK_PROCEDURE } from './report-counters-sql.js';

type FactsRow = Pick<
  CaseRow,
  | 'unit_id'
  | 'procedure_id'
  | 'channel'
  | 'received_at'
  | 'clock_started_at'
  | 'due_at'
  | 'apology'
  | 'closed_at'
  | 'result_at'
  | 'outcome'
  | 'supplement_count'
  | 'paused_ms'
  | 'flags'
>;

/**
 * The due instant timeliness is judged by: the statutory one. An apology moves `due_at` to a
 * new appointment, but the dossier was late all the same; `previous_due_at` was the promise.
 */
export function scoringDue(row: Pick<CaseRow, 'due_at' | 'apology'>): string | null {
  if (row.apology === null) return row.due_at;
  const apology = JSON.parse(row.apology) as { previous_due_at?: unknown };
  return typeof apology.previous_due_at === 'string' ? apology.previous_due_at : row.due_at;
}

/** The facts of one stored case, judged at the end of the period `periodEnd`. */
export function caseFactsFromRow(row: FactsRow, rating: RatingLevel | null, hasComplaint: boolean, periodEnd: Date): CaseFacts {
  const d = (v: string | null) => (v === null ? null : new Date(v));
  const flags = JSON.parse(row.flags) as Record<string, unknown>;
  const flag = (name: string) => flags[name] === true;
  const due = d(scoringDue(row));
  const result = d(row.result_at);
  const closed = d(row.closed_at);
  return {
    unit_id: row.unit_id,
    procedure_id: row.procedure_id,
    channel: row.channel as ChannelCode,
    received_at: new Date(row.received_at),
    clock_started_at: d(row.clock_started_at),
    due_at: due,
    closed_at: closed,
    result_at: result,
    delivered_at: row.outcome === 'approved' ? closed : null,
    outcome: row.outcome,
    supplement_count: row.supplement_count,
    paused_ms: row.paused_ms,
    overdue: isOverdue({ due_at: due, result_at: result, closed_at: closed }, periodEnd),
    flags: {
      vneid_authenticated: flag('vneid_authenticated'),
      data_reused: flag('data_reused'),
      electronic_result: flag('electronic_result'),
      synced_to_portal: flag('synced_to_portal'),
      fee_payable: flag('fee_payable'),
      paid_online: flag('paid_online'),
    },
    rating,
    has_complaint: hasComplaint,
    is_feedback_case: row.procedure_id === FEEDBACK_PROCEDURE,
  };
}
