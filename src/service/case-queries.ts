/**
 * Reading cases: one case, a page of cases, a case's history. Every query is scoped by the
 * caller's unit subtree in SQL, so an officer can never page into another commune.
 */
import type { Actor } from '../auth/policy.js';
import { canSeeUnit, visiblePathPrefix } from '../auth/policy.js';
import { MotcuaError } from '../errors/index.js';
import { createHash } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder } from 'kysely';
import { subtreeBounds, toDbTime, type CaseRow, type Database, type Tx } from '../storage/index.js';
import { NO_DUE_SORT_KEY } from '../storage/migrations/0006-worklist-index.js';
import { loadCaseRow } from './case-load.js';
import { foldForSearch } from '../storage/search-text.js';

export interface CaseListQuery {
  state?: string | undefined;
  status?: number | undefined;
  procedure?: string | undefined;
  unit?: string | undefined;
  q?: string | undefined;
  overdue?: boolean | undefined;
  open?: boolean | undefined;
  due_before?: string | undefined;
  sort?: 'newest' | 'due_at' | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The case if the actor may see it; otherwise `caseNotFound`, never a hint that it exists. */
export async function visibleCase(tx: Tx, actor: Actor, id: string): Promise<CaseRow> {
  const row = await loadCaseRow(tx, id);
  if (!row || !canSeeUnit(actor, row.unit_path)) throw new MotcuaError('caseNotFound', `No case '${id}'.`);
  return row;
}

interface Cursor {
  k: string | null;
  id: string;
  /** The listing it continues: sort and filters (see {@link listingOf}). */
  l: string;
}

/** What a cursor belongs to: a cursor of one listing would skip or repeat cases in another. */
function listingOf(query: CaseListQuery): string {
  const { limit: _limit, cursor: _cursor, ...rest } = query;
  const fields = Object.entries({ ...rest, sort: query.sort ?? 'newest', q: query.q?.trim() || undefined })
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url').slice(0, 12);
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string, listing: string): Cursor {
  let c: Cursor | undefined;
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof parsed.id === 'string' && (parsed.k === null || typeof parsed.k === 'string') && typeof parsed.l === 'string') c = parsed;
  } catch {
    // c stays undefined: the error below
  }
  if (c === undefined) throw new MotcuaError('badRequest', 'The cursor is not one this server gave out; start again without `cursor`.');
  if (c.l !== listing) {
    throw new MotcuaError('badRequest', 'The cursor continues another listing (other sort or filters); send the same filters and sort as the page that gave it, or start again without `cursor`.');
  }
  return c;
}

