/**
 * The scorecard counters filled by SQL: one `GROUP BY unit_id` pass over the cases instead of
 * building a million `CaseFacts` in memory. Every condition below mirrors `addFacts` in
 * src/reports/counters.ts; test/service/report-counters.test.ts checks that both give the same
 * counters for the same cases, so a change to one without the other fails there.
 *
 * The pass reads each case once, in storage order, with no function call per row (in SQLite a
 * json_extract or unixepoch per row cost as much as reading the row; bench/reports.ts): the
 * flags come as bits (`flag_bits`), the handling time as the working days stored with the
 * result (`working_days_to_result`), the rating level from a covering index. Each case is
 * classified once (which populations it is in, on time, overdue, rating: the bits of `k`),
 * then counted per unit and class; the few dozen classes of a unit become its counters in
 * {@link addClass}, as addFacts would add each case. Two small queries complete it: cases
 * named by a complaint (driven from the few complaint links), and the handling time of old
 * cases that have no stored working days (from the calendar).
 */
import { sql, type RawBuilder } from 'kysely';
import type { WorkingCalendar } from '../calendar/index.js';
import { DEFAULT_OFFICE_DAY_MS, emptyCounters, type ReportPeriod, type UnitCounters } from '../reports/index.js';
import { CASE_FLAG_BITS } from '../storage/migrations/0003-satisfaction.js';
import { subtreeBounds, toDbTime, type Capabilities, type Tx } from '../storage/index.js';

/** The procedure whose cases are complaints (phản ánh, kiến nghị), not dossiers. */
export const FEEDBACK_PROCEDURE = 'phan-anh-kien-nghi';

/** What {@link countersBySql} needs. */
export interface SqlCountersQuery {
  period: ReportPeriod;
  /** The subtree reported on: its root's materialised path (`/ha-tinh/`) and every unit id in it. */
  unitPath: string;
  unitIds: readonly string[];
  /** How many units the whole tree has (to choose between an index range and a scan). */
  totalUnits: number;
  /** The working calendar of a unit, for cases whose working days were not stored. */
  calendarOf: (unitId: string) => WorkingCalendar;
  /** Office time of one working day in ms, to turn paused time into days; default 7.5 h. */
  officeDayMs?: number | undefined;
}

/**
 * The statutory due instant the scorecard judges by. An apology moves `due_at` to the new
 * appointment, but the dossier was late all the same: its `previous_due_at` was the promise.
 * Only rows with an apology pay for the JSON read.
 */
function scoringDue(caps: Capabilities): RawBuilder<string | null> {
  return caps.jsonType === 'jsonb'
    ? sql`(case when c.apology is null then c.due_at else coalesce((c.apology ->> 'previous_due_at')::timestamptz, c.due_at) end)`
    : sql`(case when c.apology is null then c.due_at else coalesce(json_extract(c.apology, '$.previous_due_at'), c.due_at) end)`;
}

/**
 * How the cases of the subtree are picked. A range on `unit_path` uses its index, then reads
 * each row at random: good for one commune of many, but for most of a province it reads every
 * page anyway, at random (several times slower than a plain scan in bench/reports.ts). So a
 * subtree holding a quarter of the units or more is filtered by unit id during one scan.
 */
function subtreeFilter(query: SqlCountersQuery): RawBuilder<unknown> {
  if (query.unitIds.length * 4 >= query.totalUnits) {
    return query.unitIds.length >= query.totalUnits ? sql`1 = 1` : sql`c.unit_id in (${sql.join(query.unitIds)})`;
  }
  const b = subtreeBounds(query.unitPath);
  return sql`c.unit_path >= ${b.from} and c.unit_path < ${b.to}`;
}

/** The SQL conditions of the populations, relative to the period (see counters.ts). */
function populations(caps: Capabilities, period: ReportPeriod) {
  const from = toDbTime(period.from);
  const to = toDbTime(period.to);
  const due = scoringDue(caps);
  const ended = sql`coalesce(c.result_at, c.closed_at)`;
  const resolved = sql`(c.result_at >= ${from} and c.result_at < ${to})`;
  const openAtEnd = sql`(c.clock_started_at < ${to} and (c.result_at is null or c.result_at >= ${to}) and (c.closed_at is null or c.closed_at >= ${to}))`;
  return {
    resolved,
    openAtEnd,
    handled: sql`(${resolved} or ${openAtEnd})`,
    received: sql`(c.received_at >= ${from} and c.received_at < ${to})`,
    closed: sql`(c.closed_at >= ${from} and c.closed_at < ${to})`,
    // isOnTime of counters.ts: at most one supplement request and the result by the due instant.
    onTime: sql`(c.supplement_count <= 1 and (${due} is null or c.result_at <= ${due}))`,
    // isOverdue of facts.ts, judged at the period end.
    overdue: sql`(${due} is not null and (case when ${ended} < ${to} then ${ended} > ${due} else ${due} < ${to} end))`,
    isFeedback: sql`c.procedure_id = ${FEEDBACK_PROCEDURE}`,
  };
}

