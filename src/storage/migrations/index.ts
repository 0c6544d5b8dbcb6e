/**
 * The ordered list of migrations. An explicit map, not a folder scan, so the compiled build
 * (dist/) and the tests (src/ through vitest) find exactly the same migrations. Names sort in
 * the order they run; a new migration is a new file and one line here. Never edit a shipped one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { Capabilities } from '../capabilities.js';
import { initialSchema } from './0001-initial.js';
import { appendOnlyTriggers } from './0002-append-only.js';
import { satisfactionSchema } from './0003-satisfaction.js';
import { webSessions } from './0004-sessions.js';
import { auditKeys } from './0005-audit-keys.js';
import { worklistIndex } from './0006-worklist-index.js';
import { caseSearch } from './0007-case-search.js';

const migrations: Record<string, (caps: Capabilities) => Migration> = {
  '0001_initial': initialSchema,
  '0002_append_only': appendOnlyTriggers,
  '0003_satisfaction': satisfactionSchema,
  '0004_sessions': webSessions,
  '0005_audit_keys': auditKeys,
  '0006_worklist_index': worklistIndex,
  '0007_case_search': caseSearch,
};

/** Names of all migrations, in order. */
export const migrationNames: readonly string[] = Object.keys(migrations).sort();

/** A Kysely migration provider for one dialect. */
export function migrationProvider(caps: Capabilities): MigrationProvider {
  return {
    getMigrations: async () => Object.fromEntries(Object.entries(migrations).map(([name, make]) => [name, make(caps)])),
  };
}
