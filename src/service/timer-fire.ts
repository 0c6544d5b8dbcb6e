/**
 * Firing one durable timer, as one command. The timer row is the idempotency key: it is
 * re-read inside the transaction and fired only while still pending, so a timer attempted
 * twice (a sweeper that died after committing, two nodes) has its effect exactly once.
 */
import { SYSTEM_ACTOR } from '../auth/policy.js';
import { MotcuaError, isMotcuaError } from '../errors/index.js';
import { toDbTime, type CaseRow, type TimerRow, type Tx } from '../storage/index.js';
import { appendAudit } from './audit-append.js';
import { sendEventCommand } from './case-commands.js';
import { loadCaseRow } from './case-load.js';
import type { ServiceDeps } from './deps.js';

/** What firing did, for logs and tests. */
export type FireOutcome = 'fired' | 'skipped' | 'refused';

async function finish(tx: Tx, timer: TimerRow, status: 'fired' | 'cancelled'): Promise<void> {
  await tx.db.updateTable('timers').set({ status, claimed_until: null }).where('id', '=', timer.id).execute();
}

/** Records a deadline warning or miss: a transition record by `system` with no state change. */
async function recordDeadline(tx: Tx, deps: ServiceDeps, row: CaseRow, kind: 'deadline.warning' | 'deadline.missed', now: Date): Promise<void> {
  const at = toDbTime(now);
  const version = row.version + 1;
  const mark = kind === 'deadline.warning' ? { nearly_due_at: row.nearly_due_at ?? at } : { overdue_at: row.overdue_at ?? at };
  const updated = await tx.db.updateTable('cases').set({ ...mark, version, updated_at: at }).where('id', '=', row.id).where('version', '=', row.version).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new MotcuaError('versionConflict', 'The case changed while the deadline was recorded; the timer will be retried.');
  const state = row.state;
  await tx.db
    .insertInto('case_transitions')
    .values({ case_id: row.id, seq: version, event: kind, from_state: state, to_state: state, actor_id: SYSTEM_ACTOR.id, actor_role: 'system', unit_id: row.unit_id, input_digest: null, reason: null, comment: null, at, procedure_version: row.procedure_version, request_id: null })
    .execute();
  const active = JSON.parse(state) as string[];
  await appendAudit(tx, {
    time: at,
    actor: { id: SYSTEM_ACTOR.id, role: 'system' },
    unit: row.unit_id,
    case_id: row.id,
    procedure: `${row.procedure_id}@${row.procedure_version}`,
    event: kind,
    from: active,
    to: active,
    reason: null,
    request_id: null,
    input_digest: null,
    kind,
    details: { due_at: row.due_at },
  });
}

/** Fires the timer `id` if it is still pending and still meaningful. */
export async function fireTimerCommand(tx: Tx, deps: ServiceDeps, id: string): Promise<FireOutcome> {
  const timer = await tx.db.selectFrom('timers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!timer || timer.status !== 'pending') return 'skipped';
  const row = await loadCaseRow(tx, timer.case_id);
  if (!row || row.closed_at !== null) {
    await finish(tx, timer, 'cancelled');
    return 'skipped';
  }
  const now = deps.clock.now();
  if (timer.kind === 'after') {
    const active = JSON.parse(row.state) as string[];
    // The state that armed the timer was left (and the cancel was missed): firing must do nothing.
    if (!active.includes(timer.state)) {
      await finish(tx, timer, 'cancelled');
      return 'skipped';
    }
    try {
      await sendEventCommand(tx, deps, SYSTEM_ACTOR, row.id, { type: timer.event }, { requestId: `timer:${timer.id}`, system: true });
    } catch (e) {
      // A guard that refuses the system's event is a definition matter, not a crash: record and stop retrying.
      if (isMotcuaError(e) && (e.code === 'eventNotAllowed' || e.code === 'forbidden' || e.code === 'validationFailed')) {
        deps.log(`timer ${timer.id} (${timer.event} on case ${row.id}) refused: ${e.message}`);
        await finish(tx, timer, 'fired');
        return 'refused';
      }
      throw e;
    }
    await finish(tx, timer, 'fired');
    return 'fired';
  }
  if (row.paused_since !== null) {
    // The clock is paused: the deadline moves when it resumes, and new timers are armed then.
    await finish(tx, timer, 'cancelled');
    return 'skipped';
  }
  await recordDeadline(tx, deps, row, timer.kind === 'deadline.warning' ? 'deadline.warning' : 'deadline.missed', now);
  await finish(tx, timer, 'fired');
  return 'fired';
}
