/**
 * Upkeep of a long-lived SQLite store: the background WAL checkpointer (pages committed by the
 * writer reach the database file through its own thread; the writer's own threshold is raised
 * only while that thread runs; nothing is lost across a close and reopen), and planner
 * statistics refreshed while the store is open.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { resolveStoreConfig, sqliteFileName, type Store, type StoreConfig } from '../../src/storage/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite-store.js';
import { DEFAULT_AUTOCHECKPOINT_PAGES, FALLBACK_AUTOCHECKPOINT_PAGES } from '../../src/storage/wal-checkpointer.js';
import { insertUnits } from './rows.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Opens the SQLite store itself (what openStore() opens without DATABASE_URL), whose upkeep a test can await. */
async function open(config: StoreConfig, dataDir = mkdtempSync(join(tmpdir(), 'motcua-wal-'))): Promise<{ store: SqliteStore; dataDir: string }> {
  if (!dirs.includes(dataDir)) dirs.push(dataDir);
  const store = await openSqliteStore(resolveStoreConfig({ ...config, dataDir }));
  stores.push(store);
  return { store, dataDir };
}

/** `commits` transactions of one 40 KB row (~17 WAL pages) each: 30 stay well under the writer's own threshold. */
async function writeRows(store: Store, commits: number, prefix: string): Promise<void> {
  for (let i = 0; i < commits; i++) {
    await store.write(async (tx) => {
      await insertUnits(tx, [`/${prefix}-${i}/`]);
      await tx.db.updateTable('units').set({ name: `${prefix}-${i} `.repeat(10_000).slice(0, 40_000) }).where('id', '=', `${prefix}-${i}`).execute();
    });
  }
}

