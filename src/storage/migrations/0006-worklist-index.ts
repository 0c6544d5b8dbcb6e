/**
 * The worklist index: open cases of one unit, most urgent first, cases without a due date last.
 * The sort key is the same expression the list query uses (`coalesce(due_at, <far future>)`),
 * so the database reads a page in index order instead of sorting every open case of the unit.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../capabilities.js';

/** Far-future sort key of cases without a due date; the list query uses the same literal. */
export const NO_DUE_SORT_KEY = '9999-12-31T00:00:00.000Z';

export function worklistIndex(_caps: Capabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`create index cases_open_urgent_ix on cases (unit_path, coalesce(due_at, ${sql.lit(NO_DUE_SORT_KEY)}), id) where closed_at is null`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop index cases_open_urgent_ix`.execute(db);
    },
  };
}
