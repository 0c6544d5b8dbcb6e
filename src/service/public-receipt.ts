/**
 * The receipt (giấy tiếp nhận và hẹn trả kết quả) as data: what the printed page needs. Officers
 * of the case's subtree and auditors read it; outside, the case does not exist (404). The PIN is
 * not here: only its keyed hash is stored, and it is shown once, in the reply that opened the case.
 */
import type { Actor } from '../auth/policy.js';
import { visibleCase } from './case-queries.js';
import type { ServiceDeps } from './deps.js';

export interface CaseReceipt {
  code: string;
  procedure: { id: string; version: number; title: string; code: string | null };
  received_at: string;
  due_at: string | null;
  unit: { id: string; name: string };
  /** The officer who received the dossier. */
  officer: { id: string; name: string };
  applicant: { name: string };
  /** 1 in person, 2 online, 3 public postal service. */
  channel: number;
  /** Where the citizen follows the dossier with the code and the PIN of the receipt. */
  lookup_path: string;
}

/** The receipt of a case the actor may see; `caseNotFound` otherwise. */
export async function caseReceipt(deps: ServiceDeps, actor: Actor, id: string): Promise<CaseReceipt> {
  return deps.store.read(async (tx) => {
    const row = await visibleCase(tx, actor, id);
    const officer = await tx.db.selectFrom('users').select('name').where('id', '=', row.created_by).executeTakeFirst();
    const def = deps.registry.find(row.procedure_id, row.procedure_version)?.definition;
    const applicant = JSON.parse(row.applicant) as { name?: unknown };
    return {
      code: row.code,
      procedure: { id: row.procedure_id, version: row.procedure_version, title: def?.title ?? row.procedure_id, code: def?.code ?? null },
      received_at: row.received_at,
      due_at: row.due_at,
      unit: { id: row.unit_id, name: deps.units.get(row.unit_id)?.name ?? row.unit_id },
      officer: { id: row.created_by, name: officer?.name ?? row.created_by },
      applicant: { name: typeof applicant.name === 'string' ? applicant.name : '' },
      channel: row.channel,
      lookup_path: `/api/v1/public/cases/${encodeURIComponent(row.code)}`,
    };
  });
}
