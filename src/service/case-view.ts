/** A case row as clients see it. */
import { canActOnUnit, type Actor } from '../auth/policy.js';
import type { ProcedureDefinition } from '../definitions/schema.js';
import { availableEvents, type EngineSnapshot } from '../engine/index.js';
import type { CaseRow } from '../storage/index.js';

/** Labels of the national status codes (domain.md). */
export const STATUS_LABELS: Record<number, string> = {
  1: 'Mới đăng ký',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung giấy tờ',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân yêu cầu rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
};

export interface CaseView {
  id: string;
  code: string;
  procedure: { id: string; version: number; title: string };
  unit: { id: string; name: string };
  state: string;
  active_states: string[];
  status_code: number | null;
  status_label: string | null;
  version: number;
  channel: number;
  applicant: Record<string, unknown>;
  data: Record<string, unknown>;
  flags: Record<string, unknown>;
  received_at: string;
  clock_started_at: string | null;
  due_at: string | null;
  paused: boolean;
  paused_ms: number;
  supplement_count: number;
  nearly_due: boolean;
  overdue: boolean;
  apology: Record<string, unknown> | null;
  closed_at: string | null;
  outcome: string | null;
  created_at: string;
  updated_at: string;
  available_events: { type: string; title: string | null; to: string | null }[];
}

/** The top-level state of a snapshot value: the state name, or the compound/parallel parent. */
export function topState(snapshot: EngineSnapshot): string {
  return typeof snapshot.value === 'string' ? snapshot.value : (Object.keys(snapshot.value)[0] ?? '');
}

/**
 * Builds the view; `available_events` lists what this actor may send now (roles and unit only;
 * guards are checked on send): none for one who only reads here (auditors, admins elsewhere).
 */
export function caseView(row: CaseRow, def: ProcedureDefinition, unitName: string, actor: Actor | null, now: Date): CaseView {
  const snapshot = JSON.parse(row.snapshot) as EngineSnapshot;
  const due = row.due_at;
  const overdue = row.overdue_at !== null || (due !== null && row.closed_at === null && row.paused_since === null && new Date(due) <= now);
  const events = actor && row.closed_at === null && canActOnUnit(actor, row.unit_path) ? availableEvents(def, snapshot, { id: actor.id, roles: actor.roles }) : [];
  return {
    id: row.id,
    code: row.code,
    procedure: { id: row.procedure_id, version: row.procedure_version, title: def.title },
    unit: { id: row.unit_id, name: unitName },
    state: topState(snapshot),
    active_states: JSON.parse(row.state) as string[],
    status_code: row.status_code,
    status_label: row.status_code === null ? null : (STATUS_LABELS[row.status_code] ?? null),
    version: row.version,
    channel: row.channel,
    applicant: JSON.parse(row.applicant) as Record<string, unknown>,
    data: JSON.parse(row.data) as Record<string, unknown>,
    flags: JSON.parse(row.flags) as Record<string, unknown>,
    received_at: row.received_at,
    clock_started_at: row.clock_started_at,
    due_at: due,
    paused: row.paused_since !== null,
    paused_ms: row.paused_ms,
    supplement_count: row.supplement_count,
    nearly_due: row.nearly_due_at !== null,
    overdue,
    apology: row.apology === null ? null : (JSON.parse(row.apology) as Record<string, unknown>),
    closed_at: row.closed_at,
    outcome: row.outcome,
    created_at: row.created_at,
    updated_at: row.updated_at,
    available_events: events.map((e) => ({ type: e.type, title: e.title, to: e.to })),
  };
}
