/**
 * Group commit for a single-writer database (SQLite). A durable commit costs an fsync, and
 * one fsync per command caps throughput at the disk's flush rate. So commands queue up; a
 * runner takes every waiting command (up to a bound), opens ONE transaction, runs each command
 * inside its own savepoint, commits once, and only then settles each command's promise.
 *
 * - A command that throws is rolled back to its savepoint: it leaves no trace and its error
 *   rejects only its own promise; the others still commit.
 * - No command is acknowledged before the COMMIT that makes it durable. If BEGIN or COMMIT
 *   fails, or the database abandons the transaction mid-batch (disk full, I/O error), every
 *   command of the batch is rejected: none of them is stored.
 * - The queue is bounded: past `maxQueued` waiting commands, new ones are refused at once
 *   ('unavailable') instead of piling up memory and latency.
 * - Callers come back. The commands just acknowledged were, under load, mostly sent by
 *   clients that send their next one at once, and while a batch runs the event loop cannot
 *   read them: left alone, concurrent clients split into two cohorts that alternate, each
 *   paying a whole fsync. So when a batch ended moments ago, the next one waits (at most
 *   `gatherMs`) until as many commands are queued as the last batch had plus those that
 *   queued behind it. A lone client is never held up: its target is itself.
 */
import { MotcuaError } from '../errors/index.js';
import type { Command, StoreStats, Tx } from './store.js';

/** The transaction statements of the write connection, run synchronously. */
export interface BatchControl {
  begin(): void;
  savepoint(): void;
  release(): void;
  rollbackToSavepoint(): void;
  /** `commands`: how many commands the transaction holds (not counting those rolled back). */
  commit(commands: number): void;
  rollback(): void;
  /** False once the database itself has rolled the transaction back. */
  inTransaction(): boolean;
}

/** What the runner needs from the store. */
export interface GroupCommitDeps {
  /** Runs `body` while holding the write connection; `tx` is bound to it. */
  withConnection(body: (tx: Tx) => Promise<void>): Promise<void>;
  control: BatchControl;
  maxBatch: number;
  maxQueued: number;
  /**
   * Longest wait for callers of the last batch to come back before starting the next one
   * (0: start at once). Below the cost of the fsync it saves.
   */
  gatherMs?: number;
  /** Monotonic milliseconds (tests inject one). */
  now?: () => number;
  /** Updated in place. */
  stats: StoreStats;
  /** Turns a failure of the transaction itself into the error every command of the batch sees. */
  describeFailure(error: unknown): unknown;
  /**
   * State the store keeps in memory about what the transaction wrote (the audit head): saved
   * before each command, restored when the command rolls back, forgotten when a batch fails.
   */
  memo?: TransactionMemo;
}

/** In-memory state that must follow the transaction's fate. */
export interface TransactionMemo {
  save(): unknown;
  restore(saved: unknown): void;
  forget(): void;
}

/** A running group-commit queue. */
export interface GroupCommit {
  submit<T>(fn: Command<T>): Promise<T>;
  /** Refuses new commands, and resolves once every queued one has settled. */
  close(): Promise<void>;
}

