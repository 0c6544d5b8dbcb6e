/**
 * Applying migrations: at start (openStore, unless disabled) and by `motcua migrate`. Safe to
 * run again (applied migrations are skipped) and from several nodes at once on PostgreSQL
 * (Kysely's migrator takes a lock row first). The pending migrations and their records run in
 * one transaction on both databases (sqlite-store.ts tells Kysely that SQLite's DDL is
 * transactional), so a failure leaves none of them behind.
 */
import { Migrator, type Kysely } from 'kysely';
import { MotcuaError } from '../errors/index.js';
import type { Capabilities } from './capabilities.js';
import { migrationNames, migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

/** What a migration run did. */
export interface MigrationReport {
  /** Migrations applied by this run, in order (empty when already up to date). */
  applied: string[];
  /** Every migration the code knows. */
  known: readonly string[];
}

/** Brings the schema up to date on a raw Kysely instance (used by openStore before writes start). */
export async function migrateDatabase(db: Kysely<Database>, caps: Capabilities): Promise<MigrationReport> {
  const { error, results = [] } = await migrator(db, caps).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'an unknown migration';
    const cause = error instanceof Error ? error.message : String(error);
    throw new MotcuaError(
      'internal',
      `database migration ${failed} failed on ${caps.dialect}: ${cause}. Nothing of that migration was applied; fix the cause and start again.`,
      { migration: failed },
    );
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName), known: migrationNames };
}

function migrator(db: Kysely<Database>, caps: Capabilities): Migrator {
  return new Migrator({
    db,
    provider: migrationProvider(caps),
    migrationTableName: 'motcua_migrations',
    migrationLockTableName: 'motcua_migrations_lock',
  });
}

/** Each known migration and when it was applied (null: pending). */
export async function migrationStatus(store: { db: Kysely<Database>; capabilities: Capabilities }): Promise<{ name: string; appliedAt: string | null }[]> {
  const infos = await migrator(store.db, store.capabilities).getMigrations();
  return infos.map((m) => ({ name: m.name, appliedAt: m.executedAt === undefined ? null : m.executedAt.toISOString() }));
}

/** Brings a store's schema up to date; see {@link migrateDatabase}. */
export async function migrate(store: { db: Kysely<Database>; capabilities: Capabilities }): Promise<MigrationReport> {
  return migrateDatabase(store.db, store.capabilities);
}