/** Bits of the per-case class `k`: which populations the case is in, and its facts. */
const K = { resolved: 1, openAtEnd: 2, received: 4, closed: 8, onTime: 16, overdue: 32, feedback: 64, online: 128 } as const;
/** `k / LEVEL` is the rating: 0 none, 1 rất hài lòng, 2 hài lòng, 3 không hài lòng. */
const LEVEL = 256;
const LEVELS = [null, 'rat_hai_long', 'hai_long', 'khong_hai_long'] as const;

/**
 * Not a real limit: a LIMIT keeps SQLite from merging the per-case subquery into the GROUP BY
 * (where it would compute every condition again for each sum); PostgreSQL plans it the same.
 */
const NO_FLATTEN = sql.raw('limit 9223372036854775807');

/** One line of the grouped pass: cases of one unit and one class `k`. */
interface ClassRow {
  unit_id: string;
  k: number | string;
  n: number | string;
  days: number | string | null;
  without_days: number | string;
  vneid: number | string;
  reused: number | string;
  electronic: number | string;
  synced: number | string;
  fee: number | string;
  paid: number | string;
}

/** The per-unit counters of the cases of the period, by SQL. Units without cases are absent. */
export async function countersBySql(tx: Tx, query: SqlCountersQuery): Promise<Map<string, UnitCounters>> {
  const p = populations(tx.capabilities, query.period);
  const officeDayMs = query.officeDayMs ?? DEFAULT_OFFICE_DAY_MS;
  const inSubtree = subtreeFilter(query);
  const one = (when: RawBuilder<unknown>, weight: number) => sql`(case when ${when} then ${sql.lit(weight)} else 0 end)`;
  const flag = (name: keyof typeof CASE_FLAG_BITS) => sql`sum(case when (fb & ${sql.lit(CASE_FLAG_BITS[name])}) <> 0 then 1 else 0 end)`;
  const both = CASE_FLAG_BITS.fee_payable | CASE_FLAG_BITS.paid_online;

  // Each case is classified once (k), then counted per unit and class; the classes (a few
  // dozen per unit) are turned into counters below. Handling days: max(0, working days −
  // paused days) per case, as handlingWorkingDays does.
  const result = await sql<ClassRow>`
    select unit_id, k, count(*) as n,
      sum(case when days > 0 then days else 0 end) as days,
      sum(case when days is null then 1 else 0 end) as without_days,
      ${flag('vneid_authenticated')} as vneid,
      ${flag('data_reused')} as reused,
      ${flag('electronic_result')} as electronic,
      ${flag('synced_to_portal')} as synced,
      ${flag('fee_payable')} as fee,
      sum(case when (fb & ${sql.lit(both)}) = ${sql.lit(both)} then 1 else 0 end) as paid
    from (
      select c.unit_id as unit_id,
        ${one(p.resolved, K.resolved)} + ${one(p.openAtEnd, K.openAtEnd)} + ${one(p.received, K.received)} + ${one(p.closed, K.closed)}
          + ${one(p.onTime, K.onTime)} + ${one(p.overdue, K.overdue)} + ${one(p.isFeedback, K.feedback)} + ${one(sql`c.channel = 2`, K.online)}
          + (case r.level when 'rat_hai_long' then ${sql.lit(LEVEL)} when 'hai_long' then ${sql.lit(2 * LEVEL)} when 'khong_hai_long' then ${sql.lit(3 * LEVEL)} else 0 end) as k,
        (c.working_days_to_result - c.paused_ms * 1.0 / ${sql.lit(officeDayMs)}) as days,
        c.flag_bits as fb
      from cases c
      left join ratings r on r.case_id = c.id
      where ${inSubtree} and (${p.resolved} or ${p.received} or ${p.closed} or ${p.openAtEnd})
      ${NO_FLATTEN}
    ) x
    group by unit_id, k`.execute(tx.db);

  const out = new Map<string, UnitCounters>();
  let withoutDays = 0;
  for (const row of result.rows) {
    let c = out.get(row.unit_id);
    if (c === undefined) {
      c = emptyCounters();
      out.set(row.unit_id, c);
    }
    withoutDays += addClass(c, row);
  }
  // Handled dossiers named by a complaint and not already counted for a "không hài lòng" rating.
  const complained = await sql<{ unit_id: string; n: number }>`
    select c.unit_id as unit_id, count(*) as n
    from cases c
    left join ratings r on r.case_id = c.id
    where c.id in (select k.case_id from case_complaints k)
      and ${inSubtree} and not (${p.isFeedback}) and ${p.handled}
      and (r.level is null or r.level <> 'khong_hai_long')
    group by c.unit_id`.execute(tx.db);
  for (const row of complained.rows) {
    const c = out.get(String(row.unit_id));
    if (c !== undefined) c.handled_dissatisfied += Number(row.n);
  }

  if (withoutDays > 0) await addDaysFromCalendar(tx, query, out, p.resolved, p.isFeedback, inSubtree, officeDayMs);
  // A unit whose only cases were open complaints has nothing to count.
  for (const [unitId, c] of out) if (Object.values(c).every((v) => v === 0)) out.delete(unitId);
  return out;
}

