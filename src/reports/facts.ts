/**
 * The facts about one case that the reports read: a flat, plain record the storage layer builds
 * from a case row (or an SQL query fills the counters from directly). Nothing personal is here:
 * the scorecard never needs to know who the citizen is.
 */

/** National channel codes: 1 in person, 2 online, 3 public postal service (domain.md). */
export const CHANNELS = { inPerson: 1, online: 2, postal: 3 } as const;
export type ChannelCode = (typeof CHANNELS)[keyof typeof CHANNELS];

/** The citizen's overall rating of a case (issue 6): Rất hài lòng / Hài lòng / Không hài lòng. */
export const RATING_LEVELS = ['rat_hai_long', 'hai_long', 'khong_hai_long'] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

/** Vietnamese labels of the rating levels, as shown to citizens. */
export const RATING_LABELS: Readonly<Record<RatingLevel, string>> = {
  rat_hai_long: 'Rất hài lòng',
  hai_long: 'Hài lòng',
  khong_hai_long: 'Không hài lòng',
};

/** The yes/no facts the scorecard needs (Đề án 06 and the online-service indicators). */
export interface CaseFlags {
  /** The applicant authenticated with VNeID. */
  vneid_authenticated: boolean;
  /** Data was taken from the population database instead of asking for papers. */
  data_reused: boolean;
  /** The result was issued electronically (kết quả điện tử). */
  electronic_result: boolean;
  /** The dossier was synchronised to the national public-service portal. */
  synced_to_portal: boolean;
  /** The case has a fee or charge to pay; the denominator of the online-payment share. */
  fee_payable: boolean;
  /** The fee was paid online. Only counted when `fee_payable` is true. */
  paid_online: boolean;
}

/**
 * One case as the reports see it. Instants are `Date`s; `null` means "has not happened".
 * A case of the complaints procedure (`is_feedback_case`) is not a dossier: it is left out of
 * every dossier indicator and counted only by `complaint_on_time`.
 */
export interface CaseFacts {
  unit_id: string;
  procedure_id: string;
  channel: ChannelCode;
  /** When the dossier was submitted or brought to the desk. */
  received_at: Date;
  /** When the dossier was received complete (the statutory clock started); null if never. */
  clock_started_at: Date | null;
  /** The statutory due instant, already moved later by every supplement pause; null when the clock never started. */
  due_at: Date | null;
  /** When the case reached a final state; null while open. */
  closed_at: Date | null;
  /** When the result was ready (status 9, or a final state with a result, e.g. `answered`); null when there is none. */
  result_at: Date | null;
  /** When the result was handed to the citizen (status 10); null if not yet. */
  delivered_at: Date | null;
  /** The final state's outcome (approved, refused, withdrawn, stopped, answered, completed); null while open. */
  outcome: string | null;
  /** How many times a supplement was requested. More than one makes the case count as late. */
  supplement_count: number;
  /** Office time spent waiting for supplements, in milliseconds (the paused statutory clock). */
  paused_ms: number;
  /**
   * Late relative to the end of the report period: the result (or the closing, when there is no
   * result) came after `due_at`, or the case was still running at the period end with `due_at`
   * passed. Build it with {@link isOverdue}.
   */
  overdue: boolean;
  flags: CaseFlags;
  /** The citizen's rating, or null when the case was not rated. */
  rating: RatingLevel | null;
  /** A complaint (phản ánh, kiến nghị) names this case. */
  has_complaint: boolean;
  /** This case IS a complaint: a case of the complaints procedure (phan-anh-kien-nghi). */
  is_feedback_case: boolean;
}

/** A report period: the instants `from` (included) to `to` (excluded). */
export interface ReportPeriod {
  from: Date;
  to: Date;
}

/**
 * The overdue rule, relative to the end of the report period. The case "ends" at its result, or
 * at its closing when it closed without one (withdrawn, stopped). A case that ended before
 * `periodEnd` is overdue when it ended after `due_at`; a case still running at `periodEnd` is
 * overdue when `due_at` is before `periodEnd`. No `due_at` (the clock never started): never
 * overdue. The SQL that fills counters must apply the same rule.
 */
export function isOverdue(f: Pick<CaseFacts, 'due_at' | 'result_at' | 'closed_at'>, periodEnd: Date): boolean {
  if (f.due_at === null) return false;
  const due = f.due_at.getTime();
  const end = periodEnd.getTime();
  const ended = f.result_at ?? f.closed_at;
  if (ended !== null && ended.getTime() < end) return ended.getTime() > due;
  return due < end;
}
