/**
 * Reading the audit log out: pages of entries with the auditor's filters, and the export as
 * JSON Lines (the exact format `motcua audit verify` reads, see src/audit/export-format.ts) or
 * CSV for spreadsheets. Exports are generators over keyset pages, each page its own
 * `store.read()`: memory stays constant and no read transaction stays open for the length of
 * a download (on SQLite a long reader would stop the WAL from ever being checkpointed).
 *
 * The export writes what is stored, unchecked: verifying is the verifier's job, and an export
 * of a damaged database must show the damage, not hide it.
 */
import { formatCheckpointLine, formatEntryLine, formatHeaderLine, type AuditEntry } from '../audit/index.js';
import type { UnitTree } from '../auth/units.js';
import { CSV_BOM, csvField, type CsvCell } from '../reports/csv.js';
import { nextTurn, type AuditEntryRow, type Store, type Tx } from '../storage/index.js';
import { decodeCursor, encodeCursor } from './audit-access.js';

/** Entries read per page of an export. */
export const EXPORT_PAGE = 1000;

/** The auditor's filters over entries. */
export interface EntryQuery {
  from_seq?: number | undefined;
  to_seq?: number | undefined;
  case?: string | undefined;
  actor?: string | undefined;
  /** A unit id: entries of that unit and every unit below it. */
  unit?: string | undefined;
  event?: string | undefined;
  /** Instants (ISO 8601): entries written at or after `from` and before `to`. */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** One entry as the entries route returns it: the parsed entry, its exact bytes and hashes. */
export interface EntryView {
  seq: number;
  leaf: string;
  chain: string;
  /** The hashed bytes, verbatim; `entry` is the same parsed. */
  bytes: string;
  entry: AuditEntry;
}

function toView(r: Pick<AuditEntryRow, 'seq' | 'bytes' | 'leaf_hash' | 'chain_hash'>): EntryView {
  return { seq: Number(r.seq), leaf: r.leaf_hash, chain: r.chain_hash, bytes: r.bytes, entry: JSON.parse(r.bytes) as AuditEntry };
}

/** A page of entries in seq order matching `query`. */
export async function listEntries(store: Store, units: UnitTree, query: EntryQuery): Promise<{ items: EntryView[]; next_cursor: string | null }> {
  const after = Math.max(query.cursor === undefined ? 0 : decodeCursor(query.cursor), (query.from_seq ?? 1) - 1);
  let unitIds: string[] | undefined;
  if (query.unit !== undefined) {
    const unit = units.get(query.unit);
    unitIds = unit ? units.all().filter((u) => u.path.startsWith(unit.path)).map((u) => u.id) : [];
    if (unitIds.length === 0) return { items: [], next_cursor: null };
  }
  const page = (tx: Tx) => {
    let q = tx.db.selectFrom('audit_entries').select(['seq', 'bytes', 'leaf_hash', 'chain_hash']).where('seq', '>', after);
    if (query.to_seq !== undefined) q = q.where('seq', '<=', query.to_seq);
    if (query.case !== undefined) q = q.where('case_id', '=', query.case);
    if (query.actor !== undefined) q = q.where('actor_id', '=', query.actor);
    if (unitIds !== undefined) q = q.where('unit_id', 'in', unitIds);
    if (query.event !== undefined) q = q.where('event', '=', query.event);
    if (query.from !== undefined) q = q.where('created_at', '>=', new Date(query.from).toISOString());
    if (query.to !== undefined) q = q.where('created_at', '<', new Date(query.to).toISOString());
    return q.orderBy('seq').limit(query.limit + 1).execute();
  };
  // The log in seq order, a case's or an actor's entries are read a page at a time through an
  // index; a unit, an event or a time window with few matches may read the whole log, so such
  // pages are read on the long-read connection.
  const far = query.case === undefined && (unitIds !== undefined || query.event !== undefined || query.from !== undefined || query.to !== undefined);
  const rows = await (far ? store.readLong(page) : store.read(page));
  const items = rows.slice(0, query.limit).map(toView);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > query.limit && last ? encodeCursor(last.seq) : null };
}