/** `text` as a LIKE pattern that matches it literally: a backslash before `%`, `_` and itself. */
function literal(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `column LIKE pattern` with the backslash as escape, said aloud: SQLite has no default one. */
function like(column: Expression<string> | 'code', pattern: string) {
  return sql<boolean>`${typeof column === 'string' ? sql.ref(column) : column} like ${pattern} escape '\\'`;
}

/**
 * Far-future sort key so cases without a due date come last in "most urgent first". Written as a
 * literal, not a parameter, so the expression is the one the worklist index is built on.
 */
const NO_DUE = NO_DUE_SORT_KEY;
const urgency = sql<string>`coalesce(due_at, ${sql.lit(NO_DUE_SORT_KEY)})`;

/** A `q` that is a whole dossier code: found by the unique index alone. */
const WHOLE_CODE = /^[A-Z0-9.]+-\d{6}-\d{4,}$/;

/**
 * True when a page of `query` may have to read far: with a filter no index serves (a name, a
 * state, a status…), few matches mean reading every case in reach (~0.1 s per 100,000 cases
 * on the development machine), in a busy commune over the years as in a province.
 */
export function listReadsFar(query: CaseListQuery): boolean {
  const q = query.q?.trim();
  return (
    (q !== undefined && q !== '' && !WHOLE_CODE.test(q)) ||
    query.state !== undefined ||
    query.status !== undefined ||
    query.procedure !== undefined ||
    query.overdue === true ||
    query.due_before !== undefined
  );
}

/** A page of cases the actor may see, newest first or most urgent (earliest due) first. */
export async function listCaseRows(
  tx: Tx,
  actor: Actor,
  query: CaseListQuery,
  unitPath: (id: string) => string | undefined,
  now: Date,
  isLeafPath: (path: string) => boolean = () => false,
): Promise<{ rows: CaseRow[]; next: string | null }> {
  let qb = tx.db.selectFrom('cases').selectAll();
  // A unit without children is one path: equality lets the index give the order directly.
  const within = (path: string) => {
    if (isLeafPath(path)) return (q: typeof qb) => q.where('unit_path', '=', path);
    const b = subtreeBounds(path);
    return (q: typeof qb) => q.where('unit_path', '>=', b.from).where('unit_path', '<', b.to);
  };
  const prefix = visiblePathPrefix(actor);
  const listing = listingOf(query);
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, listing);
  let scope = prefix;
  if (query.unit !== undefined) {
    const path = unitPath(query.unit);
    // The unit's subtree within the caller's reach: a unit above the caller's own (the province,
    // for a commune's officer) gives the caller's cases; one outside gives nothing, never a hint.
    if (path !== undefined && canSeeUnit(actor, path)) scope = path;
    else if (path === undefined || prefix === undefined || !prefix.startsWith(path)) return { rows: [], next: null };
  }
  if (scope !== undefined) qb = within(scope)(qb);
  if (query.procedure !== undefined) qb = qb.where('procedure_id', '=', query.procedure);
  if (query.status !== undefined) qb = qb.where('status_code', '=', query.status);
  // The state's name in the JSON list of active states, matched literally. JSON columns are jsonb
  // on PostgreSQL, where LIKE needs text, hence the cast.
  if (query.state !== undefined) qb = qb.where((eb) => like(eb.cast<string>('state', 'text'), `%${literal(JSON.stringify(query.state))}%`));
  if (query.open === true) qb = qb.where('closed_at', 'is', null);
  if (query.overdue === true) {
    const at = toDbTime(now);
    qb = qb.where('closed_at', 'is', null).where((eb) => eb.or([eb('overdue_at', 'is not', null), eb.and([eb('due_at', '<=', at), eb('paused_since', 'is', null)])]));
  }
  if (query.due_before !== undefined) qb = qb.where('due_at', '<', toDbTime(new Date(query.due_before)));
  if (query.q !== undefined && query.q.trim() !== '') {
    const q = query.q.trim();
    // A whole dossier code is looked up by the unique index alone; anything else also searches names.
    if (WHOLE_CODE.test(q)) qb = qb.where('code', '=', q);
    else {
      // The applicant's name, phone, ID number, e-mail and address are searched folded (no
      // diacritics, lower case), so "nguyen van an" finds "Nguyễn Văn An"; a phone number also by
      // its digits alone. An ID number (9 to 12 digits) is searched in the dossier's data too.
      const folded = foldForSearch(q);
      const digits = /^[+0-9 .()-]+$/.test(q) ? q.replace(/\D/g, '') : '';
      // In the applicant's JSON (for cases written without search_text), quotes and backslashes
      // would be escaped: the search leaves them out there.
      const words = q.replace(/["\\]/g, '');
      const searchText = (eb: ExpressionBuilder<Database, 'cases'>) => eb.ref('search_text').$castTo<string>();
      qb = qb.where((eb) =>
        eb.or([
          eb('code', '=', q),
          like('code', `${literal(q)}%`),
          ...(folded === '' ? [] : [like(searchText(eb), `%${literal(folded)}%`)]),
          ...(digits.length >= 6 && digits !== folded ? [like(searchText(eb), `%${digits}%`)] : []),
          ...(words === '' ? [] : [eb.and([eb('search_text', 'is', null), like(eb.cast<string>('applicant', 'text'), `%${literal(words)}%`)])]),
          ...(/^\d{9,12}$/.test(q) ? [like(eb.cast<string>('data', 'text'), `%${q}%`)] : []),
        ]),
      );
    }
  }
  const byDue = query.sort === 'due_at';
  if (cursor !== undefined) {
    if (byDue) {
      const k = cursor.k ?? NO_DUE;
      qb = qb.where((eb) => eb.or([eb(urgency, '>', k), eb.and([eb(urgency, '=', k), eb('id', '>', cursor.id)])]));
    } else {
      const k = cursor.k ?? '';
      qb = qb.where((eb) => eb.or([eb('created_at', '<', k), eb.and([eb('created_at', '=', k), eb('id', '<', cursor.id)])]));
    }
  }
  qb = byDue
    ? qb.orderBy(urgency, 'asc').orderBy('id', 'asc')
    : qb.orderBy('created_at', 'desc').orderBy('id', 'desc');
  const rows = await qb.limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const next = rows.length > query.limit && last ? encodeCursor({ k: byDue ? last.due_at : last.created_at, id: last.id, l: listing }) : null;
  return { rows: page, next };
}

/** Every transition of a case, oldest first. */
export async function caseHistory(tx: Tx, caseId: string) {
  return tx.db.selectFrom('case_transitions').selectAll().where('case_id', '=', caseId).orderBy('seq', 'asc').execute();
}
