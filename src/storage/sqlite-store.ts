/**
 * The embedded store: one SQLite file, `${dataDir}/motcua.db`, one writer process.
 *
 * Durability: WAL with synchronous=FULL, so a COMMIT has reached the disk when it returns.
 * Writes go through group commit (group-commit.ts) on the one write connection, each batch
 * begun IMMEDIATE so it holds the write lock from its first statement (no deadlock-prone lock
 * upgrade). Reads use a second, read-only connection: WAL lets it read the last committed
 * state while a batch is open, and it never sees a batch's uncommitted work. Under sustained
 * writes a background thread checkpoints the WAL (wal-checkpointer.ts), so the writer's
 * COMMIT does not also copy pages into the database file. Long reads (reports) run on a third,
 * read-only connection in a worker thread (long-reads.ts), off the thread serving requests.
 */
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect } from 'kysely';
import { MotcuaError } from '../errors/index.js';
import { sqliteCapabilities } from './capabilities.js';
import { lockDataDir } from './data-dir-lock.js';
import { createGroupCommit, TransactionLostError, type BatchControl } from './group-commit.js';
import { migrateDatabase } from './migrate.js';
import type { Database as Schema } from './schema.js';
import { withStatementCache } from './statement-cache.js';
import { createLongReads } from './long-reads.js';
import { createWalCheckpointer } from './wal-checkpointer.js';
import { emptyStats, sqliteFileName, type AuditHead, type AuditHeadMemo, type Command, type ResolvedStoreConfig, type Store } from './store.js';

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it does not, so its migrator
 * would apply each statement of a migration on its own: a failure (or a kill) halfway through
 * would leave half a migration that the next start cannot apply again. Said truly, the migrator
 * runs the pending migrations and their records in one transaction, as on PostgreSQL.
 */
class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new (class extends SqliteAdapter {
      override get supportsTransactionalDdl(): boolean {
        return true;
      }
    })();
  }
}

/**
 * The SQLite store, with what tests need to wait for its background upkeep. Kept out of
 * {@link Store}: PostgreSQL has no such thread, and application code has no use for it.
 */
export interface SqliteStore extends Store {
  /**
   * Resolves once the background WAL checkpointer has finished `count` checkpoints (default 1)
   * since the store opened; rejects if its thread fails or stops first, or if it is turned off.
   */
  checkpointed(count?: number): Promise<void>;
}

/** Opens (creating if needed) the SQLite store in `config.dataDir`. */
export async function openSqliteStore(config: ResolvedStoreConfig): Promise<SqliteStore> {
  const file = join(config.dataDir, sqliteFileName);
  const lock = lockDataDir(config.dataDir);
  const cleanup: Array<() => unknown> = [() => lock.release()];
  try {
    const isNew = !existsSync(file);
    const raw = new Database(file, { timeout: config.busyTimeoutMs });
    cleanup.unshift(() => raw.open && raw.close());
    // Dossiers hold personal data: a new database is readable by its owner only (SQLite gives
    // the -wal and -shm files the same mode).
    if (isNew) chmodSync(file, 0o600);
    const mode = raw.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new MotcuaError('unavailable', `SQLite could not switch ${file} to WAL (got '${String(mode)}'); put the data folder on a local disk`);
    }
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
    // The statistics below are gathered on the writer, between commands: sampled, an analysis
    // takes ~0.1 s however large the tables (a full one took 0.2 s at 100,000 cases, and grows
    // with them), as SQLite advises for `PRAGMA optimize`.
    raw.pragma('analysis_limit = 1000');
    const db = new Kysely<Schema>({ dialect: new TransactionalDdlSqliteDialect({ database: withStatementCache(raw) }) });
    if (config.migrate) await migrateDatabase(db, sqliteCapabilities);
    // Statistics recorded when the database was nearly empty make the planner scan every timer on
    // each sweep; 0x10002 analyzes the tables whose row counts changed a lot since (cheap otherwise).
    raw.pragma('optimize = 0x10002');

    let readDb = db;
    if (config.separateReader) {
      const rawReader = new Database(file, { readonly: true, fileMustExist: true, timeout: config.busyTimeoutMs });
      cleanup.unshift(() => rawReader.open && rawReader.close());
      readDb = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(rawReader) }) });
    }
    return createSqliteStore(config, file, raw, db, readDb, () => lock.release());
  } catch (e) {
    for (const undo of cleanup) undo();
    throw e;
  }
}

