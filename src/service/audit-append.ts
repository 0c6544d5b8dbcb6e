/**
 * Appending to the audit log inside the caller's transaction: read the head under the audit
 * lock, seal the entry (canonical bytes, leaf and chain hashes), insert it. Because the append
 * is part of the command's transaction, a rolled-back command leaves no entry and no gap.
 */
import { sql } from 'kysely';
import { sealEntry, type AuditEntryDraft, type SealedEntry } from '../audit/entry.js';
import { GENESIS_CHAIN } from '../audit/hashing.js';
import { personalHint } from '../audit/personal.js';
import { preparedInsert, toDbTime, withAuditLock, type AuditEntriesTable, type AuditHead, type Tx } from '../storage/index.js';

/** Every column of an audit row, in one order: the insert is built once. */
const AUDIT_COLUMNS = ['seq', 'bytes', 'leaf_hash', 'chain_hash', 'created_at', 'case_id', 'actor_id', 'unit_id', 'event'] as const satisfies readonly (keyof AuditEntriesTable)[];

/**
 * A free-text reason as the log keeps it: runs of 9 or more digits (ID numbers, phone numbers an
 * officer typed in, their groups apart by spaces, dots, dashes, slashes or brackets) become
 * masked hints, since hashed bytes can never be erased. Names cannot be told from other words;
 * officers are asked not to write them in reasons (docs/audit.md).
 */
export function auditReason(reason: string | null): string | null {
  return reason === null
    ? null
    : reason.replace(/(?<![0-9])\+?[0-9][0-9 .\-/()]{7,}[0-9](?![0-9])/g, (run) => {
        // Dates (12/03/2026, 01.12.2025 - 05.12.2025) are not identifiers: they stay readable.
        if (run.replace(DATE, ' ').replace(/\D/g, '').length < 9) return run;
        return personalHint(run.replace(/\D/g, ''));
      });
}

/** A day-month-year date as officers write one. */
const DATE = /(?<![0-9])[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}(?![0-9])/g;

/**
 * Takes the audit lock and reads the head (unless the store remembers it). Where advisory locks exist (PostgreSQL) both happen
 * in one round trip, through motcua_audit_head() (migration 0005), which is a third of an
 * append's round trips; elsewhere the lock is a no-op and the head one query.
 */
async function lockedHead(tx: Tx): Promise<AuditHead | undefined> {
  const remembered = tx.auditHead?.get();
  if (remembered !== undefined) return remembered;
  if (tx.capabilities.supportsAdvisoryLocks) {
    const { rows } = await sql<{ head_seq: number | null; head_chain: string | null }>`select head_seq, head_chain from motcua_audit_head()`.execute(tx.db);
    const row = rows[0];
    return row && row.head_seq !== null && row.head_chain !== null ? { seq: Number(row.head_seq), chain_hash: row.head_chain } : undefined;
  }
  await withAuditLock(tx);
  return tx.db.selectFrom('audit_entries').select(['seq', 'chain_hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** Appends one entry after the current head; returns it sealed. */
export async function appendAudit(tx: Tx, given: AuditEntryDraft): Promise<SealedEntry> {
  const draft = given.reason === null ? given : { ...given, reason: auditReason(given.reason) };
  const head = await lockedHead(tx);
  const sealed = sealEntry(head ? { seq: head.seq, chain: Buffer.from(head.chain_hash, 'hex') } : { seq: 0, chain: GENESIS_CHAIN }, draft);
  const e = sealed.entry;
  const row: AuditEntriesTable = {
    seq: e.seq,
    bytes: sealed.text,
    leaf_hash: sealed.leaf.toString('hex'),
    chain_hash: sealed.chain.toString('hex'),
    created_at: toDbTime(new Date(e.time)),
    case_id: e.case_id,
    actor_id: e.actor.id,
    unit_id: e.unit,
    event: e.event,
  };
  await preparedInsert(tx, 'audit_entries', AUDIT_COLUMNS, row);
  tx.auditHead?.set({ seq: e.seq, chain_hash: sealed.chain.toString('hex') });
  return sealed;
}
