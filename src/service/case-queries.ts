/**
 * Reading cases: one case, a page of cases, a case's history. Every query is scoped by the
 * caller's unit subtree in SQL, so an officer can never page into another commune.
 */
import type { Actor } from '../auth/policy.js';
import { canSeeUnit, visiblePathPrefix } from '../auth/policy.js';
import { MotcuaError } from '../errors/index.js';
import { sql } from 'kysely';
import { subtreeBounds, toDbTime, type CaseRow, type Tx } from '../storage/index.js';
import { NO_DUE_SORT_KEY } from '../storage/migrations/0006-worklist-index.js';
import { loadCaseRow } from './case-load.js';

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
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.id === 'string' && (c.k === null || typeof c.k === 'string')) return c;
  } catch {
    // fall through to the error below
  }
  throw new MotcuaError('badRequest', 'The cursor is not one this server gave out; start again without `cursor`.');
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
  if (prefix !== undefined) qb = within(prefix)(qb);
  if (query.unit !== undefined) {
    const path = unitPath(query.unit);
    // A unit outside the caller's reach filters to nothing rather than revealing it exists.
    if (path === undefined || !canSeeUnit(actor, path)) return { rows: [], next: null };
    qb = within(path)(qb);
  }
  if (query.procedure !== undefined) qb = qb.where('procedure_id', '=', query.procedure);
  if (query.status !== undefined) qb = qb.where('status_code', '=', query.status);
  // State names are identifiers, so '_' (a one-character wildcard that also matches itself) is
  // kept: stripping it made `state=result_ready` match nothing. JSON columns are jsonb on
  // PostgreSQL, where LIKE needs text, hence the cast.
  if (query.state !== undefined) qb = qb.where((eb) => eb(eb.cast('state', 'text'), 'like', `%${JSON.stringify(query.state).replace(/[%\\]/g, '')}%`));
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
    else qb = qb.where((eb) => eb.or([eb('code', '=', q), eb('code', 'like', `${q.replace(/[%_]/g, '')}%`), eb(eb.cast('applicant', 'text'), 'like', `%${q.replace(/[%_"\\]/g, '')}%`)]));
  }
  const byDue = query.sort === 'due_at';
  if (query.cursor !== undefined) {
    const c = decodeCursor(query.cursor);
    if (byDue) {
      const k = c.k ?? NO_DUE;
      qb = qb.where((eb) => eb.or([eb(urgency, '>', k), eb.and([eb(urgency, '=', k), eb('id', '>', c.id)])]));
    } else {
      const k = c.k ?? '';
      qb = qb.where((eb) => eb.or([eb('created_at', '<', k), eb.and([eb('created_at', '=', k), eb('id', '<', c.id)])]));
    }
  }
  qb = byDue
    ? qb.orderBy(urgency, 'asc').orderBy('id', 'asc')
    : qb.orderBy('created_at', 'desc').orderBy('id', 'desc');
  const rows = await qb.limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const next = rows.length > query.limit && last ? encodeCursor({ k: byDue ? last.due_at : last.created_at, id: last.id }) : null;
  return { rows: page, next };
}

/** Every transition of a case, oldest first. */
export async function caseHistory(tx: Tx, caseId: string) {
  return tx.db.selectFrom('case_transitions').selectAll().where('case_id', '=', caseId).orderBy('seq', 'asc').execute();
}