const autocheckpoint = async (store: Store) => Number((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows[0]?.wal_autocheckpoint);

describe('background WAL checkpoints (SQLite)', () => {
  it('moves committed pages into the database file from its own thread', async () => {
    const { store, dataDir } = await open({ walCheckpointer: { startAfterCommits: 3, commandsPerCheckpoint: 3 } });
    const file = join(dataDir, sqliteFileName);
    const before = statSync(file).size;
    expect(await autocheckpoint(store)).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    await writeRows(store, 30, 'bg');
    await store.checkpointed();
    expect(store.stats().backgroundCheckpoints).toBeGreaterThan(0);
    // Only the thread can have grown the file: the writer's threshold (4 MB of WAL) was never reached.
    expect(statSync(file).size - before).toBeGreaterThan(500_000);
    expect(await autocheckpoint(store)).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    const kept = await store.read((tx) => tx.db.selectFrom('units').select(({ fn }) => fn.countAll<number>().as('n')).where('id', 'like', 'bg-%').executeTakeFirstOrThrow());
    expect(Number(kept.n)).toBe(30);
  });

  it('counts the commands committed, not the commits: one batch of many asks as soon as many lone commits would', async () => {
    const { store } = await open({ walCheckpointer: { startAfterCommits: 1, commandsPerCheckpoint: 12 } });
    // Five commits of one command each: fewer commands than the threshold, so no checkpoint.
    await writeRows(store, 5, 'lone');
    expect(store.stats().backgroundCheckpoints).toBe(0);
    // One commit of twelve commands (group commit takes them together) crosses it; six commits
    // would not have.
    await Promise.all(Array.from({ length: 12 }, (_, i) => store.write((tx) => insertUnits(tx, [`/batch-${i}/`]))));
    expect(store.stats().largestBatch).toBeGreaterThanOrEqual(12);
    await store.checkpointed();
    expect(store.stats().backgroundCheckpoints).toBeGreaterThan(0);
  });

  it('keeps every row across a close and a reopen', async () => {
    const { store, dataDir } = await open({ walCheckpointer: { startAfterCommits: 1, commandsPerCheckpoint: 1 } });
    await writeRows(store, 12, 'kept');
    await store.checkpointed();
    expect(store.stats().backgroundCheckpoints).toBeGreaterThan(0);
    await store.close();
    const again = (await open({}, dataDir)).store;
    const names = await again.read((tx) => tx.db.selectFrom('units').select(['id', 'name']).where('id', 'like', 'kept-%').orderBy('id').execute());
    expect(names).toHaveLength(12);
    expect(names.every((r) => r.name.startsWith(`${r.id} `))).toBe(true);
  });

  it('can be turned off: the writer then checkpoints itself, as SQLite does by default', async () => {
    const { store, dataDir } = await open({ walCheckpointer: false });
    const file = join(dataDir, sqliteFileName);
    const before = statSync(file).size;
    expect(await autocheckpoint(store)).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    // 100 commits of ~17 pages each (~1,750 frames): past the writer's threshold of 1,000 once,
    // near the 57th commit.
    await writeRows(store, 100, 'off');
    expect(store.stats().backgroundCheckpoints).toBe(0);
    // In WAL mode only a checkpoint writes the database file, and no thread runs: the writer did,
    // from inside the COMMIT that crossed the threshold.
    expect(statSync(file).size - before).toBeGreaterThan(1_000_000);
    // And the WAL started over after it: the frames of the last ~43 commits are left (~1,750 without it).
    const wal = (await sql<{ log: number }>`pragma wal_checkpoint(PASSIVE)`.execute(store.db)).rows[0];
    expect(wal?.log).toBeLessThan(DEFAULT_AUTOCHECKPOINT_PAGES);
    const kept = await store.read((tx) => tx.db.selectFrom('units').select(({ fn }) => fn.countAll<number>().as('n')).where('id', 'like', 'off-%').executeTakeFirstOrThrow());
    expect(Number(kept.n)).toBe(100);
  });
});

describe('planner statistics on a long-lived SQLite store', () => {
  it('are refreshed while the store is open, every optimizeEveryMs, not only at open and close', async () => {
    // Only the store's interval runs on a fake clock; its batches (setImmediate) and threads do not.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    onTestFinished(() => void vi.useRealTimers());
    const { store } = await open({ optimizeEveryMs: 60_000 });
    const statRows = async () => {
      const r = await store.read((tx) => sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = 'units' and idx = 'units_path_uq'`.execute(tx.db));
      return Number(r.rows[0]?.stat.split(' ')[0] ?? 0);
    };
    // The refresh is a command of its own, queued when the interval fires: a write queued after it
    // resolves once it has run.
    const afterQueuedWork = () => store.write(async () => undefined);
    const before = await statRows();
    await store.write(async (tx) => {
      for (let i = 0; i < 3000; i++) await tx.db.insertInto('units').values({ id: `s-${i}`, parent_id: null, name: 's', level: 'x', code: `S${i}`, path: `/s-${i}/` }).execute();
      // A lookup by path on the writer: SQLite analyzes tables its planner has used.
      await tx.db.selectFrom('units').select('id').where('path', '=', '/s-7/').execute();
    });
    expect(before).toBeLessThan(3000);
    vi.advanceTimersByTime(59_999);
    await afterQueuedWork();
    expect(await statRows()).toBe(before);
    vi.advanceTimersByTime(1);
    await afterQueuedWork();
    expect(await statRows()).toBeGreaterThanOrEqual(3000);
    // Closed while the clock is still fake, so the store clears the interval it set.
    await store.close();
  });

  it('are sampled, so refreshing them holds the writer a bounded time however large the tables', async () => {
    const { store } = await open({});
    const limit = Number((await sql<{ analysis_limit: number }>`pragma analysis_limit`.execute(store.db)).rows[0]?.analysis_limit);
    // 0 would mean every row of every index: seconds at a million dossiers, between two commands.
    expect(limit).toBeGreaterThan(0);
    expect(limit).toBeLessThanOrEqual(10_000);
  });
});
