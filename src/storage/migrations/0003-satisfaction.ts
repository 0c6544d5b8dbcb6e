/**
 * Citizen satisfaction and the scorecard: when a case's result was ready and how many working
 * days it took, the scorecard flags as bits, the citizen's one rating per case, and the links
 * from a complaint (a case of the phan-anh-kien-nghi procedure) to the dossier it is about.
 *
 * Why columns rather than computing in the report: the scorecard sums over up to millions of
 * cases in one scan, and in SQLite every function call on a row (json_extract, unixepoch) cost
 * about as much as reading the row; bench/reports.ts measured the difference.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { RATING_LEVELS } from '../../reports/facts.js';
import type { Capabilities } from '../capabilities.js';
import { columnKit } from './columns.js';

/** The scorecard flags of `cases.flags` as bits of `cases.flag_bits` (a flag counts when it is JSON `true`). */
export const CASE_FLAG_BITS = {
  vneid_authenticated: 1,
  data_reused: 2,
  electronic_result: 4,
  synced_to_portal: 8,
  fee_payable: 16,
  paid_online: 32,
} as const;

/** `flag_bits` computed from a flags JSON expression, in the dialect's JSON functions. */
function bitsOf(caps: Capabilities, flags: string) {
  const terms = Object.entries(CASE_FLAG_BITS).map(([name, bit]) =>
    caps.jsonType === 'jsonb'
      ? `(case when ${flags} -> '${name}' = 'true'::jsonb then ${bit} else 0 end)`
      : `(case when json_type(${flags}, '$.${name}') = 'true' then ${bit} else 0 end)`,
  );
  return sql.raw(terms.join(' + '));
}

/** The migration for a dialect. */
export function satisfactionSchema(caps: Capabilities): Migration {
  const k = columnKit(caps);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;

      // Set once, when the case first reaches status 9 (result ready) or 10 (result delivered),
      // with the working days from the clock start (or receipt) to then, on the unit's calendar.
      // No index: the scorecard reads the period's cases in one scan (an index range followed
      // by a random read per row was several times slower in bench/reports.ts).
      await s.alterTable('cases').addColumn(...k.time('result_at', false)).execute();
      await s.alterTable('cases').addColumn(...k.int('working_days_to_result', false)).execute();
      await s.alterTable('cases').addColumn(...k.int('flag_bits', true, 0)).execute();
      // Cases from before this migration: the result time is approximated by the closing (or
      // last change); their working days stay empty and the report counts them from the calendar.
      await sql`update cases set result_at = coalesce(closed_at, updated_at) where status_code in (9, 10)`.execute(db);
      await sql`update cases set flag_bits = ${bitsOf(caps, 'flags')}`.execute(db);

      // flag_bits follows flags whoever writes them.
      if (caps.triggerStyle === 'plpgsql') {
        await sql`
          create or replace function motcua_case_flag_bits() returns trigger language plpgsql as $$
          begin
            new.flag_bits := ${bitsOf(caps, 'new.flags')};
            return new;
          end
          $$`.execute(db);
        await sql`create trigger cases_flag_bits before insert or update of flags on cases
                  for each row execute function motcua_case_flag_bits()`.execute(db);
      } else {
        for (const [name, when] of [
          ['cases_flag_bits_insert', sql`after insert on cases`],
          ['cases_flag_bits_update', sql`after update of flags on cases`],
        ] as const) {
          await sql`create trigger ${sql.id(name)} ${when}
                    begin update cases set flag_bits = ${bitsOf(caps, 'new.flags')} where rowid = new.rowid; end`.execute(db);
        }
      }

      await s
        .createTable('ratings')
        .addColumn(...k.text('case_id'))
        .addColumn(...k.oneOf('level', RATING_LEVELS))
        // Criterion id → score; ids from config/scorecard.yaml `rating_criteria`.
        .addColumn(...k.json('criteria', true, '{}'))
        // The citizen's own words may hold personal data: kept here (erasable), never in the audit log.
        .addColumn(...k.text('comment', false))
        .addColumn(...k.time('at'))
        .addPrimaryKeyConstraint('ratings_pk', ['case_id'])
        .addForeignKeyConstraint('ratings_case_fk', ['case_id'], 'cases', ['id'])
        .execute();
      // The scorecard looks up every case's rating level: answered from this index alone.
      await s.createIndex('ratings_case_level_ix').on('ratings').columns(['case_id', 'level']).execute();

      await s
        .createTable('case_complaints')
        .addColumn(...k.text('complaint_id'))
        .addColumn(...k.text('case_id'))
        .addColumn(...k.time('at'))
        .addPrimaryKeyConstraint('case_complaints_pk', ['complaint_id'])
        .addForeignKeyConstraint('case_complaints_complaint_fk', ['complaint_id'], 'cases', ['id'])
        .addForeignKeyConstraint('case_complaints_case_fk', ['case_id'], 'cases', ['id'])
        .execute();
      await s.createIndex('case_complaints_case_ix').on('case_complaints').column('case_id').execute();
    },
  };
}
