/**
 * Citizen satisfaction by unit, procedure or receiving officer: the ratings of the dossiers
 * closed in the period (the scorecard's population C, so the counts match its rating
 * participation), one SQL `GROUP BY`.
 */
import { sql } from 'kysely';
import { subtreeBounds, toDbTime, type Tx } from '../storage/index.js';
import type { ReportPeriod } from '../reports/index.js';
import { FEEDBACK_PROCEDURE } from './report-counters-sql.js';

/** What the satisfaction report groups by. */
export const SATISFACTION_GROUPINGS = ['unit', 'procedure', 'officer'] as const;
export type SatisfactionGrouping = (typeof SATISFACTION_GROUPINGS)[number];

/** One line of the satisfaction report. */
export interface SatisfactionRow {
  /** Unit id, procedure id or officer (user) id; `total` on the total line. */
  key: string;
  label: string;
  /** Dossiers closed in the period. */
  closed: number;
  /** Of those, rated by the citizen. */
  rated: number;
  rat_hai_long: number;
  hai_long: number;
  khong_hai_long: number;
  /** rated ÷ closed; null when nothing closed. */
  participation: number | null;
  /** (rất hài lòng + hài lòng) ÷ rated; null when nothing was rated. */
  satisfied_rate: number | null;
}

function line(key: string, label: string, n: { closed: number; rat_hai_long: number; hai_long: number; khong_hai_long: number }): SatisfactionRow {
  const rated = n.rat_hai_long + n.hai_long + n.khong_hai_long;
  return {
    key,
    label,
    closed: n.closed,
    rated,
    rat_hai_long: n.rat_hai_long,
    hai_long: n.hai_long,
    khong_hai_long: n.khong_hai_long,
    participation: n.closed === 0 ? null : rated / n.closed,
    satisfied_rate: rated === 0 ? null : (n.rat_hai_long + n.hai_long) / rated,
  };
}

/** The lines (largest first) and their total. */
export async function satisfactionBySql(
  tx: Tx,
  q: { period: ReportPeriod; unitPath: string; by: SatisfactionGrouping },
): Promise<{ items: SatisfactionRow[]; total: SatisfactionRow }> {
  const b = subtreeBounds(q.unitPath);
  const key = q.by === 'unit' ? sql`c.unit_id` : q.by === 'procedure' ? sql`c.procedure_id` : sql`c.created_by`;
  const result = await sql<{ key: string; label: string | null; closed: number; rat_hai_long: number; hai_long: number; khong_hai_long: number }>`
    select ${key} as key, max(u.name) as label, count(*) as closed,
      sum(case when r.level = 'rat_hai_long' then 1 else 0 end) as rat_hai_long,
      sum(case when r.level = 'hai_long' then 1 else 0 end) as hai_long,
      sum(case when r.level = 'khong_hai_long' then 1 else 0 end) as khong_hai_long
    from cases c
    left join ratings r on r.case_id = c.id
    left join users u on u.id = c.created_by
    where c.closed_at >= ${toDbTime(q.period.from)} and c.closed_at < ${toDbTime(q.period.to)}
      and c.unit_path >= ${b.from} and c.unit_path < ${b.to}
      and c.procedure_id <> ${FEEDBACK_PROCEDURE}
    group by ${key}`.execute(tx.db);
  const sum = { closed: 0, rat_hai_long: 0, hai_long: 0, khong_hai_long: 0 };
  const items = result.rows.map((r) => {
    const n = { closed: Number(r.closed), rat_hai_long: Number(r.rat_hai_long), hai_long: Number(r.hai_long), khong_hai_long: Number(r.khong_hai_long) };
    sum.closed += n.closed;
    sum.rat_hai_long += n.rat_hai_long;
    sum.hai_long += n.hai_long;
    sum.khong_hai_long += n.khong_hai_long;
    return line(String(r.key), q.by === 'officer' ? (r.label ?? String(r.key)) : String(r.key), n);
  });
  items.sort((a, b2) => b2.closed - a.closed || a.key.localeCompare(b2.key));
  return { items, total: line('total', 'Tổng cộng', sum) };
}
