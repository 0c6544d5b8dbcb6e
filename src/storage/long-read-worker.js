// @ts-check
/**
 * The long-read thread (see long-reads.ts): a read-only connection to the database file that
 * runs the SQL it is sent, one statement at a time, and answers with the rows. A report that
 * scans a million dossiers runs here, not on the thread that serves requests.
 *
 * Plain JavaScript (type-checked through JSDoc), so the same file runs as a worker thread from
 * the sources (tests, benches) and from dist/, where the build copies it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @typedef {import('./long-reads.js').LongReadWorkerData} LongReadWorkerData */
/** @typedef {import('./long-reads.js').LongReadRequest} LongReadRequest */
/** @typedef {import('./long-reads.js').LongReadReply} LongReadReply */

const port = parentPort;
if (port === null) throw new Error('long-read-worker.js runs as a worker thread');
const { file, busyTimeoutMs } = /** @type {LongReadWorkerData} */ (workerData);
/** @param {LongReadReply} reply */
const post = (reply) => port.postMessage(reply);

/** @type {Database.Database | undefined} */
let db;
/** @type {string | undefined} */
let openFailure;
try {
  db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
} catch (e) {
  openFailure = e instanceof Error ? e.message : String(e);
}

/** Statements by SQL text: reports run the same few queries again and again. */
const statements = new Map();
const CAPACITY = 128;

port.on('message', (/** @type {LongReadRequest} */ request) => {
  if (request.type === 'close') {
    statements.clear();
    db?.close();
    db = undefined;
    port.close();
    return;
  }
  try {
    if (db === undefined) throw new Error(`the long-read connection could not open ${file}: ${openFailure ?? 'closed'}`);
    /** @type {Database.Statement | undefined} */
    let statement = statements.get(request.sql);
    if (statement === undefined) {
      statement = db.prepare(request.sql);
      if (statements.size >= CAPACITY) statements.clear();
      statements.set(request.sql, statement);
    }
    const parameters = /** @type {unknown[]} */ (request.parameters);
    if (statement.reader) {
      // Row by row, not all(): all() builds every row inside native code, where a result larger
      // than the thread's heap bound aborts the whole process; between rows the bound can stop
      // just this thread.
      const rows = [];
      for (const row of statement.iterate(parameters)) rows.push(row);
      post({ type: 'rows', id: request.id, rows });
    } else {
      // BEGIN and COMMIT of the read transaction; the connection is read-only, so nothing else runs.
      statement.run(parameters);
      post({ type: 'rows', id: request.id, rows: [] });
    }
  } catch (e) {
    const code = /** @type {{ code?: unknown }} */ (e).code;
    post({ type: 'failed', id: request.id, message: e instanceof Error ? e.message : String(e), code: typeof code === 'string' ? code : undefined });
  }
});
