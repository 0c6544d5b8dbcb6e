/**
 * The first schema: units, users and tokens, procedure versions, cases with their transition
 * history and timers, idempotency keys, the audit log, access records and case-code counters.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../capabilities.js';
import { TimerKinds, TimerStatuses } from '../schema.js';
import { columnKit } from './columns.js';

/** The migration for a dialect. */
export function initialSchema(caps: Capabilities): Migration {
  const k = columnKit(caps);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;

      await s
        .createTable('units')
        .addColumn(...k.text('id'))
        .addColumn(...k.text('parent_id', false))
        .addColumn(...k.text('name'))
        .addColumn(...k.text('level'))
        .addColumn(...k.text('code'))
        .addColumn(...k.path('path'))
        .addPrimaryKeyConstraint('units_pk', ['id'])
        .addForeignKeyConstraint('units_parent_fk', ['parent_id'], 'units', ['id'])
        .execute();
      await s.createIndex('units_path_uq').unique().on('units').column('path').execute();
      await s.createIndex('units_code_uq').unique().on('units').column('code').execute();
      await s.createIndex('units_parent_ix').on('units').column('parent_id').execute();

      await s
        .createTable('users')
        .addColumn(...k.text('id'))
        .addColumn(...k.text('name'))
        .addColumn(...k.text('unit_id'))
        .addColumn(...k.json('roles'))
        .addColumn(...k.time('disabled_at', false))
        .addColumn(...k.time('created_at'))
        .addPrimaryKeyConstraint('users_pk', ['id'])
        .addForeignKeyConstraint('users_unit_fk', ['unit_id'], 'units', ['id'])
        .execute();
      await s.createIndex('users_unit_ix').on('users').column('unit_id').execute();

      await s
        .createTable('api_tokens')
        .addColumn(...k.text('token_hash'))
        .addColumn(...k.text('user_id'))
        .addColumn(...k.time('created_at'))
        .addColumn(...k.time('revoked_at', false))
        .addPrimaryKeyConstraint('api_tokens_pk', ['token_hash'])
        .addForeignKeyConstraint('api_tokens_user_fk', ['user_id'], 'users', ['id'])
        .execute();
      await s.createIndex('api_tokens_user_ix').on('api_tokens').column('user_id').execute();

      await s
        .createTable('procedure_versions')
        .addColumn(...k.text('procedure_id'))
        .addColumn(...k.int('version'))
        .addColumn(...k.text('source'))
        .addColumn(...k.json('definition'))
        .addColumn(...k.date('effective_from', false))
        .addColumn(...k.time('published_at'))
        .addColumn(...k.text('published_by'))
        .addColumn(...k.text('source_sha256'))
        .addPrimaryKeyConstraint('procedure_versions_pk', ['procedure_id', 'version'])
        .execute();

      await s
        .createTable('cases')
        .addColumn(...k.text('id'))
        .addColumn(...k.text('code'))
        .addColumn(...k.text('procedure_id'))
        .addColumn(...k.int('procedure_version'))
        .addColumn(...k.text('unit_id'))
        .addColumn(...k.path('unit_path'))
        .addColumn(...k.json('state'))
        .addColumn(...k.json('snapshot'))
        .addColumn(...k.int('status_code', false))
        .addColumn(...k.int('version'))
        .addColumn(...k.json('applicant'))
        .addColumn(...k.json('data'))
        .addColumn(...k.int('channel'))
        .addColumn(...k.time('received_at'))
        .addColumn(...k.time('clock_started_at', false))
        .addColumn(...k.time('due_at', false))
        .addColumn(...k.time('paused_since', false))
        .addColumn(...k.bigint('paused_ms', true, 0))
        .addColumn(...k.int('supplement_count', true, 0))
        .addColumn(...k.time('nearly_due_at', false))
        .addColumn(...k.time('overdue_at', false))
        .addColumn(...k.time('closed_at', false))
        .addColumn(...k.text('outcome', false))
        .addColumn(...k.json('flags', true, '{}'))
        .addColumn(...k.text('pin_hash', false))
        .addColumn(...k.json('apology', false))
        .addColumn(...k.text('created_by'))
        .addColumn(...k.time('created_at'))
        .addColumn(...k.time('updated_at'))
        .addPrimaryKeyConstraint('cases_pk', ['id'])
        .addForeignKeyConstraint('cases_unit_fk', ['unit_id'], 'units', ['id'])
        .addForeignKeyConstraint('cases_procedure_fk', ['procedure_id', 'procedure_version'], 'procedure_versions', [
          'procedure_id',
          'version',
        ])
        .execute();
      await s.createIndex('cases_code_uq').unique().on('cases').column('code').execute();
      // Newest first within a subtree (keyset on created_at, id), and across everything for auditors.
      await s.createIndex('cases_unit_path_created_ix').on('cases').columns(['unit_path', 'created_at', 'id']).execute();
      await s.createIndex('cases_created_ix').on('cases').columns(['created_at', 'id']).execute();
      // An officer's worklist: open cases of a unit, most urgent first. Closed cases stay out of it.
      await s
        .createIndex('cases_open_due_ix')
        .on('cases')
        .columns(['unit_path', 'due_at'])
        .where(sql<boolean>`closed_at is null`)
        .execute();

      await s
        .createTable('case_transitions')
        .addColumn(...k.autoId('id'))
        .addColumn(...k.text('case_id'))
        .addColumn(...k.int('seq'))
        .addColumn(...k.text('event'))
        .addColumn(...k.json('from_state', false))
        .addColumn(...k.json('to_state'))
        .addColumn(...k.text('actor_id'))
        .addColumn(...k.text('actor_role', false))
        .addColumn(...k.text('unit_id'))
        .addColumn(...k.text('input_digest', false))
        .addColumn(...k.text('reason', false))
        .addColumn(...k.text('comment', false))
        .addColumn(...k.time('at'))
        .addColumn(...k.int('procedure_version'))
        .addColumn(...k.text('request_id', false))
        .addForeignKeyConstraint('case_transitions_case_fk', ['case_id'], 'cases', ['id'])
        .execute();
      await s.createIndex('case_transitions_case_seq_uq').unique().on('case_transitions').columns(['case_id', 'seq']).execute();

      await s
        .createTable('timers')
        .addColumn(...k.text('id'))
        .addColumn(...k.text('case_id'))
        .addColumn(...k.oneOf('kind', TimerKinds))
        .addColumn(...k.text('event'))
        .addColumn(...k.text('state'))
        .addColumn(...k.time('due_at'))
        .addColumn(...k.oneOf('status', TimerStatuses))
        .addColumn(...k.time('claimed_until', false))
        .addColumn(...k.int('attempts', true, 0))
        .addColumn(...k.time('created_at'))
        .addPrimaryKeyConstraint('timers_pk', ['id'])
        .addForeignKeyConstraint('timers_case_fk', ['case_id'], 'cases', ['id'])
        .execute();
      // The sweep reads only the head of the pending range: with none due it costs one index
      // probe, however many cases are open.
      await s.createIndex('timers_status_due_ix').on('timers').columns(['status', 'due_at']).execute();
      await s.createIndex('timers_case_ix').on('timers').column('case_id').execute();

      await s
        .createTable('idempotency_keys')
        .addColumn(...k.text('user_id'))
        .addColumn(...k.text('key'))
        .addColumn(...k.text('request_hash'))
        .addColumn(...k.oneOf('status', ['in_flight', 'done']))
        .addColumn(...k.int('response_status', false))
        .addColumn(...k.text('response_body', false))
        .addColumn(...k.time('created_at'))
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
        .execute();
      await s.createIndex('idempotency_keys_created_ix').on('idempotency_keys').column('created_at').execute();

      await s
        .createTable('audit_entries')
        .addColumn(...k.bigint('seq'))
        .addColumn(...k.text('bytes'))
        .addColumn(...k.text('leaf_hash'))
        .addColumn(...k.text('chain_hash'))
        .addColumn(...k.time('created_at'))
        .addColumn(...k.text('case_id', false))
        .addColumn(...k.text('actor_id', false))
        .addColumn(...k.text('unit_id', false))
        .addColumn(...k.text('event', false))
        // On SQLite `integer primary key` makes seq the rowid: no second b-tree per append.
        .addPrimaryKeyConstraint('audit_entries_pk', ['seq'])
        .execute();
      await s.createIndex('audit_entries_case_ix').on('audit_entries').columns(['case_id', 'seq']).execute();

      await s
        .createTable('audit_checkpoints')
        .addColumn(...k.bigint('size'))
        .addColumn(...k.text('note'))
        .addColumn(...k.time('created_at'))
        .addPrimaryKeyConstraint('audit_checkpoints_pk', ['size'])
        .execute();

      await s
        .createTable('access_records')
        .addColumn(...k.autoId('id'))
        .addColumn(...k.text('actor_id'))
        .addColumn(...k.text('case_id', false))
        .addColumn(...k.text('route'))
        .addColumn(...k.time('at'))
        .execute();
      await s.createIndex('access_records_case_ix').on('access_records').columns(['case_id', 'at']).execute();

      await s
        .createTable('code_counters')
        .addColumn(...k.text('unit_id'))
        .addColumn(...k.text('day'))
        .addColumn(...k.int('last'))
        .addPrimaryKeyConstraint('code_counters_pk', ['unit_id', 'day'])
        .execute();
    },
  };
}
