/**
 * Triggers that make the log tables append-only in the database itself: UPDATE and DELETE
 * (and TRUNCATE on PostgreSQL) fail. Defence in depth for the audit trail; the hash chain is
 * the guarantee, since whoever owns the database can drop a trigger.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../capabilities.js';

/** Tables whose rows, once written, never change. */
export const appendOnlyTables = ['audit_entries', 'audit_checkpoints', 'access_records'] as const;

/** The migration for a dialect. */
export function appendOnlyTriggers(caps: Capabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (caps.triggerStyle === 'plpgsql') {
        await sql`
          create or replace function motcua_reject_change() returns trigger language plpgsql as $$
          begin
            raise exception '% is append-only: % rejected', tg_table_name, tg_op
              using hint = 'audit records are never changed or removed; append a correcting entry instead';
          end
          $$`.execute(db);
        for (const table of appendOnlyTables) {
          await sql`create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(table)}
                    for each row execute function motcua_reject_change()`.execute(db);
          await sql`create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
                    for each statement execute function motcua_reject_change()`.execute(db);
        }
        return;
      }
      for (const table of appendOnlyTables) {
        for (const op of ['update', 'delete'] as const) {
          const message = `${table} is append-only: ${op.toUpperCase()} rejected`;
          await sql`create trigger ${sql.id(`${table}_no_${op}`)} before ${sql.raw(op)} on ${sql.table(table)}
                    begin select raise(abort, ${sql.lit(message)}); end`.execute(db);
        }
      }
    },
  };
}
