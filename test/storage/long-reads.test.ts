/**
 * `Store.readLong`: reads that may take long (reports) run where they do not hold the serving
 * thread (SQLite: a read-only connection in a worker thread), with the same guarantees as
 * `read()`: committed data only, one snapshot for the whole unit of work, no writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MotcuaError } from '../../src/errors/index.js';
import { createLongReads } from '../../src/storage/long-reads.js';
import type { Store } from '../../src/storage/index.js';
import { SLOW_COUNT, turnsDuring } from '../support/event-loop.js';
import { describeEachStore } from '../support/stores.js';
import { insertUnits } from './rows.js';

const countUnder = (store: Store, prefix: string) => async (tx: Parameters<Parameters<Store['read']>[0]>[0]) =>
  Number((await tx.db.selectFrom('units').select((eb) => eb.fn.countAll().as('n')).where('path', 'like', `${prefix}%`).executeTakeFirstOrThrow()).n);

describeEachStore('readLong()', (ctx) => {
  it('sees what was committed, and one snapshot for its whole unit of work', async () => {
    const { store } = ctx();
    await store.write((tx) => insertUnits(tx, ['/lr/', '/lr/lr-a/', '/lr/lr-b/']));
    const count = countUnder(store, '/lr/');
    const [first, second] = await store.readLong(async (tx) => {
      const a = await count(tx);
      // Committed meanwhile by the writer: not part of this snapshot.
      await store.write((w) => insertUnits(w, ['/lr/lr-c/']));
      return [a, await count(tx)];
    });
    expect(first).toBe(3);
    expect(second).toBe(3);
    expect(await store.readLong(count)).toBe(4);
  });

  it('refuses to write, and a failed read leaves the next one working', async () => {
    const { store } = ctx();
    await expect(store.readLong((tx) => insertUnits(tx, ['/lr-write/']))).rejects.toThrow();
    expect(await store.read(countUnder(store, '/lr-write/'))).toBe(0);
    await expect(store.readLong((tx) => tx.db.selectFrom('no_such_table' as 'units').selectAll().execute())).rejects.toThrow(/no_such_table/);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.readLong(countUnder(store, '/lr/'))));
    expect(new Set(results).size).toBe(1);
  });

  it('a short long read is not held behind a long one: another connection serves it', async () => {
    const { store } = ctx();
    const finished: string[] = [];
    const slow = store.readLong((tx) => SLOW_COUNT.execute(tx.db)).finally(() => finished.push('the slow read'));
    const quick = store.readLong(countUnder(store, '/lr/')).finally(() => finished.push('the quick read'));
    await Promise.all([slow, quick]);
    expect(finished).toEqual(['the quick read', 'the slow read']);
  });

  it('lets the event loop turn while it runs', async () => {
    const { store } = ctx();
    // Long enough (hundreds of ms) that its answer can never come back within one turn.
    const turns = await turnsDuring(() => store.readLong((tx) => SLOW_COUNT.execute(tx.db)));
    expect(turns).toBeGreaterThanOrEqual(2);
  });
});

describe('the long-read thread', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'motcua-long-reads-'));
    new Database(join(dir, 'r.db')).close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // Rows enough to outgrow any small heap: SQLite makes them as fast as the thread can gather them.
  const huge = sql<{ i: number; s: string }>`with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000000) select i, printf('%0200d', i) as s from n`;
  const one = sql<{ one: number }>`select 1 as one`;

  it('stops a read that outgrows its heap with a 503 that says so, and the next reads work on a fresh thread', async () => {
    const reads = createLongReads({ file: join(dir, 'r.db'), busyTimeoutMs: 1000, maxHeapMb: 16 });
    try {
      const runaway = reads.db.transaction().execute((tx) => huge.execute(tx));
      // Queued behind the runaway on the one connection: it must not be lost with the thread.
      const queued = reads.db.transaction().execute((tx) => one.execute(tx));
      const failure = await runaway.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(MotcuaError);
      expect((failure as MotcuaError).code).toBe('unavailable');
      expect((failure as MotcuaError).message).toMatch(/more than its 16 MB.*shorter period/);
      expect((await queued).rows).toEqual([{ one: 1 }]);
      const again = await reads.db.transaction().execute(async (tx) => [(await one.execute(tx)).rows, (await one.execute(tx)).rows]);
      expect(again).toEqual([[{ one: 1 }], [{ one: 1 }]]);
    } finally {
      await reads.close();
    }
  });
});
