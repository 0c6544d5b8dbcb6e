/**
 * The shared store: PostgreSQL through a pg pool, for several stateless motcua nodes.
 *
 * Each `write()` is its own transaction on a pooled connection. PostgreSQL already flushes the
 * WAL of concurrent commits together, so no in-process batching is needed (or possible across
 * nodes). Serialization failures and deadlocks are retried a bounded number of times.
 * Values come back in the same forms as on SQLite (schema.ts): instants as ISO strings, JSON
 * as text, 64-bit integers as numbers; the parsers are set on this pool only, not globally.
 */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { MotcuaError } from '../errors/index.js';
import { dialectErrors, postgresCapabilities } from './capabilities.js';
import { migrateDatabase } from './migrate.js';
import type { Database as Schema } from './schema.js';
import { emptyStats, type Command, type ResolvedStoreConfig, type Store } from './store.js';

const oids = { int8: 20, json: 114, jsonb: 3802, timestamptz: 1184 } as const;

/** Type parsers giving the portable value forms. */
function portableTypes(): pg.CustomTypesConfig {
  const parseTimestamptz = pg.types.getTypeParser(oids.timestamptz, 'text') as (text: string) => Date;
  const parsers = new Map<number, (text: string) => unknown>([
    [oids.timestamptz, (text) => parseTimestamptz(text).toISOString()],
    [oids.json, (text) => text],
    [oids.jsonb, (text) => text],
    [
      oids.int8,
      (text) => {
        const n = Number(text);
        // A silently rounded id or counter would be worse than a loud failure.
        if (!Number.isSafeInteger(n)) throw new MotcuaError('internal', `64-bit value ${text} exceeds the safe integer range`);
        return n;
      },
    ],
  ]);
  const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' ? (parsers.get(oid) ?? pg.types.getTypeParser(oid, 'text')) : pg.types.getTypeParser(oid, format)) as
    typeof pg.types.getTypeParser;
  return { getTypeParser };
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Opens the store on the PostgreSQL database at `url`. */
export async function openPostgresStore(url: string, config: ResolvedStoreConfig): Promise<Store> {
  const location = redact(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: config.poolSize,
    types: portableTypes(),
    application_name: 'motcua',
    // A command stuck between statements (awaiting something other than the database) would
    // hold its row and advisory locks forever and stall every node; the server ends it instead.
    options: '-c idle_in_transaction_session_timeout=60000',
  });
  // An idle connection dropped by the server (restart, failover) emits here; without a
  // listener that would crash the process. The next query gets a fresh connection.
  pool.on('error', () => undefined);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (config.migrate) await migrateDatabase(db, postgresCapabilities);
    else await db.selectNoFrom((eb) => eb.val(1).as('ok')).execute();
  } catch (e) {
    await db.destroy();
    throw describePostgresFailure(e, location);
  }
  return createPostgresStore(config, location, db);
}

function createPostgresStore(config: ResolvedStoreConfig, location: string, db: Kysely<Schema>): Store {
  const capabilities = postgresCapabilities;
  const stats = emptyStats();
  let inFlight = 0;
  let closing = false;
  let idle: Array<() => void> = [];
  const settle = (): void => {
    inFlight -= 1;
    stats.queued = inFlight;
    if (inFlight === 0) {
      const waiters = idle;
      idle = [];
      for (const wake of waiters) wake();
    }
  };

  async function runWithRetries<T>(fn: Command<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const value = await db.transaction().execute((trx) => fn({ db: trx, capabilities }));
        stats.commits += 1;
        stats.committedCommands += 1;
        return value;
      } catch (e) {
        if (isRetryable(e) && attempt < config.maxRetries) {
          stats.retries += 1;
          // A little jitter so the transactions that collided do not collide again in lockstep.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * (attempt + 1)));
          continue;
        }
        stats.failedCommands += 1;
        throw describePostgresFailure(e, location);
      }
    }
  }

  let closed: Promise<void> | undefined;
  const store: Store = {
    db,
    capabilities,
    clock: config.clock,
    location,
    write<T>(fn: Command<T>): Promise<T> {
      if (closing) return Promise.reject(new MotcuaError('unavailable', 'the store is closing; retry once the server is back'));
      if (inFlight >= config.maxQueued) {
        stats.refused += 1;
        return Promise.reject(new MotcuaError('unavailable', `the database is saturated (${config.maxQueued} writes waiting); retry in a moment`));
      }
      inFlight += 1;
      stats.queued = inFlight;
      return runWithRetries(fn).finally(settle);
    },
    async read<T>(fn: Command<T>): Promise<T> {
      try {
        // Repeatable read: every query of the unit sees the same snapshot; read-only never conflicts.
        return await db
          .transaction()
          .setIsolationLevel('repeatable read')
          .setAccessMode('read only')
          .execute((trx) => fn({ db: trx, capabilities }));
      } catch (e) {
        throw describePostgresFailure(e, location);
      }
    },
    // Queries here already wait on the network, not on the serving thread.
    readLong: <T>(fn: Command<T>): Promise<T> => store.read(fn),
    stats: () => ({ ...stats }),
    close() {
      closed ??= (async () => {
        closing = true;
        if (inFlight > 0) await new Promise<void>((resolve) => idle.push(resolve));
        await db.destroy();
      })();
      return closed;
    },
  };
  return store;
}

function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isRetryable(e: unknown): boolean {
  const code = sqlState(e);
  return code !== undefined && (dialectErrors.postgres.retryable as readonly string[]).includes(code);
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE']);

function describePostgresFailure(e: unknown, location: string): unknown {
  if (e instanceof MotcuaError) return e;
  const code = sqlState(e);
  const message = e instanceof Error ? e.message : String(e);
  const lostConnection =
    (code !== undefined && (networkCodes.has(code) || dialectErrors.postgres.unavailablePrefixes.some((p) => code.startsWith(p)))) ||
    /Connection terminated|connection timeout/i.test(message);
  if (!lostConnection) return e;
  const failure = new MotcuaError(
    'unavailable',
    `PostgreSQL at ${location} is unavailable (${message}); if this was a write it may not have been saved: retry with the same Idempotency-Key`,
  );
  failure.cause = e;
  return failure;
}
