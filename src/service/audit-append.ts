/**
 * Appending to the audit log inside the caller's transaction: read the head under the audit
 * lock, seal the entry (canonical bytes, leaf and chain hashes), insert it. Because the append
 * is part of the command's transaction, a rolled-back command leaves no entry and no gap.
 */
import { sealEntry, type AuditEntryDraft, type SealedEntry } from '../audit/entry.js';
import { GENESIS_CHAIN } from '../audit/hashing.js';
import { toDbTime, withAuditLock, type Tx } from '../storage/index.js';

/** Appends one entry after the current head; returns it sealed. */
export async function appendAudit(tx: Tx, draft: AuditEntryDraft): Promise<SealedEntry> {
  await withAuditLock(tx);
  const head = await tx.db.selectFrom('audit_entries').select(['seq', 'chain_hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const sealed = sealEntry(head ? { seq: head.seq, chain: Buffer.from(head.chain_hash, 'hex') } : { seq: 0, chain: GENESIS_CHAIN }, draft);
  const e = sealed.entry;
  await tx.db
    .insertInto('audit_entries')
    .values({
      seq: e.seq,
      bytes: sealed.text,
      leaf_hash: sealed.leaf.toString('hex'),
      chain_hash: sealed.chain.toString('hex'),
      created_at: toDbTime(new Date(e.time)),
      case_id: e.case_id,
      actor_id: e.actor.id,
      unit_id: e.unit,
      event: e.event,
    })
    .execute();
  return sealed;
}
