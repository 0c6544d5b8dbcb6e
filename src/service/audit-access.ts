/**
 * Read access records: who saw which dossier, when, through which route (the personal data law
 * requires knowing who saw what). Append-only rows in `access_records`, apart from the hash
 * chain: a view is not a change, and a chain entry per page view would swamp the log.
 *
 * Cost: a record is written through `store.write` and awaited before the page is answered, so
 * a view is never served unrecorded. On SQLite, concurrent views share one group-commit
 * transaction (one fsync for all of them); a lone view pays one fsync (about a millisecond on
 * an SSD). PostgreSQL commits each record on its own; its WAL writer groups the flushes.
 */
import type { Actor } from '../auth/policy.js';
import { MotcuaError } from '../errors/index.js';
import { toDbTime, type Store, type Tx } from '../storage/index.js';
import type { ServiceDeps } from './deps.js';

/** One access record as auditors see it. */
export interface AccessRecordView {
  id: number;
  actor_id: string;
  case_id: string | null;
  route: string;
  at: string;
}

/** Filters of {@link AccessLog.list}. */
export interface AccessQuery {
  case?: string | undefined;
  actor?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Records and lists read access. */
export interface AccessLog {
  /** Records that `actor` read `caseIds` (or, with an empty list, something not tied to one case) through `route`. */
  record(actor: Actor, caseIds: readonly (string | null)[], route: string): Promise<void>;
  /** Records, oldest first, after `cursor`. */
  list(query: AccessQuery): Promise<{ items: AccessRecordView[]; next_cursor: string | null }>;
}

const MAX_ROUTE = 200;

/** Creates the access log over the store. */
export function createAccessLog(deps: Pick<ServiceDeps, 'clock'> & { store: Store }): AccessLog {
  return {
    async record(actor, caseIds, route) {
      const at = toDbTime(deps.clock.now());
      const ids = caseIds.length === 0 ? [null] : caseIds;
      const rows = ids.map((caseId) => ({ actor_id: actor.id, case_id: caseId, route: route.slice(0, MAX_ROUTE), at }));
      await deps.store.write(async (tx) => {
        // Chunks keep each statement under SQLite's bound-parameter limit on large exports.
        for (let i = 0; i < rows.length; i += 500) await tx.db.insertInto('access_records').values(rows.slice(i, i + 500)).execute();
      });
    },
    async list(query) {
      const after = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
      const page = (tx: Tx) => {
        let q = tx.db.selectFrom('access_records').selectAll().where('id', '>', after);
        if (query.case !== undefined) q = q.where('case_id', '=', query.case);
        if (query.actor !== undefined) q = q.where('actor_id', '=', query.actor);
        return q.orderBy('id').limit(query.limit + 1).execute();
      };
      // One reader's records among everyone's (one per dossier read), with no case to narrow
      // them, may mean reading them all: on the long-read connection.
      const far = query.actor !== undefined && query.case === undefined;
      const rows = await (far ? deps.store.readLong(page) : deps.store.read(page));
      const items = rows.slice(0, query.limit).map((r) => ({ id: Number(r.id), actor_id: r.actor_id, case_id: r.case_id, route: r.route, at: r.at }));
      const last = items[items.length - 1];
      return { items, next_cursor: rows.length > query.limit && last ? encodeCursor(last.id) : null };
    },
  };
}

/** Keyset cursors over an increasing integer: opaque to clients, checked when read back. */
export function encodeCursor(after: number): string {
  return Buffer.from(`a${after}`, 'utf8').toString('base64url');
}

/** Reads back {@link encodeCursor}; badRequest on anything else. */
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^a(0|[1-9]\d{0,15})$/.exec(text);
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw new MotcuaError('badRequest', 'The cursor is not one this server gave out; start again without `cursor`.');
  return Number(m[1]);
}
