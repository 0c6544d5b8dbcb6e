/**
 * Per-unit counters: the one pass over case facts that every indicator is computed from.
 *
 * Scoring a province means reading up to millions of cases, so the work is split in two: this
 * file turns facts into a handful of sums per unit in ONE pass (or the storage layer fills the
 * same sums with an SQL `GROUP BY unit_id`), and `metrics.ts` turns sums into indicators. Counters
 * of two batches, two shards or two child units simply add up ({@link mergeCounters}).
 *
 * Populations (all instants compared with the period [from, to), feedback cases excluded
 * except in the `feedback_*` counters):
 * - resolved (R): the result came in the period (`result_at` in [from, to)).
 * - handled (H): R, plus cases still without a result at the period end whose clock started
 *   before it (`clock_started_at` < to, no `result_at` and no `closed_at` before `to`).
 * - received (I): submitted in the period (`received_at` in [from, to)).
 * - closed (C): reached a final state in the period (`closed_at` in [from, to)).
 */
import type { CaseFacts, ReportPeriod } from './facts.js';

/** The sums one unit's indicators are computed from. Every field is a plain number. */
export interface UnitCounters {
  /** |R|: cases whose result came in the period. */
  resolved: number;
  /** Of R: result by `due_at` (or no due date) and at most one supplement request. */
  resolved_on_time: number;
  /** Of R: sum of handling times in working days (supplement pauses subtracted). */
  handling_days_sum: number;
  /** Of R: result issued electronically. */
  resolved_electronic_result: number;
  /** |H|: resolved in the period or still open at its end. */
  handled: number;
  /** Of H: `overdue`. */
  handled_overdue: number;
  /** Of H: rated "không hài lòng" or named by a complaint (each case counted once). */
  handled_dissatisfied: number;
  /** |I|: received in the period. */
  received: number;
  /** Of I: channel 2 (online). */
  received_online: number;
  /** Of I: applicant authenticated with VNeID. */
  received_vneid: number;
  /** Of I: population data reused. */
  received_data_reused: number;
  /** Of I: synchronised to the national portal. */
  received_synced: number;
  /** Of I: with a fee to pay. */
  received_fee_payable: number;
  /** Of I with a fee: paid online. */
  received_paid_online: number;
  /** |C|: closed in the period. */
  closed: number;
  /** Of C: rated at all. */
  closed_rated: number;
  /** Of C: rated "rất hài lòng". */
  closed_rated_rat_hai_long: number;
  /** Of C: rated "hài lòng". */
  closed_rated_hai_long: number;
  /** Of C: rated "không hài lòng". */
  closed_rated_khong_hai_long: number;
  /** Feedback cases (complaints) whose answer came in the period. */
  feedback_resolved: number;
  /** Of those: answered by `due_at`. */
  feedback_on_time: number;
}

/** The counter names, in a fixed order (column order for SQL and CSV). */
export const COUNTER_NAMES = [
  'resolved',
  'resolved_on_time',
  'handling_days_sum',
  'resolved_electronic_result',
  'handled',
  'handled_overdue',
  'handled_dissatisfied',
  'received',
  'received_online',
  'received_vneid',
  'received_data_reused',
  'received_synced',
  'received_fee_payable',
  'received_paid_online',
  'closed',
  'closed_rated',
  'closed_rated_rat_hai_long',
  'closed_rated_hai_long',
  'closed_rated_khong_hai_long',
  'feedback_resolved',
  'feedback_on_time',
] as const satisfies readonly (keyof UnitCounters)[];

/** Office time in one working day with the default hours (07:30–11:30, 13:30–17:00). */
export const DEFAULT_OFFICE_DAY_MS = 7.5 * 60 * 60 * 1000;

/** What the one pass needs besides the facts. */
export interface MetricContext {
  period: ReportPeriod;
  /**
   * Working days between two instants on the unit's calendar, e.g.
   * `calendar.workingDaysBetween` of src/calendar, or office time / office day for fractions.
   */
  workingDaysBetween: (a: Date, b: Date, unitId: string) => number;
  /** Office time of one working day in ms, to turn `paused_ms` into days. Default 7.5 h. */
  officeDayMs?: number;
}

/** Counters with every sum at zero. */
export function emptyCounters(): UnitCounters {
  return {
    resolved: 0,
    resolved_on_time: 0,
    handling_days_sum: 0,
    resolved_electronic_result: 0,
    handled: 0,
    handled_overdue: 0,
    handled_dissatisfied: 0,
    received: 0,
    received_online: 0,
    received_vneid: 0,
    received_data_reused: 0,
    received_synced: 0,
    received_fee_payable: 0,
    received_paid_online: 0,
    closed: 0,
    closed_rated: 0,
    closed_rated_rat_hai_long: 0,
    closed_rated_hai_long: 0,
    closed_rated_khong_hai_long: 0,
    feedback_resolved: 0,
    feedback_on_time: 0,
  };
}

/** Early or on time: result by the (pause-extended) due instant, and at most one supplement request. */
export function isOnTime(f: Pick<CaseFacts, 'due_at' | 'result_at' | 'supplement_count'>): boolean {
  if (f.supplement_count > 1) return false;
  if (f.due_at === null || f.result_at === null) return f.due_at === null;
  return f.result_at.getTime() <= f.due_at.getTime();
}

/**
 * Handling time of a resolved case in working days: from the clock start (or receipt) to the
 * result, less the supplement pauses; never below zero.
 */
