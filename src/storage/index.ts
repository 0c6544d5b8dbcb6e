/**
 * Storage: SQLite (default) or PostgreSQL through Kysely, behind one API. Open with
 * {@link openStore}; run every command through `store.write()` (all-or-nothing, durable before
 * it resolves, group-committed on SQLite) and queries through `store.read()`.
 */
export { nextTurn } from './next-turn.js';
export { openStore, resolveStoreConfig, sqliteFileName } from './store.js';
export type { AuditHead, AuditHeadMemo, Command, ResolvedStoreConfig, Store, StoreConfig, StoreStats, Tx } from './store.js';
export { postgresCapabilities, sqliteCapabilities } from './capabilities.js';
export type { Capabilities } from './capabilities.js';
export { migrate, migrateDatabase, migrationStatus } from './migrate.js';
export type { MigrationReport } from './migrate.js';
export { migrationNames } from './migrations/index.js';
export { appendOnlyTables } from './migrations/0002-append-only.js';
export { withAuditLock, advisoryLockKeys } from './audit-lock.js';
export { claimDueTimers } from './timers.js';
export { placeholders, prepared, preparedInsert } from './prepared.js';
export { isForeignKeyViolation, isUniqueViolation } from './db-errors.js';
export { fromDbTime, fromDbTimeOrNull, subtreeBounds, toDbTime } from './values.js';
export * from './schema.js';
