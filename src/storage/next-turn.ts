/**
 * SQLite reads are synchronous (better-sqlite3): code that reads page after page resolves only
 * promises in between and never gives the event loop a turn, so every request waits until the
 * whole loop is done. Long readers (hashing the audit log, exports, the server-side
 * verification) await this between pages: Node's own promise of the next turn (`setImmediate`).
 */
export { setImmediate as nextTurn } from 'node:timers/promises';
