// @ts-check
/**
 * The background WAL checkpointer's thread (see wal-checkpointer.ts). It holds its own
 * connection to the database file and, when asked, copies committed WAL frames into the
 * database file with a PASSIVE checkpoint: it never takes the write lock, so the writer keeps
 * committing while it runs, and the copying and the database file's fsync happen here, not on
 * the thread that serves requests.
 *
 * Plain JavaScript (type-checked through JSDoc), so the same file runs as a worker thread from
 * the sources (tests, benches) and from dist/, where the build copies it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @typedef {import('./wal-checkpointer.js').CheckpointWorkerData} CheckpointWorkerData */
/** @typedef {import('./wal-checkpointer.js').CheckpointRequest} CheckpointRequest */
/** @typedef {import('./wal-checkpointer.js').CheckpointReply} CheckpointReply */

const port = parentPort;
if (port === null) throw new Error('wal-checkpoint-worker.js runs as a worker thread');
const { file, busyTimeoutMs } = /** @type {CheckpointWorkerData} */ (workerData);
/** @param {CheckpointReply} reply */
const post = (reply) => port.postMessage(reply);
/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/** @type {Database.Database | undefined} */
let db;
try {
  db = new Database(file, { fileMustExist: true, timeout: busyTimeoutMs });
  // This connection never writes; it must not checkpoint on a schedule of its own either.
  db.pragma('wal_autocheckpoint = 0');
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'failed', message: messageOf(e) });
}

port.on('message', (/** @type {CheckpointRequest} */ request) => {
  if (request.type === 'close') {
    db?.close();
    db = undefined;
    post({ type: 'closed' });
    port.close();
    return;
  }
  if (db === undefined) return;
  const started = performance.now();
  try {
    const [row] = /** @type {{ busy: number; log: number; checkpointed: number }[]} */ (db.pragma('wal_checkpoint(PASSIVE)'));
    post({ type: 'checkpointed', walFrames: row?.log ?? 0, copiedFrames: row?.checkpointed ?? 0, busy: row?.busy === 1, ms: performance.now() - started });
  } catch (e) {
    post({ type: 'failed', message: messageOf(e) });
  }
});
