/**
 * Claiming due timers. Several sweepers (one per node on PostgreSQL) may run at once; each
 * claim is a lease (`claimed_until`) so a sweeper that dies mid-way does not strand its timers:
 * once the lease ends, another sweeper claims them again (at-least-once attempts; the service
 * makes the effect exactly-once with the timer id as idempotency key).
 */
import type { TimerRow } from './schema.js';
import type { Tx } from './store.js';
import { toDbTime } from './values.js';

/**
 * Claims up to `limit` pending timers due at `now` and not leased by someone else: sets their
 * lease to `now + leaseMs` and counts the attempt. Returns the claimed rows, earliest due first.
 * On PostgreSQL rows locked by a concurrent claimer are skipped (`FOR UPDATE SKIP LOCKED`), so
 * two sweepers never get the same timer and never wait on each other.
 */
export async function claimDueTimers(tx: Tx, now: Date, limit: number, leaseMs: number): Promise<TimerRow[]> {
  const at = toDbTime(now);
  const until = toDbTime(new Date(now.getTime() + leaseMs));
  const rows = await tx.db
    .with('due', (db) =>
      db
        .selectFrom('timers')
        .select('id')
        .where('status', '=', 'pending')
        .where('due_at', '<=', at)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', at)]))
        .orderBy('due_at')
        .orderBy('id')
        .limit(limit)
        .$if(tx.capabilities.supportsSkipLocked, (qb) => qb.forUpdate().skipLocked()),
    )
    .updateTable('timers')
    .set((eb) => ({ claimed_until: until, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
    .returningAll()
    .execute();
  // RETURNING gives no order; the sweeper fires in due order.
  return rows.sort((a, b) => (a.due_at < b.due_at ? -1 : a.due_at > b.due_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
