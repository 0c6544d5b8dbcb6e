/**
 * The storage port: `openStore()` gives a {@link Store} on SQLite (default) or PostgreSQL,
 * with the same API and the same schema. The service runs each command through `write()`.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../clock/index.js';
import { MotcuaError } from '../errors/index.js';
import type { Capabilities } from './capabilities.js';
import type { Database } from './schema.js';

/** A command's view of the database: Kysely bound to its transaction, plus the capabilities. */
export interface Tx {
  /** Use only inside the command; never start a transaction on it. */
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  /**
   * The audit log's head as this transaction sees it, kept in memory by a single-writer store
   * (SQLite) so an append need not read it back; absent where other processes append too.
   */
  readonly auditHead?: AuditHeadMemo;
}

/** The last audit entry, as the append that follows needs it. */
export interface AuditHead {
  seq: number;
  chain_hash: string;
}

/** A remembered audit head; `undefined` means "not known: read it from the table". */
export interface AuditHeadMemo {
  get(): AuditHead | undefined;
  set(head: AuditHead): void;
}

/** One unit of work; it runs all-or-nothing and may run more than once on PostgreSQL (retries). */
export type Command<T> = (tx: Tx) => Promise<T>;

/** Counters for tests, benchmarks and health pages. */
export interface StoreStats {
  /** Commands that committed. */
  committedCommands: number;
  /** Commands that failed (their own error, or their batch's). */
  failedCommands: number;
  /** Transactions committed: one per batch on SQLite, one per command on PostgreSQL. */
  commits: number;
  /** Batches run (SQLite). */
  batches: number;
  /** Largest batch so far. */
  largestBatch: number;
  /** Commands waiting now. */
  queued: number;
  /** Writes refused because too many were waiting. */
  refused: number;
  /** Transactions run again after a serialization failure or deadlock (PostgreSQL). */
  retries: number;
  /** WAL checkpoints done by the background thread (SQLite; see wal-checkpointer.ts). */
  backgroundCheckpoints: number;
}

/** The database, opened. */
export interface Store {
  /**
   * The underlying Kysely instance (SQLite: the writer connection). For migrations and tools;
   * application code goes through {@link Store.write} and {@link Store.read}.
   */
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  readonly clock: Clock;
  /** Where the data lives, for messages: the SQLite file, or the PostgreSQL URL without password. */
  readonly location: string;
  /**
   * Runs one command all-or-nothing and resolves only after its changes are durably committed.
   * A command that throws leaves no trace and its error rejects only its own promise.
   * Commands must do database work only (no network waits), must not call `write()` themselves
   * (that waits on its own batch), and must be safe to run again (PostgreSQL retries them).
   */
  write<T>(fn: Command<T>): Promise<T>;
  /** Runs a read-only unit of work on one consistent snapshot of committed data. */
  read<T>(fn: Command<T>): Promise<T>;
  /**
   * {@link Store.read} for work that may take long (reports, searches no index serves): on
   * SQLite it runs on a read-only connection in a worker thread (long-reads.ts), so requests keep
   * being answered meanwhile; each query costs a message round trip, so short reads belong on
   * `read()`.
   */
  readLong<T>(fn: Command<T>): Promise<T>;
  stats(): StoreStats;
  /** Finishes queued writes, then closes connections and releases the data folder. */
  close(): Promise<void>;
}

/** How to open the store. Nothing is read from DATABASE_URL here: the caller decides. */
export interface StoreConfig {
  /** SQLite data folder (created if missing). Default: env MOTCUA_DATA_DIR, else ./data. */
  dataDir?: string | undefined;
  /** `postgres://…`: use PostgreSQL instead of SQLite. */
  databaseUrl?: string | undefined;
  clock?: Clock | undefined;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean | undefined;
  /** SQLite: most commands committed together (default 256). */
  maxBatch?: number | undefined;
  /** Most writes waiting before new ones are refused with 'unavailable' (default 8192). */
  maxQueued?: number | undefined;
  /**
   * SQLite: how long a batch may wait for the callers of the batch before it to come back, so
   * concurrent clients share one fsync (default 4 ms; 0: never wait). See group-commit.ts.
   */
  batchGatherMs?: number | undefined;
  /** SQLite: how long to wait for a lock held by another program (default 5000 ms). */
  busyTimeoutMs?: number | undefined;
  /** SQLite: serve `read()` from a second, read-only connection (default true). */
  separateReader?: boolean | undefined;
  /** SQLite: threads (each a read-only connection) serving `readLong()`, started on use (default 2). */
  longReadThreads?: number | undefined;
  /**
   * SQLite: checkpoint the WAL from a background thread once the writer has committed
   * `startAfterCommits` transactions (default 64), asking after every `commandsPerCheckpoint`
   * committed commands (default 64); `false`: the writer checkpoints itself, as SQLite does by
   * default.
   */
  walCheckpointer?: { startAfterCommits?: number; commandsPerCheckpoint?: number } | false | undefined;
  /**
   * SQLite: refresh the query planner's statistics (`PRAGMA optimize`) this often while open
   * (default one hour), as SQLite advises for long-lived connections; tables that grew since the
   * last analysis get planned from their real size.
   */
  optimizeEveryMs?: number | undefined;
  /** PostgreSQL: connections in the pool (default 10). */
  poolSize?: number | undefined;
  /** PostgreSQL: times a command is run again after a serialization failure or deadlock (default 5). */
  maxRetries?: number | undefined;
  /** Environment for defaults (default process.env). */
  env?: Record<string, string | undefined> | undefined;
}

