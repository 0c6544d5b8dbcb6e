/**
 * `cases.search_text`: the applicant's name, phone, ID number, e-mail and address folded for
 * search (lower case, no diacritics; storage/search-text.ts), so "nguyen van an" finds
 * "Nguyễn Văn An". Existing cases are filled in a page (1,000 cases) per statement. No index: a search by name reads the
 * cases in reach either way (on a long-read thread), and the column is smaller to read than the
 * applicant's JSON. Cases written without it (by a node still on older code during a rolling
 * upgrade) stay findable: the search falls back to the applicant's JSON for them.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { caseSearchText } from '../search-text.js';
import type { Capabilities } from '../capabilities.js';
import { columnKit } from './columns.js';

const PAGE = 1000;

/** The applicant as stored; anything but an object (never written by motcua) folds to nothing. */
function applicantOf(text: string): Record<string, unknown> {
  const value = JSON.parse(text) as unknown;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function caseSearch(caps: Capabilities): Migration {
  const k = columnKit(caps);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('cases').addColumn(...k.text('search_text', false)).execute();
      let after = '';
      for (;;) {
        // Both stores hand JSON columns over as text.
        const { rows } = await sql<{ id: string; applicant: string }>`select id, applicant from cases where id > ${after} order by id limit ${PAGE}`.execute(db);
        if (rows.length === 0) return;
        // One statement per page; VALUES columns are column1, column2 on both databases.
        const values = sql.join(rows.map((r) => sql`(${r.id}, ${caseSearchText(applicantOf(r.applicant))})`));
        await sql`update cases set search_text = v.column2 from (values ${values}) as v where cases.id = v.column1`.execute(db);
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1]!.id;
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('cases').dropColumn('search_text').execute();
    },
  };
}
