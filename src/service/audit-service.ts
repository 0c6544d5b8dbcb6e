/**
 * The auditor's side of the audit log: the public key, checkpoints, proofs, entries, the
 * export, server-side verification and read-access records. Every operation is for auditors
 * and administrators only; officers get 403. Also builds the audit parts at start
 * ({@link createAudit}): signing key, checkpointer, access log.
 */
import { verifyExport, type VerifyReport } from '../audit/index.js';
import { isAdmin, isAuditor, type Actor } from '../auth/policy.js';
import { MotcuaError } from '../errors/index.js';
import type { AuditCheckpointRow } from '../storage/index.js';
import { createAccessLog, decodeCursor, encodeCursor, type AccessLog, type AccessQuery, type AccessRecordView } from './audit-access.js';
import { createCheckpointer, type Checkpointer } from './audit-checkpoints.js';
import type { AuditOptions } from './audit-config.js';
import { exportCsvLines, exportJsonLines, listEntries, type EntryQuery, type EntryView, type ExportRange } from './audit-export.js';
import { checkKeyPresent, loadSigningKey, logKeys, registerSigningKey, type ActiveKey } from './audit-keys.js';
import { createProofSource, type ConsistencyProofView, type InclusionProofView } from './audit-proofs.js';
import { latestCheckpoint, readHead } from './audit-reads.js';
import type { ServiceDeps } from './deps.js';

/** A checkpoint as listed. */
export interface CheckpointView {
  size: number;
  created_at: string;
  key_id: string | null;
  /** The signed note, exactly as `motcua audit verify --checkpoint` takes it. */
  note: string;
}

/** Which export. */
export interface ExportQuery {
  format: 'jsonl' | 'csv';
  from_seq?: number | undefined;
  to_seq?: number | undefined;
}

/** An export ready to stream: lines end with their newline. */
export interface AuditExport {
  filename: string;
  contentType: string;
  range: ExportRange;
  lines: AsyncIterable<string>;
}

/** What auditors can ask of the log. */
export interface AuditService {
  publicKey(actor: Actor): Promise<string>;
  keys(actor: Actor): Promise<{ key_id: string; public_key: string; added_at: string; current: boolean }[]>;
  checkpoints(actor: Actor, query: { limit: number; cursor?: string | undefined }): Promise<{ items: CheckpointView[]; next_cursor: string | null }>;
  latestCheckpoint(actor: Actor): Promise<string>;
  inclusion(actor: Actor, seq: number, size?: number): Promise<InclusionProofView>;
  consistency(actor: Actor, from: number, to?: number): Promise<ConsistencyProofView>;
  entries(actor: Actor, query: EntryQuery): Promise<{ items: EntryView[]; next_cursor: string | null }>;
  /** Signs a checkpoint first if the exported range would otherwise end unsigned. */
  exportLog(actor: Actor, query: ExportQuery): Promise<AuditExport>;
  /** Runs the offline verifier over a fresh export, with every key the log has used. */
  verify(actor: Actor, pinned?: string): Promise<VerifyReport>;
  access(actor: Actor, query: AccessQuery): Promise<{ items: AccessRecordView[]; next_cursor: string | null }>;
}

/** The audit parts the composition root wires. */
export interface AuditParts {
  key: ActiveKey;
  checkpointer: Checkpointer;
  access: AccessLog;
  service: AuditService;
}

/** Auditors and administrators read the log; anyone else gets 403. */
export function requireAuditReader(actor: Actor): void {
  if (!isAuditor(actor) && !isAdmin(actor)) throw new MotcuaError('forbidden', 'Only auditors and administrators read the audit log; ask an administrator for the auditor role.');
}

function view(row: AuditCheckpointRow): CheckpointView {
  return { size: Number(row.size), created_at: row.created_at, key_id: row.key_id, note: row.note };
}