/** Settings after defaults. */
export interface ResolvedStoreConfig {
  dataDir: string;
  databaseUrl: string | undefined;
  clock: Clock;
  migrate: boolean;
  maxBatch: number;
  maxQueued: number;
  batchGatherMs: number;
  busyTimeoutMs: number;
  separateReader: boolean;
  longReadThreads: number;
  walCheckpointer: { startAfterCommits: number; commandsPerCheckpoint: number } | null;
  optimizeEveryMs: number;
  poolSize: number;
  maxRetries: number;
}

/** Name of the SQLite database file inside the data folder. */
export const sqliteFileName = 'motcua.db';

/** Opens the store, applying migrations unless `migrate: false`. */
export async function openStore(config: StoreConfig = {}): Promise<Store> {
  const resolved = resolveStoreConfig(config);
  if (resolved.databaseUrl !== undefined) {
    const { openPostgresStore } = await import('./postgres-store.js');
    return openPostgresStore(resolved.databaseUrl, resolved);
  }
  mkdirSync(resolved.dataDir, { recursive: true, mode: 0o700 });
  const { openSqliteStore } = await import('./sqlite-store.js');
  return openSqliteStore(resolved);
}

/** Applies defaults and checks the settings. */
export function resolveStoreConfig(config: StoreConfig): ResolvedStoreConfig {
  const env = config.env ?? process.env;
  const url = config.databaseUrl === '' ? undefined : config.databaseUrl;
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    throw new MotcuaError('badRequest', 'DATABASE_URL must start with postgres:// (leave it unset to use the embedded SQLite file)');
  }
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < 1) throw new MotcuaError('badRequest', `store setting ${name} must be a positive integer, got ${v}`);
    return v;
  };
  return {
    dataDir: resolve(config.dataDir ?? (env.MOTCUA_DATA_DIR || 'data')),
    databaseUrl: url,
    clock: config.clock ?? systemClock,
    migrate: config.migrate ?? true,
    maxBatch: positive('maxBatch', config.maxBatch, 256),
    maxQueued: positive('maxQueued', config.maxQueued, 8192),
    batchGatherMs: config.batchGatherMs === 0 ? 0 : positive('batchGatherMs', config.batchGatherMs, 4),
    busyTimeoutMs: positive('busyTimeoutMs', config.busyTimeoutMs, 5000),
    separateReader: config.separateReader ?? true,
    longReadThreads: positive('longReadThreads', config.longReadThreads, 2),
    optimizeEveryMs: positive('optimizeEveryMs', config.optimizeEveryMs, 60 * 60 * 1000),
    walCheckpointer:
      config.walCheckpointer === false
        ? null
        : {
            startAfterCommits: positive('walCheckpointer.startAfterCommits', config.walCheckpointer?.startAfterCommits, 64),
            commandsPerCheckpoint: positive('walCheckpointer.commandsPerCheckpoint', config.walCheckpointer?.commandsPerCheckpoint, 64),
          },
    poolSize: positive('poolSize', config.poolSize, 10),
    maxRetries: config.maxRetries ?? 5,
  };
}

/** Counters at zero. */
export function emptyStats(): StoreStats {
  return { committedCommands: 0, failedCommands: 0, commits: 0, batches: 0, largestBatch: 0, queued: 0, refused: 0, retries: 0, backgroundCheckpoints: 0 };
}
