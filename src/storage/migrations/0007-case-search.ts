/**
 * `cases.search_text`: the applicant's name, phone and ID number folded for search (lower case,
 * no diacritics; service/search-fold.ts), so "nguyen van an" finds "Nguyễn Văn An". Existing
 * cases are filled in pages here. No index: a search by name reads the cases in reach either way
 * (on a long-read thread), and the column is smaller to read than the applicant's JSON.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { caseSearchText } from '../../service/search-fold.js';
import type { Capabilities } from '../capabilities.js';
import { columnKit } from './columns.js';

const PAGE = 1000;

export function caseSearch(caps: Capabilities): Migration {
  const k = columnKit(caps);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('cases').addColumn(...k.text('search_text', false)).execute();
      let after = '';
      for (;;) {
        const { rows } = await sql<{ id: string; applicant: unknown }>`select id, applicant from cases where id > ${after} order by id limit ${PAGE}`.execute(db);
        for (const row of rows) {
          // jsonb arrives parsed (PostgreSQL), text as text (SQLite).
          const applicant = (typeof row.applicant === 'string' ? JSON.parse(row.applicant) : row.applicant) as Record<string, unknown>;
          await sql`update cases set search_text = ${caseSearchText(applicant)} where id = ${row.id}`.execute(db);
        }
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1]!.id;
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('cases').dropColumn('search_text').execute();
    },
  };
}
