/**
 * Long reads off the serving thread (SQLite). better-sqlite3 runs a query on the calling thread
 * until its last row: a scorecard over a million dossiers held the event loop for two seconds,
 * and every officer's request waited that long. `Store.readLong` runs such reads on a read-only
 * connection in a worker thread (long-read-worker.js) instead, behind a Kysely dialect, so the
 * report code is the same Kysely code as everywhere else and the serving thread keeps answering.
 *
 * One connection per thread, one read transaction at a time on it (reads queue behind each
 * other there, never behind writes: WAL lets the reader see the last committed state while the
 * writer commits); the store runs a few such threads. A message round trip costs tens of
 * microseconds, so short reads stay on `Store.read`.
 *
 * The thread's heap is bounded: a read that would gather more rows than that stops the
 * thread, not the server. Its caller gets 'unavailable'; reads queued behind it run on a fresh
 * thread.
 */
import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import { MotcuaError } from '../errors/index.js';
import type { Database as Schema } from './schema.js';

/** The long-read thread's heap unless told otherwise: reports and searches read pages and sums, not whole tables. */
export const DEFAULT_LONG_READ_HEAP_MB = 256;

/** What the thread is started with. */
export interface LongReadWorkerData {
  file: string;
  busyTimeoutMs: number;
}

/** How the thread is started. */
export interface LongReadOptions extends LongReadWorkerData {
  /** Bound of the thread's JavaScript heap (rows gathered before they are sent); default 256. */
  maxHeapMb?: number;
}

/** Messages to the thread. */
export type LongReadRequest = { type: 'query'; id: number; sql: string; parameters: readonly unknown[] } | { type: 'close' };

/** Messages from the thread. */
export type LongReadReply = { type: 'rows'; id: number; rows: unknown[] } | { type: 'failed'; id: number; message: string; code: string | undefined };

/** A query that failed in the thread, with SQLite's code as better-sqlite3 gives it. */
export class LongReadError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'LongReadError';
    this.code = code;
  }
}

export interface LongReads {
  /** Kysely over the thread's read-only connection. */
  readonly db: Kysely<Schema>;
  /** Stops the thread after the queries sent so far. */
  close(): Promise<void>;
}

/** Starts the thread (lazily: on the first query) for the SQLite file `file`. */
export function createLongReads(options: LongReadOptions): LongReads {
  const data: LongReadWorkerData = { file: options.file, busyTimeoutMs: options.busyTimeoutMs };
  const maxHeapMb = options.maxHeapMb ?? DEFAULT_LONG_READ_HEAP_MB;
  let worker: Worker | undefined;
  let exited: Promise<void> | undefined;
  let closing = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (e: unknown) => void }>();

  const failAll = (why: string) => {
    const error = new MotcuaError('unavailable', `The connection for long reads stopped (${why}); try again, or narrow the request (a shorter period, a smaller unit, more filters).`);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    // Plain JavaScript next to this module, in src/ and in dist/ alike; no loader flags of ours.
    const w = new Worker(new URL('./long-read-worker.js', import.meta.url), {
      workerData: data,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
    });
    exited = new Promise((resolve) => w.once('exit', () => resolve()));
    w.on('message', (reply: LongReadReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.type === 'rows') p?.resolve(reply.rows);
      else p?.reject(new LongReadError(reply.message, reply.code));
    });
    w.on('error', (e) => {
      // The thread is going: nothing more is sent to it ('exit' follows).
      if (worker === w) worker = undefined;
      const outOfMemory = (e as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      failAll(outOfMemory ? `a read gathered more than its ${maxHeapMb} MB` : e.message);
    });
    w.on('exit', (code) => {
      failAll(`exit code ${code}`);
      // A thread that died is started again by the next query.
      if (worker === w) worker = undefined;
    });
    return w;
  };

  /** The thread queries run on now, started if need be. */
  const current = (): Worker => (worker ??= start());

  /** Runs one statement on thread `on` (the current one by default). */
  const run = (sql: string, parameters: readonly unknown[], on?: Worker): Promise<unknown[]> => {
    if (closing) return Promise.reject(new LongReadError('the store is closed', undefined));
    const w = on ?? current();
    // A transaction lives and dies with its thread: never carry it over to a fresh one.
    if (w !== worker) return Promise.reject(new MotcuaError('unavailable', 'The connection for long reads stopped during this read; try again.'));
    // Referenced while a query runs, so a process waiting only for it stays alive.
    w.ref();
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      w.postMessage({ type: 'query', id, sql, parameters } satisfies LongReadRequest);
    });
  };

  // The thread the open transaction began on (undefined between transactions).
  let transactionOn: Worker | undefined;
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      return { rows: (await run(query.sql, query.parameters, transactionOn)) as R[] };
    },
    async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      throw new LongReadError('long reads are not streamed; read pages instead', undefined);
    },
  };

  // One transaction at a time on the one connection: a queue of holders.
  let held: Promise<void> = Promise.resolve();
  let release: (() => void) | undefined;
  const driver: Driver = {
    async init() {},
    async acquireConnection() {
      const previous = held;
      let done!: () => void;
      held = new Promise<void>((resolve) => (done = resolve));
      await previous;
      release = done;
      return connection;
    },
    async beginTransaction(conn) {
      transactionOn = closing ? undefined : current();
      await conn.executeQuery(CompiledQuery.raw('begin'));
    },
    async commitTransaction(conn) {
      await conn.executeQuery(CompiledQuery.raw('commit'));
      transactionOn = undefined;
    },
    async rollbackTransaction() {
      const on = transactionOn;
      transactionOn = undefined;
      // A thread that stopped took its transaction with it; its successor has none to end.
      if (on !== undefined && on === worker) await run('rollback', [], on);
    },
    async releaseConnection() {
      const done = release;
      release = undefined;
      done?.();
    },
    async destroy() {},
  };
  const dialect: Dialect = {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => driver,
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };

  return {
    db: new Kysely<Schema>({ dialect }),
    async close() {
      closing = true;
      const w = worker;
      if (w === undefined) return;
      w.ref();
      w.postMessage({ type: 'close' } satisfies LongReadRequest);
      await exited;
    },
  };
}
