/**
 * The tracking book (sổ theo dõi hồ sơ): one line per dossier received in the period, oldest
 * first, with the applicant masked. Pages use a keyset cursor on (received_at, id), so a page
 * deep into a year costs the same as the first; the CSV is produced page by page, never the
 * whole book in memory.
 */
import { personalHint } from '../audit/personal.js';
import { VN_OFFSET_MS } from '../clock/index.js';
import { MotcuaError } from '../errors/index.js';
import { isOnTime, toCsv, type ReportPeriod } from '../reports/index.js';
import { subtreeBounds, toDbTime, type CaseRow, type Tx } from '../storage/index.js';
import { STATUS_LABELS } from './case-view.js';
import type { ServiceDeps } from './deps.js';
import { FEEDBACK_PROCEDURE } from './report-counters-sql.js';
import { scoringDue } from './report-facts.js';

/** One line of the book. */
export interface TrackingBookLine {
  code: string;
  /** The applicant's name masked (`**********An`): enough to find the paper, not to identify. */
  applicant: string;
  procedure: { id: string; title: string };
  received_at: string;
  /** The appointment as it stands (an apology moves it). */
  due_at: string | null;
  /** When the result was handed over (the case closed with outcome approved). */
  delivered_at: string | null;
  status_code: number | null;
  status_label: string | null;
  /** `on_time` / `late` once there is a result; `late` while running past due; otherwise null. */
  timeliness: 'on_time' | 'late' | null;
  officer: { id: string; name: string };
}

export interface TrackingBookPage {
  items: TrackingBookLine[];
  next_cursor: string | null;
}

interface Cursor {
  k: string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof c.k === 'string' && typeof c.id === 'string') return { k: c.k, id: c.id };
  } catch {
    // fall through to the error below
  }
  throw new MotcuaError('badRequest', 'The cursor is not one this server gave out; start again without `cursor`.');
}

type BookRow = Pick<CaseRow, 'id' | 'code' | 'procedure_id' | 'procedure_version' | 'applicant' | 'received_at' | 'due_at' | 'apology' | 'result_at' | 'closed_at' | 'outcome' | 'status_code' | 'supplement_count' | 'created_by'> & {
  officer_name: string | null;
};

function bookLine(deps: ServiceDeps, row: BookRow, now: Date): TrackingBookLine {
  const applicant = JSON.parse(row.applicant) as { name?: unknown };
  const due = scoringDue(row);
  const d = (v: string | null) => (v === null ? null : new Date(v));
  let timeliness: TrackingBookLine['timeliness'] = null;
  if (row.result_at !== null) timeliness = isOnTime({ due_at: d(due), result_at: d(row.result_at), supplement_count: row.supplement_count }) ? 'on_time' : 'late';
  else if (row.closed_at === null && due !== null && new Date(due) < now) timeliness = 'late';
  return {
    code: row.code,
    applicant: typeof applicant.name === 'string' ? personalHint(applicant.name) : '',
    procedure: { id: row.procedure_id, title: deps.registry.find(row.procedure_id, row.procedure_version)?.definition.title ?? row.procedure_id },
    received_at: row.received_at,
    due_at: row.due_at,
    delivered_at: row.outcome === 'approved' ? row.closed_at : null,
    status_code: row.status_code,
    status_label: row.status_code === null ? null : (STATUS_LABELS[row.status_code] ?? null),
    timeliness,
    officer: { id: row.created_by, name: row.officer_name ?? row.created_by },
  };
}

/** One page of the book. */
export async function trackingBookPage(tx: Tx, deps: ServiceDeps, q: { period: ReportPeriod; unitPath: string; limit: number; cursor?: string | undefined }): Promise<TrackingBookPage> {
  const b = subtreeBounds(q.unitPath);
  let qb = tx.db
    .selectFrom('cases as c')
    .leftJoin('users as u', 'u.id', 'c.created_by')
    .select([
      'c.id',
      'c.code',
      'c.procedure_id',
      'c.procedure_version',
      'c.applicant',
      'c.received_at',
      'c.due_at',
      'c.apology',
      'c.result_at',
      'c.closed_at',
      'c.outcome',
      'c.status_code',
      'c.supplement_count',
      'c.created_by',
      'u.name as officer_name',
    ])
    .where('c.received_at', '>=', toDbTime(q.period.from))
    .where('c.received_at', '<', toDbTime(q.period.to))
    .where('c.unit_path', '>=', b.from)
    .where('c.unit_path', '<', b.to)
    .where('c.procedure_id', '<>', FEEDBACK_PROCEDURE);
  if (q.cursor !== undefined) {
    const c = decodeCursor(q.cursor);
    qb = qb.where((eb) => eb.or([eb('c.received_at', '>', c.k), eb.and([eb('c.received_at', '=', c.k), eb('c.id', '>', c.id)])]));
  }
  const rows = await qb.orderBy('c.received_at', 'asc').orderBy('c.id', 'asc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  const now = deps.clock.now();
  const last = page[page.length - 1];
  return {
    items: page.map((r) => bookLine(deps, r, now)),
    next_cursor: rows.length > q.limit && last ? encodeCursor({ k: last.received_at, id: last.id }) : null,
  };
}

/** The CSV header of the book (Vietnamese, for the province's spreadsheets). */
export const TRACKING_BOOK_CSV_COLUMNS = ['Mã hồ sơ', 'Người nộp', 'Thủ tục', 'Ngày tiếp nhận', 'Hẹn trả kết quả', 'Ngày trả kết quả', 'Trạng thái', 'Đúng hạn / trễ hạn', 'Cán bộ tiếp nhận'] as const;

const TIMELINESS_LABELS = { on_time: 'Đúng hạn', late: 'Trễ hạn' } as const;

/** An instant as local time in Việt Nam, `2026-03-02 09:00`, as people write it in the book. */
function localTime(iso: string | null): string | null {
  return iso === null ? null : new Date(new Date(iso).getTime() + VN_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

const CSV_PAGE = 1000;

/** The whole book of the period as CSV chunks (header first), read one page at a time. */
export async function* trackingBookCsv(deps: ServiceDeps, q: { period: ReportPeriod; unitPath: string }): AsyncGenerator<string> {
  yield toCsv([TRACKING_BOOK_CSV_COLUMNS]);
  let cursor: string | undefined;
  do {
    const page = await deps.store.readLong((tx) => trackingBookPage(tx, deps, { ...q, limit: CSV_PAGE, cursor }));
    yield toCsv(
      page.items.map((l) => [
        l.code,
        l.applicant,
        l.procedure.title,
        localTime(l.received_at),
        localTime(l.due_at),
        localTime(l.delivered_at),
        l.status_label,
        l.timeliness === null ? null : TIMELINESS_LABELS[l.timeliness],
        l.officer.name,
      ]),
    );
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
}
