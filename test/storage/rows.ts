/**
 * Minimal valid rows for storage tests (the service builds real ones).
 */
import type { NewCase, NewTimer, Tx, UnitsTable } from '../../src/storage/index.js';
import { toDbTime } from '../../src/storage/index.js';

export const t0 = new Date('2025-11-28T02:00:00.000Z');

/** Inserts units given as paths ('/ha-tinh/', '/ha-tinh/xa-a/'); parents first. */
export async function insertUnits(tx: Tx, paths: string[]): Promise<void> {
  for (const path of paths) {
    const parts = path.split('/').filter(Boolean);
    const id = parts[parts.length - 1] ?? '';
    const unit: UnitsTable = {
      id,
      parent_id: parts.length > 1 ? (parts[parts.length - 2] ?? null) : null,
      name: id,
      level: parts.length === 1 ? 'province' : 'commune',
      code: id.toUpperCase(),
      path,
    };
    await tx.db.insertInto('units').values(unit).execute();
  }
}

/** Inserts version 1 of a procedure. */
export async function insertProcedure(tx: Tx, procedureId = 'tam-tru'): Promise<void> {
  await tx.db
    .insertInto('procedure_versions')
    .values({
      procedure_id: procedureId,
      version: 1,
      source: 'id: tam-tru',
      definition: '{"id":"tam-tru"}',
      effective_from: '2025-07-01',
      published_at: toDbTime(t0),
      published_by: 'admin',
      source_sha256: '0'.repeat(64),
    })
    .execute();
}

/** A case row of unit `unitId` at `unitPath`. */
export function caseRow(id: string, unitId: string, unitPath: string, createdAt: Date = t0): NewCase {
  const at = toDbTime(createdAt);
  return {
    id,
    code: `C-${id}`,
    procedure_id: 'tam-tru',
    procedure_version: 1,
    unit_id: unitId,
    unit_path: unitPath,
    state: '["received"]',
    snapshot: '{"value":"received"}',
    status_code: 2,
    version: 1,
    applicant: '{}',
    data: '{}',
    channel: 1,
    received_at: at,
    clock_started_at: null,
    due_at: null,
    paused_since: null,
    nearly_due_at: null,
    overdue_at: null,
    closed_at: null,
    outcome: null,
    pin_hash: null,
    apology: null,
    created_by: 'u1',
    created_at: at,
    updated_at: at,
  };
}

/** A pending timer of `caseId` due at `dueAt`. */
export function timerRow(id: string, caseId: string, dueAt: Date): NewTimer {
  return {
    id,
    case_id: caseId,
    kind: 'after',
    event: 'EXPIRE',
    state: 'awaiting_supplement',
    due_at: toDbTime(dueAt),
    status: 'pending',
    claimed_until: null,
    created_at: toDbTime(t0),
  };
}
