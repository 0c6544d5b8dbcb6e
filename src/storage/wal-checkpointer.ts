/**
 * Checkpoints off the serving thread. In WAL mode SQLite copies committed pages back into the
 * database file (a checkpoint) from inside the COMMIT that crosses `wal_autocheckpoint` pages:
 * on a busy server that is the writer, on the event loop, copying a thousand pages and waiting
 * for an fsync of the database file every few batches. Here a worker thread with its own
 * connection runs PASSIVE checkpoints instead, asked every few dozen committed commands (a
 * measure of the pages written: a batch of 30 commands writes ~90, one command alone ~6); the
 * writer keeps a much higher automatic threshold only as a safety net, and goes back to the
 * default if the thread fails. Durability is unchanged: COMMIT still fsyncs the WAL (synchronous=FULL), and a
 * checkpoint only moves pages that are already durable.
 *
 * The thread starts after the writer's first `startAfterCommits` commits, so short-lived stores
 * (tools, most tests) never pay for it.
 */
import { Worker } from 'node:worker_threads';

/** What the thread is started with. */
export interface CheckpointWorkerData {
  file: string;
  busyTimeoutMs: number;
}

/** Messages to the thread. */
export type CheckpointRequest = { type: 'checkpoint' } | { type: 'close' };

/** Messages from the thread. */
export type CheckpointReply =
  | { type: 'ready' }
  | { type: 'checkpointed'; walFrames: number; copiedFrames: number; busy: boolean; ms: number }
  | { type: 'failed'; message: string }
  | { type: 'closed' };

/** SQLite's default `wal_autocheckpoint`, used whenever no background thread is checkpointing. */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** The writer's own threshold while the thread runs: reached only if the thread falls far behind. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

export interface WalCheckpointerOptions {
  file: string;
  busyTimeoutMs: number;
  startAfterCommits: number;
  /** Commands committed between two requests for a checkpoint. */
  commandsPerCheckpoint: number;
  /** Sets the writer connection's `wal_autocheckpoint`. */
  setWriterAutocheckpoint(pages: number): void;
}

export interface WalCheckpointerStats {
  /** The thread is up and checkpointing. */
  running: boolean;
  checkpoints: number;
  failures: number;
}

export interface WalCheckpointer {
  /** Tells the checkpointer the writer committed a transaction of `commands` commands. */
  committed(commands: number): void;
  stats(): WalCheckpointerStats;
  /**
   * Resolves once the thread has finished `count` checkpoints in all (at once if it already
   * has); rejects if the thread fails or the checkpointer closes first. For tests, which would
   * otherwise poll the counters with a deadline.
   */
  checkpointed(count: number): Promise<void>;
  /** Stops the thread (after the checkpoint it is running, if any). */
  close(): Promise<void>;
}


/** Creates the checkpointer; the thread itself starts later (see the module comment). */
export function createWalCheckpointer(options: WalCheckpointerOptions): WalCheckpointer {
  const stats: WalCheckpointerStats = { running: false, checkpoints: 0, failures: 0 };
  let worker: Worker | undefined;
  let exited: Promise<void> | undefined;
  let commits = 0;
  let sinceRequest = 0;
  let inFlight = false;
  let closing = false;
  let waiters: Array<{ count: number; resolve(): void; reject(error: Error): void }> = [];

  const wake = () => {
    const done = waiters.filter((w) => w.count <= stats.checkpoints);
    waiters = waiters.filter((w) => w.count > stats.checkpoints);
    for (const w of done) w.resolve();
  };

  // Why no further checkpoint will come (the thread failed or stopped), once that is so.
  let ended: string | undefined;
  const giveUp = (why: string) => {
    ended ??= why;
    const left = waiters;
    waiters = [];
    for (const w of left) w.reject(new Error(`the background checkpointer ${why} before its checkpoint number ${w.count} (${stats.checkpoints} done)`));
  };

  const request = () => {
    if (!stats.running || inFlight || worker === undefined) return;
    inFlight = true;
    sinceRequest = 0;
    worker.postMessage({ type: 'checkpoint' });
  };

  const fail = () => {
    if (stats.running) options.setWriterAutocheckpoint(DEFAULT_AUTOCHECKPOINT_PAGES);
    stats.running = false;
    stats.failures += 1;
    giveUp('failed');
  };

  const start = () => {
    const workerData: CheckpointWorkerData = { file: options.file, busyTimeoutMs: options.busyTimeoutMs };
    // Plain JavaScript next to this module, in src/ and in dist/ alike; no loader flags of ours.
    const w = new Worker(new URL('./wal-checkpoint-worker.js', import.meta.url), { workerData, execArgv: [] });
    worker = w;
    // The store's close() stops it; it must not keep a process alive that forgot to.
    w.unref();
    exited = new Promise((resolve) => w.once('exit', () => resolve()));
    w.on('message', (reply: CheckpointReply) => {
      switch (reply.type) {
        case 'ready':
          if (closing) return;
          stats.running = true;
          options.setWriterAutocheckpoint(FALLBACK_AUTOCHECKPOINT_PAGES);
          if (sinceRequest >= options.commandsPerCheckpoint) request();
          return;
        case 'checkpointed':
          inFlight = false;
          stats.checkpoints += 1;
          wake();
          if (sinceRequest >= options.commandsPerCheckpoint) request();
          return;
        case 'failed':
          inFlight = false;
          fail();
          void w.terminate();
          return;
        case 'closed':
          return;
      }
    });
    w.on('error', () => fail());
    w.on('exit', () => {
      if (stats.running && !closing) fail();
      stats.running = false;
      giveUp('stopped');
    });
  };

  return {
    committed(commands) {
      if (closing) return;
      commits += 1;
      sinceRequest += commands;
      if (worker === undefined) {
        if (commits >= options.startAfterCommits) start();
        return;
      }
      if (sinceRequest >= options.commandsPerCheckpoint) request();
    },
    stats: () => ({ ...stats }),
    checkpointed(count) {
      if (count <= stats.checkpoints) return Promise.resolve();
      if (closing || ended !== undefined) {
        return Promise.reject(new Error(`the background checkpointer ${ended ?? 'closed'} after ${stats.checkpoints} checkpoints`));
      }
      return new Promise((resolve, reject) => waiters.push({ count, resolve, reject }));
    },
    async close() {
      closing = true;
      if (worker === undefined) {
        giveUp('closed');
        return;
      }
      if (stats.running) options.setWriterAutocheckpoint(DEFAULT_AUTOCHECKPOINT_PAGES);
      stats.running = false;
      // Referenced again, or an otherwise idle process would exit before the thread has closed.
      worker.ref();
      worker.postMessage({ type: 'close' });
      await exited;
    },
  };
}
