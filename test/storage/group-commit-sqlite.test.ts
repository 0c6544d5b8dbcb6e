/**
 * Group commit against real SQLite, for the failures of the transaction itself that the
 * runner's unit tests (group-commit.test.ts) only simulate: the disk filling up in the middle of
 * a batch, and BEGIN IMMEDIATE refused because another connection holds the write lock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, sqliteFileName, type Store, type StoreConfig } from '../../src/storage/index.js';
import { insertUnits } from './rows.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

async function open(config: StoreConfig = {}): Promise<{ store: Store; file: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-gc-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const store = await openStore({ ...config, dataDir });
  cleanups.push(() => store.close());
  return { store, file: join(dataDir, sqliteFileName) };
}

/** Ids of units whose id starts with `prefix`, sorted, as a reader sees them. */
async function unitIds(store: Store, prefix: string): Promise<string[]> {
  const rows = await store.read((tx) => tx.db.selectFrom('units').select('id').where('id', 'like', `${prefix}%`).orderBy('id').execute());
  return rows.map((r) => r.id);
}

/** Sets the write connection's `max_page_count` (a per-connection limit on the file's size). */
async function limitPages(store: Store, pages: number): Promise<void> {
  await store.write((tx) => sql`pragma max_page_count = ${sql.raw(String(pages))}`.execute(tx.db));
}

describe('group commit on real SQLite', () => {
  it('rejects every command of a batch when the disk fills up under one of them, stores none, and recovers', async () => {
    const { store } = await open();
    const pages = await store.write(async (tx) => Number((await sql<{ page_count: number }>`pragma page_count`.execute(tx.db)).rows[0]?.page_count));
    // Room for a few small rows, not for a 400 KB one: that one makes SQLite report SQLITE_FULL
    // and roll back the whole transaction, the first command's row with it.
    await limitPages(store, pages + 4);
    const before = store.stats();
    const results = await Promise.allSettled([
      store.write((tx) => insertUnits(tx, ['/full-1/'])),
      store.write(async (tx) => {
        await insertUnits(tx, ['/full-2/']);
        await tx.db.updateTable('units').set({ name: 'x'.repeat(400_000) }).where('id', '=', 'full-2').execute();
      }),
      store.write((tx) => insertUnits(tx, ['/full-3/'])),
    ]);
    const after = store.stats();
    // The three were one batch, and no COMMIT was made of it.
    expect(after.batches - before.batches).toBe(1);
    expect(after.commits - before.commits).toBe(0);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'unavailable',
        message: expect.stringMatching(/SQLITE_FULL.*nothing of this request was saved.*check free disk space/),
      });
    }
    expect(await unitIds(store, 'full-')).toEqual([]);

    // Once there is room again, the next write commits.
    await limitPages(store, 1_000_000);
    await store.write((tx) => insertUnits(tx, ['/full-4/']));
    expect(await unitIds(store, 'full-')).toEqual(['full-4']);
  });

  it('rejects the waiting commands when another connection holds the write lock, and writes again once it lets go', async () => {
    const { store, file } = await open({ busyTimeoutMs: 50 });
    // The data-folder lock (motcua.lock) keeps out a second motcua process; any other program
    // can still open the database file itself and take its write lock.
    const other = new Database(file, { timeout: 0 });
    cleanups.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    other.prepare(`insert into units (id, parent_id, name, level, code, path) values ('held', null, 'held', 'province', 'HELD', '/held/')`).run();

    const results = await Promise.allSettled([store.write((tx) => insertUnits(tx, ['/busy-1/'])), store.write((tx) => insertUnits(tx, ['/busy-2/']))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'unavailable',
        message: expect.stringMatching(/SQLITE_BUSY.*nothing of this request was saved.*other programs holding/),
      });
    }

    other.exec('COMMIT');
    await store.write((tx) => insertUnits(tx, ['/busy-3/']));
    expect(await unitIds(store, 'busy-')).toEqual(['busy-3']);
    expect(await unitIds(store, 'held')).toEqual(['held']);
  });
});
