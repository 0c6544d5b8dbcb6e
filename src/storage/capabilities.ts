/**
 * Everything that differs between SQLite and PostgreSQL, in one place. Code elsewhere asks a
 * named capability (`supportsSkipLocked`…), never "which database is this?", so a third
 * dialect is one more object here, not a hunt through the code base.
 */

/** What the store's database can do, and how portable columns are spelled on it. */
export interface Capabilities {
  /** For messages and logs only; never branch on it. */
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * `SELECT … FOR UPDATE`: a read-then-write command must lock the rows it read, or a
   * concurrent transaction may change them in between. Without it (SQLite) commands already
   * run one at a time on the single writer, so the read is stable anyway.
   */
  readonly supportsRowLocks: boolean;
  /** `SELECT … FOR UPDATE SKIP LOCKED`: several nodes claim disjoint timer rows at once. */
  readonly supportsSkipLocked: boolean;
  /** `pg_advisory_xact_lock`: serializes audit appends across nodes so `seq` stays gap-free. */
  readonly supportsAdvisoryLocks: boolean;
  /**
   * `write()` commits concurrent commands together (group commit: one transaction, a
   * savepoint per command, one fsync). False: each command is its own transaction and the
   * server groups WAL flushes itself.
   */
  readonly batchesWrites: boolean;
  /** `INSERT/UPDATE … RETURNING`. */
  readonly returning: boolean;
  /** Several motcua processes may use the database at once (else: one writer process). */
  readonly multiProcess: boolean;
  /** Transactions can fail with a serialization failure or deadlock and are retried. */
  readonly retriesTransactions: boolean;
  /**
   * `readLong()` runs on worker threads with connections of their own, a few reads at a time,
   * because reads through the driver hold the serving thread (SQLite). False: long reads are
   * ordinary pool reads, which never hold it (PostgreSQL).
   */
  readonly longReadsOnThreads: boolean;
  /** Column type of instants. Values are ISO-8601 UTC strings (`toISOString()`) on both. */
  readonly timeType: 'text' | 'timestamptz';
  /** Column type of JSON documents. Values are JSON text on both (parsed at the boundary). */
  readonly jsonType: 'text' | 'jsonb';
  /** 64-bit integer column type (read back as a JS number on both). */
  readonly bigintType: 'integer' | 'bigint';
  /** Collation that orders text by code point, so path ranges and prefixes use the index. */
  readonly binaryCollation: string | null;
  /** Store-generated integer keys: `integer primary key` (rowid) or an identity column. */
  readonly autoIdStyle: 'rowid' | 'identity';
  /** Language of the append-only triggers. */
  readonly triggerStyle: 'sqlite' | 'plpgsql';
  /** Instants carry a CHECK that they are exactly `YYYY-MM-DDTHH:MM:SS.sssZ`, so text order is time order. */
  readonly checksTimeFormat: boolean;
}

/** SQLite through better-sqlite3: embedded, one writer process, group commit in-process. */
export const sqliteCapabilities: Capabilities = Object.freeze({
  dialect: 'sqlite',
  supportsRowLocks: false,
  supportsSkipLocked: false,
  supportsAdvisoryLocks: false,
  batchesWrites: true,
  returning: true,
  multiProcess: false,
  retriesTransactions: false,
  longReadsOnThreads: true,
  timeType: 'text',
  jsonType: 'text',
  bigintType: 'integer',
  binaryCollation: null,
  autoIdStyle: 'rowid',
  triggerStyle: 'sqlite',
  checksTimeFormat: true,
});

/** PostgreSQL through pg: shared by several stateless nodes. */
export const postgresCapabilities: Capabilities = Object.freeze({
  dialect: 'postgres',
  supportsRowLocks: true,
  supportsSkipLocked: true,
  supportsAdvisoryLocks: true,
  batchesWrites: false,
  returning: true,
  multiProcess: true,
  retriesTransactions: true,
  longReadsOnThreads: false,
  timeType: 'timestamptz',
  jsonType: 'jsonb',
  bigintType: 'bigint',
  binaryCollation: '"C"',
  autoIdStyle: 'identity',
  triggerStyle: 'plpgsql',
  checksTimeFormat: false,
});

/** How each dialect reports the failures storage reacts to (SQLite codes / PostgreSQL SQLSTATEs). */
export const dialectErrors = {
  sqlite: {
    uniqueViolation: ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'],
    foreignKeyViolation: ['SQLITE_CONSTRAINT_FOREIGNKEY'],
    busy: ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED'],
  },
  postgres: {
    uniqueViolation: ['23505'],
    foreignKeyViolation: ['23503'],
    /** serialization_failure, deadlock_detected: the transaction may simply be run again. */
    retryable: ['40001', '40P01'],
    /** Connection exceptions (08…), admin shutdown / crash (57P…), too many connections. */
    unavailablePrefixes: ['08', '57P', '53300'],
  },
} as const;