/** Entries `fromSeq..toSeq` and the checkpoints of those sizes, page by page. */
async function* pages(store: Store, fromSeq: number, toSeq: number): AsyncGenerator<{ rows: AuditEntryRow[]; notes: Map<number, string> }> {
  for (let after = fromSeq - 1; after < toSeq; after += EXPORT_PAGE) {
    if (after > fromSeq - 1) await nextTurn();
    const upTo = Math.min(toSeq, after + EXPORT_PAGE);
    const page = await store.read(async (tx) => ({
      rows: await tx.db.selectFrom('audit_entries').selectAll().where('seq', '>', after).where('seq', '<=', upTo).orderBy('seq').execute(),
      checkpoints: await tx.db.selectFrom('audit_checkpoints').select(['size', 'note']).where('size', '>', after).where('size', '<=', upTo).execute(),
    }));
    yield { rows: page.rows, notes: new Map(page.checkpoints.map((c) => [Number(c.size), c.note])) };
  }
}

/** What to export. `toSeq` should be the size of a stored checkpoint, so the export ends signed. */
export interface ExportRange {
  fromSeq: number;
  toSeq: number;
}

/**
 * The JSON Lines export, one line per yield (no newline): the header, then each entry followed
 * by the checkpoint of its size if there is one. Only an export from seq 1 verifies on its own:
 * the chain and the Merkle roots start at the first entry.
 */
export async function* exportJsonLines(store: Store, origin: string, range: ExportRange): AsyncGenerator<string> {
  yield formatHeaderLine(origin);
  for await (const { rows, notes } of pages(store, range.fromSeq, range.toSeq)) {
    for (const r of rows) {
      const seq = Number(r.seq);
      yield formatEntryLine(seq, r.bytes, Buffer.from(r.leaf_hash, 'hex'), Buffer.from(r.chain_hash, 'hex'));
      const note = notes.get(seq);
      if (note !== undefined) yield formatCheckpointLine(note);
    }
  }
}

/** Columns of the CSV export, in order. */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'time',
  'kind',
  'event',
  'actor_id',
  'actor_role',
  'unit',
  'case_id',
  'procedure',
  'from',
  'to',
  'reason',
  'request_id',
  'input_digest',
  'details',
  'prev',
  'leaf_hash',
  'chain_hash',
] as const;

const stateText = (s: AuditEntry['from']): CsvCell => (s === null ? null : Array.isArray(s) ? s.join(' | ') : s);

/** The CSV export (RFC 4180, CRLF, UTF-8 with a BOM for Excel), one line per yield including its CRLF. */
export async function* exportCsvLines(store: Store, range: ExportRange): AsyncGenerator<string> {
  yield `${CSV_BOM}${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
  for await (const { rows } of pages(store, range.fromSeq, range.toSeq)) {
    for (const r of rows) {
      let e: Partial<AuditEntry>;
      try {
        e = JSON.parse(r.bytes) as AuditEntry;
      } catch {
        // A damaged row still gets its line (seq and hashes), so the spreadsheet shows it instead of skipping it.
        e = {};
      }
      const cells: CsvCell[] = [
        Number(r.seq),
        e.time,
        e.kind,
        e.event,
        e.actor?.id,
        e.actor?.role,
        e.unit,
        e.case_id,
        e.procedure,
        stateText(e.from ?? null),
        stateText(e.to ?? null),
        e.reason,
        e.request_id,
        e.input_digest,
        e.details === undefined ? null : JSON.stringify(e.details),
        e.prev,
        r.leaf_hash,
        r.chain_hash,
      ];
      yield `${cells.map(csvField).join(',')}\r\n`;
    }
  }
}