/** Adds one class line to a unit's counters, as addFacts adds each of its cases; returns how many resolved dossiers lack stored working days. */
function addClass(c: UnitCounters, row: ClassRow): number {
  const k = Number(row.k);
  const n = Number(row.n);
  const level = LEVELS[Math.floor(k / LEVEL)] ?? null;
  const has = (bit: number) => (k & bit) !== 0;
  if (has(K.feedback)) {
    if (has(K.resolved)) {
      c.feedback_resolved += n;
      if (has(K.onTime)) c.feedback_on_time += n;
    }
    return 0;
  }
  let without = 0;
  if (has(K.resolved)) {
    c.resolved += n;
    if (has(K.onTime)) c.resolved_on_time += n;
    c.handling_days_sum += Number(row.days ?? 0);
    c.resolved_electronic_result += Number(row.electronic);
    without = Number(row.without_days);
  }
  if (has(K.resolved) || has(K.openAtEnd)) {
    c.handled += n;
    if (has(K.overdue)) c.handled_overdue += n;
    // Complaints are added by the second query, for cases not already counted here.
    if (level === 'khong_hai_long') c.handled_dissatisfied += n;
  }
  if (has(K.received)) {
    c.received += n;
    if (has(K.online)) c.received_online += n;
    c.received_vneid += Number(row.vneid);
    c.received_data_reused += Number(row.reused);
    c.received_synced += Number(row.synced);
    c.received_fee_payable += Number(row.fee);
    c.received_paid_online += Number(row.paid);
  }
  if (has(K.closed)) {
    c.closed += n;
    if (level !== null) {
      c.closed_rated += n;
      if (level === 'rat_hai_long') c.closed_rated_rat_hai_long += n;
      else if (level === 'hai_long') c.closed_rated_hai_long += n;
      else c.closed_rated_khong_hai_long += n;
    }
  }
  return without;
}

/**
 * Resolved dossiers without stored working days (results recorded before migration 0003, or
 * while the calendar lacked the year): counted from the calendar now, one row at a time. Rare,
 * so the extra scan only runs when the main pass found some.
 */
async function addDaysFromCalendar(
  tx: Tx,
  query: SqlCountersQuery,
  out: Map<string, UnitCounters>,
  resolved: RawBuilder<unknown>,
  isFeedback: RawBuilder<unknown>,
  inSubtree: RawBuilder<unknown>,
  officeDayMs: number,
): Promise<void> {
  const rows = await sql<{ unit_id: string; start: string | Date; result_at: string | Date; paused_ms: number }>`
    select c.unit_id as unit_id, coalesce(c.clock_started_at, c.received_at) as start, c.result_at as result_at, c.paused_ms as paused_ms
    from cases c
    where ${inSubtree} and not (${isFeedback}) and ${resolved} and c.working_days_to_result is null`.execute(tx.db);
  for (const row of rows.rows) {
    const c = out.get(row.unit_id);
    if (c === undefined) continue;
    // Throws calendarYearMissing naming the year to add, as the pure pass does.
    const days = query.calendarOf(row.unit_id).workingDaysBetween(new Date(row.start), new Date(row.result_at));
    c.handling_days_sum += Math.max(0, days - Number(row.paused_ms) / officeDayMs);
  }
}

