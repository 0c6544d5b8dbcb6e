/**
 * Timer rows follow the case: armed in the same transaction as the state change that needs
 * them, cancelled when that state is left, so a timer can never outlive its reason.
 */
import { randomBytes } from 'node:crypto';
import { toDbTime, type Tx } from '../storage/index.js';
import type { ClockChange } from './deadline-effects.js';

/** Applies the timer part of a clock change. */
export async function writeTimers(tx: Tx, caseId: string, change: Omit<ClockChange, 'clock'>, now: Date): Promise<void> {
  const pending = () => tx.db.updateTable('timers').set({ status: 'cancelled' }).where('case_id', '=', caseId).where('status', '=', 'pending');
  if (change.cancelAll) {
    await pending().execute();
    return;
  }
  for (const c of change.cancel) {
    await pending().where('kind', '=', 'after').where('state', '=', c.state).where('event', '=', c.event).execute();
  }
  if (change.cancelDeadlineTimers) {
    await pending().where('kind', 'in', ['deadline.warning', 'deadline.due']).execute();
  }
  if (change.arm.length === 0) return;
  const created = toDbTime(now);
  await tx.db
    .insertInto('timers')
    .values(
      change.arm.map((t) => ({
        id: randomBytes(12).toString('base64url'),
        case_id: caseId,
        kind: t.kind,
        event: t.event,
        state: t.state,
        due_at: toDbTime(t.dueAt),
        status: 'pending' as const,
        claimed_until: null,
        created_at: created,
      })),
    )
    .execute();
}
