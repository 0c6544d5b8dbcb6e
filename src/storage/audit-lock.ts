/**
 * Serializing audit appends. The log's `seq` is gap-free and each entry hashes the previous
 * one, so two transactions must never read the same head and append after it.
 */
import { sql } from 'kysely';
import type { Tx } from './store.js';

/** Advisory-lock key space of motcua ('motc'), and the key of the audit log within it. */
export const advisoryLockKeys = { space: 0x6d6f7463, auditLog: 1 } as const;

/**
 * Takes the audit-log lock for the rest of the transaction; call it before reading the log's
 * head. PostgreSQL: `pg_advisory_xact_lock`, released by COMMIT or ROLLBACK, so appends from
 * every node queue up one at a time. SQLite: nothing to do; there is one writer process and
 * its commands run one after another.
 */
export async function withAuditLock(tx: Tx): Promise<void> {
  if (!tx.capabilities.supportsAdvisoryLocks) return;
  await sql`select pg_advisory_xact_lock(${advisoryLockKeys.space}::int4, ${advisoryLockKeys.auditLog}::int4)`.execute(tx.db);
}