/** Thrown inside a batch when the database dropped the whole transaction under a command. */
export class TransactionLostError extends Error {
  constructor(cause: unknown) {
    super(`the database abandoned the transaction: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TransactionLostError';
  }
}

interface Pending {
  fn: Command<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Starts a group-commit queue over one write connection. */
export function createGroupCommit(deps: GroupCommitDeps): GroupCommit {
  const { control: c, stats } = deps;
  const queue: Pending[] = [];
  let scheduled = false;
  let running = false;
  let closing = false;
  let idle: Array<() => void> = [];
  const gatherMs = deps.gatherMs ?? 0;
  const now = deps.now ?? (() => performance.now());
  // What the next batch waits for: a queue this long, if the last batch (of several callers)
  // ended less than `recentMs` before the first command of the next one arrived.
  let gatherTarget = 0;
  let lastEnded = Number.NEGATIVE_INFINITY;
  const recentMs = 5 * gatherMs;
  let gathering: NodeJS.Timeout | undefined;

  function startSoon(): void {
    // A macrotask, not a microtask: requests already read from sockets in this turn of the
    // event loop get to join the batch before it starts.
    setImmediate(() => void run());
  }

  function schedule(): void {
    if (running) return;
    if (scheduled) {
      // Everyone expected is here: stop waiting.
      if (gathering !== undefined && queue.length >= gatherTarget) {
        clearTimeout(gathering);
        gathering = undefined;
        startSoon();
      }
      return;
    }
    scheduled = true;
    if (queue.length < gatherTarget && now() - lastEnded < recentMs && !closing) {
      gathering = setTimeout(() => {
        gathering = undefined;
        void run();
      }, gatherMs);
      return;
    }
    startSoon();
  }

  async function run(): Promise<void> {
    scheduled = false;
    running = true;
    const batch = queue.splice(0, deps.maxBatch);
    stats.queued = queue.length;
    try {
      await runBatch(batch);
    } finally {
      running = false;
      gatherTarget = batch.length > 1 && gatherMs > 0 ? Math.min(deps.maxBatch, batch.length + queue.length) : 0;
      lastEnded = now();
      if (queue.length > 0) schedule();
      else {
        const waiters = idle;
        idle = [];
        for (const wake of waiters) wake();
      }
    }
  }

  async function runOne(p: Pending, tx: Tx): Promise<Outcome> {
    c.savepoint();
    const saved = deps.memo?.save();
    try {
      const value = await p.fn(tx);
      c.release();
      return { ok: true, value };
    } catch (error) {
      // Some errors (disk full, I/O) make SQLite roll back the whole transaction: the earlier
      // commands' work is gone too, so the batch must fail rather than commit a partial set.
      if (!c.inTransaction()) throw new TransactionLostError(error);
      c.rollbackToSavepoint();
      deps.memo?.restore(saved);
      c.release();
      return { ok: false, error };
    }
  }

  async function runBatch(batch: Pending[]): Promise<void> {
    const outcomes: Outcome[] = [];
    let failure: { error: unknown } | undefined;
    try {
      await deps.withConnection(async (tx) => {
        c.begin();
        try {
          for (const p of batch) outcomes.push(await runOne(p, tx));
          c.commit(outcomes.filter((o) => o.ok).length);
        } catch (e) {
          // A failed COMMIT can leave the transaction open (e.g. a deferred constraint); end it.
          if (c.inTransaction()) c.rollback();
          throw e;
        }
      });
    } catch (e) {
      deps.memo?.forget();
      failure = { error: deps.describeFailure(e) };
    }
    stats.batches += 1;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    if (failure === undefined) stats.commits += 1;
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (failure === undefined && outcome?.ok === true) {
        stats.committedCommands += 1;
        p.resolve(outcome.value);
      } else {
        stats.failedCommands += 1;
        // A command that failed on its own keeps its own error even when the batch failed too.
        p.reject(outcome !== undefined && !outcome.ok ? outcome.error : failure?.error);
      }
    });
  }

  return {
    submit<T>(fn: Command<T>): Promise<T> {
      if (closing) {
        return Promise.reject(new MotcuaError('unavailable', 'the store is closing; retry once the server is back'));
      }
      if (queue.length >= deps.maxQueued) {
        stats.refused += 1;
        return Promise.reject(
          new MotcuaError('unavailable', `the database is saturated (${deps.maxQueued} writes waiting); retry in a moment`),
        );
      }
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        stats.queued = queue.length;
        schedule();
      });
    },
    close(): Promise<void> {
      closing = true;
      if (gathering !== undefined) {
        clearTimeout(gathering);
        gathering = undefined;
        startSoon();
      }
      if (!running && !scheduled && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
