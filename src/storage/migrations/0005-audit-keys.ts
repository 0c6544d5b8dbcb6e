/**
 * What the audit log needs beyond its entries: each checkpoint keeps the Merkle frontier of its
 * size (so the next checkpoint hashes only the leaves added since, and a restart re-reads
 * nothing) and the id of the key that signed it; `audit_keys` lists every signing key the log
 * has used, oldest first, so the verifier can be given all of them after a rotation.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { advisoryLockKeys } from '../audit-lock.js';
import type { Capabilities } from '../capabilities.js';
import { columnKit } from './columns.js';

/** The migration for a dialect. */
export function auditKeys(caps: Capabilities): Migration {
  const k = columnKit(caps);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      // JSON array of the frontier's subtree roots (hex, largest subtree first); null on rows
      // written before this migration, which are then re-hashed from their leaves once.
      await s.alterTable('audit_checkpoints').addColumn(...k.text('frontier', false)).execute();
      await s.alterTable('audit_checkpoints').addColumn(...k.text('key_id', false)).execute();

      await s
        .createTable('audit_keys')
        .addColumn(...k.autoId('id'))
        .addColumn(...k.text('key_id'))
        .addColumn(...k.text('origin'))
        .addColumn(...k.text('public_key'))
        .addColumn(...k.time('added_at'))
        .execute();

      // "Who did what" is the auditor's first question; the entry filters by actor use this.
      await s.createIndex('audit_entries_actor_ix').on('audit_entries').columns(['actor_id', 'seq']).execute();

      if (caps.supportsAdvisoryLocks) {
        // The audit lock and the head of the log in one round trip (each append needs both).
        // VOLATILE: its query takes a fresh snapshot after the lock is granted, so it sees every
        // append committed while it waited; a single statement would read with a snapshot taken
        // before it waited, and two appenders would pick the same seq.
        await sql`
          create function motcua_audit_head(out head_seq bigint, out head_chain text) returns setof record
          language plpgsql volatile as $$
          begin
            perform pg_advisory_xact_lock(${sql.lit(advisoryLockKeys.space)}::int4, ${sql.lit(advisoryLockKeys.auditLog)}::int4);
            return query select e.seq, e.chain_hash from audit_entries e order by e.seq desc limit 1;
          end
          $$`.execute(db);
      }

      // Append-only, like the other log tables (0002): a replaced key would orphan its checkpoints.
      if (caps.triggerStyle === 'plpgsql') {
        await sql`create trigger audit_keys_append_only before update or delete on audit_keys
                  for each row execute function motcua_reject_change()`.execute(db);
        await sql`create trigger audit_keys_no_truncate before truncate on audit_keys
                  for each statement execute function motcua_reject_change()`.execute(db);
        return;
      }
      for (const op of ['update', 'delete'] as const) {
        const message = `audit_keys is append-only: ${op.toUpperCase()} rejected`;
        await sql`create trigger ${sql.id(`audit_keys_no_${op}`)} before ${sql.raw(op)} on audit_keys
                  begin select raise(abort, ${sql.lit(message)}); end`.execute(db);
      }
    },
  };
}
