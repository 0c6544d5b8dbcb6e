/**
 * Prepared-statement reuse for Kysely's SQLite driver. The driver calls `prepare(sql)` for
 * every query; with better-sqlite3 that re-parses and re-plans the SQL each time, a large share
 * of a small query's cost. Kysely compiles the same builder chain to the same SQL text, so
 * caching statements by text turns the hot path into bind-and-step.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Wraps a better-sqlite3 handle so Kysely reuses prepared statements (at most `capacity` kept). */
export function withStatementCache(raw: BetterSqlite3.Database, capacity = 512): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      raw.close();
    },
    prepare(text: string): SqliteStatement {
      const cached = cache.get(text);
      // A statement still being iterated (a streamed select) cannot be re-run; give the caller a fresh one.
      if (cached !== undefined && !cached.busy) return cached;
      const statement = raw.prepare(text);
      if (cached === undefined) {
        if (cache.size >= capacity) {
          // Evict the oldest entry; a Map iterates in insertion order.
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
        cache.set(text, statement);
      }
      return statement;
    },
  };
}