function createSqliteStore(
  config: ResolvedStoreConfig,
  file: string,
  raw: Database.Database,
  db: Kysely<Schema>,
  readDb: Kysely<Schema>,
  releaseLock: () => void,
): SqliteStore {
  const capabilities = sqliteCapabilities;
  const stats = emptyStats();
  const statements = {
    begin: raw.prepare('BEGIN IMMEDIATE'),
    savepoint: raw.prepare('SAVEPOINT motcua_command'),
    release: raw.prepare('RELEASE motcua_command'),
    rollbackTo: raw.prepare('ROLLBACK TO motcua_command'),
    commit: raw.prepare('COMMIT'),
    rollback: raw.prepare('ROLLBACK'),
  };
  const checkpointer =
    config.walCheckpointer === null
      ? undefined
      : createWalCheckpointer({
          file,
          busyTimeoutMs: config.busyTimeoutMs,
          ...config.walCheckpointer,
          setWriterAutocheckpoint: (pages) => {
            if (raw.open) raw.pragma(`wal_autocheckpoint = ${pages}`);
          },
        });
  const control: BatchControl = {
    begin: () => statements.begin.run(),
    savepoint: () => statements.savepoint.run(),
    release: () => statements.release.run(),
    rollbackToSavepoint: () => statements.rollbackTo.run(),
    commit: (commands) => {
      statements.commit.run();
      checkpointer?.committed(commands);
    },
    rollback: () => statements.rollback.run(),
    inTransaction: () => raw.inTransaction,
  };
  // One writer process appends to the audit log, so its head can live in memory between
  // appends; it follows savepoint rollbacks and is forgotten when a batch fails.
  let head: AuditHead | undefined;
  const auditHead: AuditHeadMemo = { get: () => head, set: (h) => (head = h) };
  const group = createGroupCommit({
    withConnection: (body) => db.connection().execute((conn) => body({ db: conn, capabilities, auditHead })),
    memo: { save: () => head, restore: (saved) => (head = saved as AuditHead | undefined), forget: () => (head = undefined) },
    control,
    maxBatch: config.maxBatch,
    gatherMs: config.batchGatherMs,
    maxQueued: config.maxQueued,
    stats,
    describeFailure: (e) => describeSqliteFailure(e, file),
  });

  // Statistics from a small table mislead the planner once it is large (a full scan of the
  // timers per sweep was seen); refreshed in a batch of its own, between commands.
  const optimizer = setInterval(() => {
    group.submit(async () => void raw.pragma('optimize')).catch(() => undefined);
  }, config.optimizeEveryMs);
  optimizer.unref();

  // Each thread starts on its first long read; most stores (tools, most tests) never start one.
  // A long read goes to the thread with the fewest reads running or waiting, so a search does not
  // wait behind a province-wide report while another thread is free.
  const longReads = Array.from({ length: config.longReadThreads }, () => ({ reads: createLongReads({ file, busyTimeoutMs: config.busyTimeoutMs }), load: 0 }));
  const readLong = async <T>(fn: Command<T>): Promise<T> => {
    const lane = longReads.reduce((best, l) => (l.load < best.load ? l : best));
    lane.load += 1;
    try {
      return await lane.reads.db.transaction().execute((trx) => fn({ db: trx, capabilities }));
    } finally {
      lane.load -= 1;
    }
  };

  let closed: Promise<void> | undefined;
  return {
    db,
    capabilities,
    clock: config.clock,
    location: file,
    write: <T>(fn: Command<T>) => group.submit(fn),
    read: <T>(fn: Command<T>) => readDb.transaction().execute((trx) => fn({ db: trx, capabilities })),
    readLong,
    stats: () => ({ ...stats, backgroundCheckpoints: checkpointer?.stats().checkpoints ?? 0 }),
    checkpointed: (count = 1) =>
      checkpointer?.checkpointed(count) ?? Promise.reject(new Error('the background WAL checkpointer is turned off (walCheckpointer: false)')),
    close() {
      closed ??= (async () => {
        try {
          clearInterval(optimizer);
          await group.close();
          await checkpointer?.close();
          await Promise.all(longReads.map((l) => l.reads.close()));
          if (readDb !== db) await readDb.destroy();
          // Keeps the query planner's statistics fresh for the next start; cheap when nothing changed.
          raw.pragma('optimize');
          await db.destroy();
        } finally {
          // Whatever failed above, the next process must be able to open the folder.
          if (raw.open) raw.close();
          releaseLock();
        }
      })();
      return closed;
    },
  };
}

/** SQLite result codes that mean "the database cannot take writes right now", not a bug. */
const unavailableCodes = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;

function describeSqliteFailure(error: unknown, file: string): unknown {
  if (error instanceof MotcuaError) return error;
  const cause = error instanceof TransactionLostError ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && unavailableCodes.test(code)) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const failure = new MotcuaError(
      'unavailable',
      `the database could not commit (${code}: ${message}); nothing of this request was saved. ` +
        `Retry; if it persists, check free disk space and other programs holding ${file}`,
    );
    failure.cause = cause;
    return failure;
  }
  return error;
}
