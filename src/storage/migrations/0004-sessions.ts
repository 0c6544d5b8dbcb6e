/**
 * Web sessions, kept in the database so any node behind a load balancer can serve any request
 * (an in-memory map would sign people out whenever the balancer picks another node). Only the
 * SHA-256 of the session id is stored: a copy of the table does not let anyone sign in.
 */
import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../capabilities.js';
import { columnKit } from './columns.js';

/** The migration for a dialect. */
export function webSessions(caps: Capabilities): Migration {
  const k = columnKit(caps);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('web_sessions')
        .addColumn(...k.text('id_hash'))
        .addColumn(...k.text('user_id'))
        .addColumn(...k.text('csrf_token'))
        .addColumn(...k.time('created_at'))
        .addColumn(...k.time('expires_at'))
        .addPrimaryKeyConstraint('web_sessions_pk', ['id_hash'])
        .addForeignKeyConstraint('web_sessions_user_fk', ['user_id'], 'users', ['id'])
        .execute();
      // Sign-out everywhere (a disabled user) and the sweep of expired sessions.
      await db.schema.createIndex('web_sessions_user_ix').on('web_sessions').column('user_id').execute();
      await db.schema.createIndex('web_sessions_expires_ix').on('web_sessions').column('expires_at').execute();
    },
  };
}
