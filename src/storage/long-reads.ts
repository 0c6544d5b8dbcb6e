/**
 * Long reads off the serving thread (SQLite). better-sqlite3 runs a query on the calling thread
 * until its last row: a scorecard over a million dossiers held the event loop for two seconds,
 * and every officer's request waited that long. `Store.readLong` runs such reads on a read-only
 * connection in a worker thread (long-read-worker.js) instead, behind a Kysely dialect, so the
 * report code is the same Kysely code as everywhere else and the serving thread keeps answering.
 *
 * One connection, one read transaction at a time (reports queue behind each other, not behind
 * writes: WAL lets the reader see the last committed state while the writer commits). A message
 * round trip costs tens of microseconds, so short reads stay on `Store.read`.
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
import type { Database as Schema } from './schema.js';

/** What the thread is started with. */
export interface LongReadWorkerData {
  file: string;
  busyTimeoutMs: number;
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
export function createLongReads(data: LongReadWorkerData): LongReads {
  let worker: Worker | undefined;
  let exited: Promise<void> | undefined;
  let closing = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (e: unknown) => void }>();

  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(new LongReadError(`the long-read thread stopped (${why})`, undefined));
    pending.clear();
  };

  const start = (): Worker => {
    // Plain JavaScript next to this module, in src/ and in dist/ alike; no loader flags of ours.
    const w = new Worker(new URL('./long-read-worker.js', import.meta.url), { workerData: data, execArgv: [] });
    exited = new Promise((resolve) => w.once('exit', () => resolve()));
    w.on('message', (reply: LongReadReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.type === 'rows') p?.resolve(reply.rows);
      else p?.reject(new LongReadError(reply.message, reply.code));
    });
    w.on('error', (e) => failAll(e.message));
    w.on('exit', (code) => {
      failAll(`exit code ${code}`);
      // A thread that died is started again by the next query.
      if (worker === w) worker = undefined;
    });
    return w;
  };

  const run = (sql: string, parameters: readonly unknown[]): Promise<unknown[]> => {
    if (closing) return Promise.reject(new LongReadError('the store is closed', undefined));
    worker ??= start();
    const w = worker;
    // Referenced while a query runs, so a process waiting only for it stays alive.
    w.ref();
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      w.postMessage({ type: 'query', id, sql, parameters } satisfies LongReadRequest);
    });
  };

  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      return { rows: (await run(query.sql, query.parameters)) as R[] };
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
      await conn.executeQuery(CompiledQuery.raw('begin'));
    },
    async commitTransaction(conn) {
      await conn.executeQuery(CompiledQuery.raw('commit'));
    },
    async rollbackTransaction(conn) {
      await conn.executeQuery(CompiledQuery.raw('rollback'));
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
