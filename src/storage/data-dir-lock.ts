/**
 * One writer process per SQLite data folder. Group commit and gap-free audit numbering assume
 * a single writer; a second `motcua serve` on the same file would make every commit fight for
 * the lock and stall the event loop in busy waits.
 *
 * The lock is an OS-level exclusive file lock, held through a tiny side database
 * (`motcua.lock`) opened in SQLite's EXCLUSIVE locking mode. The kernel drops it when the
 * process ends in any way, SIGKILL included, so a crash never leaves a stale lock behind and
 * pid reuse cannot fool it. `motcua.pid` only names the holder in the refusal message.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MotcuaError } from '../errors/index.js';
import { dialectErrors } from './capabilities.js';

/** A held data-folder lock. */
export interface DataDirLock {
  release(): void;
}

/** Takes the writer lock on `dataDir`, or throws MotcuaError 'unavailable' naming the holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = join(dataDir, 'motcua.lock');
  const pidPath = join(dataDir, 'motcua.pid');
  // timeout 0: a held lock must be reported at once, not waited for.
  const handle = new Database(lockPath, { timeout: 0 });
  try {
    handle.pragma('locking_mode = EXCLUSIVE');
    // The exclusive file lock taken here is kept until the handle closes (EXCLUSIVE locking mode).
    handle.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (e) {
    handle.close();
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (dialectErrors.sqlite.busy as readonly string[]).includes(code)) {
      const holder = readHolder(pidPath);
      throw new MotcuaError(
        'unavailable',
        `another motcua process${holder} is already using the data folder ${dataDir}; ` +
          'stop it first, point MOTCUA_DATA_DIR elsewhere, or set DATABASE_URL to let several processes share PostgreSQL',
        { dataDir },
      );
    }
    throw e;
  }
  writeFileSync(pidPath, `${process.pid}\n`);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      rmSync(pidPath, { force: true });
      handle.close();
    },
  };
}

function readHolder(pidPath: string): string {
  try {
    const pid = readFileSync(pidPath, 'utf8').trim();
    return /^\d+$/.test(pid) ? ` (pid ${pid})` : '';
  } catch {
    return '';
  }
}