export function handlingWorkingDays(f: CaseFacts, ctx: Pick<MetricContext, 'workingDaysBetween' | 'officeDayMs'>): number {
  if (f.result_at === null) return 0;
  const days = ctx.workingDaysBetween(f.clock_started_at ?? f.received_at, f.result_at, f.unit_id);
  return Math.max(0, days - f.paused_ms / (ctx.officeDayMs ?? DEFAULT_OFFICE_DAY_MS));
}

/** Adds one case to `c` (in place). */
export function addFacts(c: UnitCounters, f: CaseFacts, ctx: MetricContext): void {
  const from = ctx.period.from.getTime();
  const to = ctx.period.to.getTime();
  const result = f.result_at === null ? null : f.result_at.getTime();
  const isResolved = result !== null && result >= from && result < to;

  if (f.is_feedback_case) {
    if (isResolved) {
      c.feedback_resolved++;
      if (isOnTime(f)) c.feedback_on_time++;
    }
    return;
  }

  if (isResolved) {
    c.resolved++;
    if (isOnTime(f)) c.resolved_on_time++;
    c.handling_days_sum += handlingWorkingDays(f, ctx);
    if (f.flags.electronic_result) c.resolved_electronic_result++;
  }
  const closed = f.closed_at === null ? null : f.closed_at.getTime();
  const openAtEnd =
    f.clock_started_at !== null && f.clock_started_at.getTime() < to && (result === null || result >= to) && (closed === null || closed >= to);
  if (isResolved || openAtEnd) {
    c.handled++;
    if (f.overdue) c.handled_overdue++;
    if (f.rating === 'khong_hai_long' || f.has_complaint) c.handled_dissatisfied++;
  }

  const received = f.received_at.getTime();
  if (received >= from && received < to) {
    c.received++;
    if (f.channel === 2) c.received_online++;
    if (f.flags.vneid_authenticated) c.received_vneid++;
    if (f.flags.data_reused) c.received_data_reused++;
    if (f.flags.synced_to_portal) c.received_synced++;
    if (f.flags.fee_payable) {
      c.received_fee_payable++;
      if (f.flags.paid_online) c.received_paid_online++;
    }
  }

  if (closed !== null && closed >= from && closed < to) {
    c.closed++;
    if (f.rating !== null) {
      c.closed_rated++;
      if (f.rating === 'rat_hai_long') c.closed_rated_rat_hai_long++;
      else if (f.rating === 'hai_long') c.closed_rated_hai_long++;
      else c.closed_rated_khong_hai_long++;
    }
  }
}

/** Adds `from` into `into` (in place) and returns `into`. */
export function mergeCounters(into: UnitCounters, from: Readonly<UnitCounters>): UnitCounters {
  for (const name of COUNTER_NAMES) into[name] += from[name];
  return into;
}

/** Counters per key (a unit id by default), filled one case at a time. */
export interface Accumulator {
  /** Adds one case to the counters of its key. */
  add(f: CaseFacts): void;
  /** Adds another accumulator's counters (or counters read from storage), key by key. */
  merge(other: Accumulator | ReadonlyMap<string, Readonly<UnitCounters>>): void;
  /** The counters of one key; undefined when no case was added for it. */
  get(key: string): Readonly<UnitCounters> | undefined;
  /** Every key's counters (a copy). */
  byKey(): Map<string, UnitCounters>;
}

/**
 * Creates an accumulator. `keyOf` groups the counters: by unit (the default) for the scorecard,
 * or by procedure or officer for the satisfaction report.
 */
export function createAccumulator(ctx: MetricContext, keyOf: (f: CaseFacts) => string = (f) => f.unit_id): Accumulator {
  const map = new Map<string, UnitCounters>();
  const slot = (key: string): UnitCounters => {
    let c = map.get(key);
    if (c === undefined) {
      c = emptyCounters();
      map.set(key, c);
    }
    return c;
  };
  const accumulator: Accumulator = {
    add: (f) => addFacts(slot(keyOf(f)), f, ctx),
    merge: (other) => {
      const entries = other instanceof Map ? (other as ReadonlyMap<string, Readonly<UnitCounters>>) : (other as Accumulator).byKey();
      for (const [key, c] of entries) mergeCounters(slot(key), c);
    },
    get: (key) => map.get(key),
    byKey: () => new Map([...map].map(([key, c]) => [key, { ...c }])),
  };
  return accumulator;
}

/**
 * Counters of each unit's whole subtree: a unit's own counters plus those of all its
 * descendants, for scoring a province or a cluster as the sum of its communes.
 */
export function rollUpCounters(
  units: readonly { id: string; parentId: string | null }[],
  byUnit: ReadonlyMap<string, Readonly<UnitCounters>>,
): Map<string, UnitCounters> {
  const parentOf = new Map(units.map((u) => [u.id, u.parentId]));
  const out = new Map<string, UnitCounters>(units.map((u) => [u.id, emptyCounters()]));
  for (const [unitId, c] of byUnit) {
    const seen = new Set<string>();
    // `seen` stops a malformed tree with a cycle from looping forever.
    for (let id: string | null | undefined = unitId; id !== null && id !== undefined && !seen.has(id); id = parentOf.get(id)) {
      seen.add(id);
      const target = out.get(id);
      if (target !== undefined) mergeCounters(target, c);
    }
  }
  return out;
}
