/**
 * `motcua migrate`: brings the database schema up to date (the server also does this at
 * start) or, with --status, lists which migrations are applied.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMotcuaError } from '../../errors/index.js';
import { migrate, migrationStatus, openStore } from '../../storage/index.js';
import { EXIT_USAGE, type CliCommand } from '../io.js';

const usage = `usage: motcua migrate [--status] [--data-dir DIR] [--database-url URL]

Applies pending database migrations. Uses PostgreSQL when --database-url or DATABASE_URL
is set, else the SQLite file in --data-dir or MOTCUA_DATA_DIR (default: data).
On SQLite, stop the server first: one process at a time may write to a data folder.

  --status            list migrations and when each was applied; change nothing else
  --data-dir DIR      SQLite data folder
  --database-url URL  postgres://… connection URL`;

export const command: CliCommand = {
  summary: 'apply pending database migrations (or list them with --status)',
  usage,
  async run(args, io) {
    let values: { status?: boolean; 'data-dir'?: string; 'database-url'?: string };
    try {
      ({ values } = parseArgs({
        args,
        options: { status: { type: 'boolean' }, 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (e) {
      io.err(`motcua migrate: ${(e as Error).message}\n${usage}\n`);
      return EXIT_USAGE;
    }
    const databaseUrl = values['database-url'] ?? (io.env.DATABASE_URL || undefined);
    const dataDir = resolve(io.cwd, values['data-dir'] ?? (io.env.MOTCUA_DATA_DIR || 'data'));
    let store;
    try {
      store = await openStore({ dataDir, databaseUrl, migrate: false, env: io.env });
    } catch (e) {
      if (!isMotcuaError(e)) throw e;
      io.err(`motcua migrate: ${e.message}\n`);
      return 1;
    }
    try {
      if (values.status === true) {
        for (const m of await migrationStatus(store)) io.out(`${m.name}  ${m.appliedAt === null ? 'pending' : `applied ${m.appliedAt}`}\n`);
        return 0;
      }
      const report = await migrate(store);
      if (report.applied.length === 0) io.out(`${store.location}: schema is up to date (${report.known.length} migrations)\n`);
      for (const name of report.applied) io.out(`${store.location}: applied ${name}\n`);
      return 0;
    } catch (e) {
      if (!isMotcuaError(e)) throw e;
      io.err(`motcua migrate: ${e.message}\n`);
      return 1;
    } finally {
      await store.close();
    }
  },
};