/** Loads the key, registers it (recording a rotation if it changed), and builds the audit parts. */
export async function createAudit(deps: ServiceDeps, dataDir: string, options: AuditOptions): Promise<AuditParts> {
  await checkKeyPresent(deps.store, dataDir, options.keyPath);
  const key = await loadSigningKey(dataDir, options.origin, options.keyPath);
  if (key.warning) deps.log(`warning: ${key.warning}`);
  if (key.created) deps.log(`audit: created signing key ${key.keyId} in ${key.privatePath}; keep a backup of it offline`);
  await registerSigningKey(deps, key);
  const checkpointer = createCheckpointer(deps, key, { every: options.checkpointEvery, intervalMs: options.checkpointIntervalMs });
  const access = createAccessLog(deps);
  const proofs = createProofSource(deps.store);
  const store = deps.store;

  const latestSize = async (): Promise<number> => (await store.read((tx) => latestCheckpoint(tx)))?.size ?? 0;
  const sizeOrLatest = async (size: number | undefined): Promise<number> => {
    const s = size ?? (await latestSize());
    if (s === 0) throw new MotcuaError('notFound', 'No checkpoint has been signed yet; give the size explicitly or wait for the first checkpoint.');
    return s;
  };

  /** The range to export and a checkpoint that ends it. */
  const exportRange = async (query: ExportQuery): Promise<ExportRange> => {
    const fromSeq = query.from_seq ?? 1;
    const head = (await store.read(readHead))?.seq ?? 0;
    if (query.to_seq !== undefined && query.to_seq < head) {
      if (query.to_seq < fromSeq) throw new MotcuaError('badRequest', `to_seq (${query.to_seq}) is before from_seq (${fromSeq})`);
      await checkpointer.ensureCheckpoint(query.to_seq);
      return { fromSeq, toSeq: query.to_seq };
    }
    // The whole log: sign the tail if it is unsigned; the new checkpoint's own entry is left for the next export.
    const signed = await checkpointer.checkpointNow();
    return { fromSeq, toSeq: signed?.size ?? (await latestSize()) };
  };

  const service: AuditService = {
    async publicKey(actor) {
      requireAuditReader(actor);
      return key.publicPem;
    },
    async keys(actor) {
      requireAuditReader(actor);
      return (await logKeys(store)).map((k) => ({ ...k, current: k.key_id === key.keyId }));
    },
    async checkpoints(actor, query) {
      requireAuditReader(actor);
      const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const rows = await store.read((tx) => {
        let q = tx.db.selectFrom('audit_checkpoints').selectAll();
        if (before !== undefined) q = q.where('size', '<', before);
        return q.orderBy('size', 'desc').limit(query.limit + 1).execute();
      });
      const items = rows.slice(0, query.limit).map(view);
      const last = items[items.length - 1];
      return { items, next_cursor: rows.length > query.limit && last ? encodeCursor(last.size) : null };
    },
    async latestCheckpoint(actor) {
      requireAuditReader(actor);
      // A young log may have none yet (they come every N entries or M minutes): sign its head now,
      // as an export would, rather than send the inspector away.
      const row = (await store.read((tx) => latestCheckpoint(tx))) ?? (await checkpointer.checkpointNow());
      if (!row) throw new MotcuaError('notFound', 'The audit log is empty, so there is no checkpoint to sign yet; ask again once something has been recorded.');
      return row.note;
    },
    async inclusion(actor, seq, size) {
      requireAuditReader(actor);
      return proofs.inclusion(seq, await sizeOrLatest(size));
    },
    async consistency(actor, from, to) {
      requireAuditReader(actor);
      return proofs.consistency(from, await sizeOrLatest(to));
    },
    async entries(actor, query) {
      requireAuditReader(actor);
      return listEntries(store, deps.units, query);
    },
    async exportLog(actor, query) {
      requireAuditReader(actor);
      const range = await exportRange(query);
      const stem = `motcua-audit-${range.fromSeq}-${range.toSeq}`;
      if (query.format === 'csv') return { filename: `${stem}.csv`, contentType: 'text/csv; charset=utf-8', range, lines: exportCsvLines(store, range) };
      return { filename: `${stem}.jsonl`, contentType: 'application/jsonl; charset=utf-8', range, lines: withNewlines(exportJsonLines(store, key.origin, range)) };
    },
    async verify(actor, pinned) {
      requireAuditReader(actor);
      const range = await exportRange({ format: 'jsonl' });
      const keys = (await logKeys(store)).map((k) => k.public_key);
      return verifyExport(exportJsonLines(store, key.origin, range), { publicKeys: keys.length > 0 ? keys : [key.publicPem], ...(pinned !== undefined ? { pinned } : {}) });
    },
    async access(actor, query) {
      requireAuditReader(actor);
      return access.list(query);
    },
  };
  return { key, checkpointer, access, service };
}

async function* withNewlines(lines: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const line of lines) yield `${line}\n`;
}
