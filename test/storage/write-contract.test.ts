import { describe, expect, it, onTestFinished } from 'vitest';
import { isMotcuaError } from '../../src/errors/index.js';
import { isUniqueViolation, type Store, type Tx } from '../../src/storage/index.js';
import { createStoreSite, describeEachStore } from '../support/stores.js';
import { insertUnits } from './rows.js';

/** Ids of units whose id starts with `prefix`, sorted. */
async function unitIds(store: Store, prefix: string): Promise<string[]> {
  const rows = await store.read((tx) =>
    tx.db.selectFrom('units').select('id').where('id', '>=', prefix).where('id', '<', `${prefix}~`).orderBy('id').execute(),
  );
  return rows.map((r) => r.id);
}

describeEachStore('write()', (ctx) => {
  it('runs a command all-or-nothing: a throwing command leaves no row, its concurrent neighbours all commit', async () => {
    const { store } = ctx();
    await store.write((tx) => insertUnits(tx, ['/aon/']));
    const n = 120;
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        store.write(async (tx) => {
          const id = `aon-${String(i).padStart(3, '0')}`;
          await insertUnits(tx, [`/aon/${id}/`]);
          await tx.db.insertInto('units').values({ id: `${id}-child`, parent_id: id, name: 'c', level: 'x', code: `${id}-C`, path: `/aon/${id}/${id}-child/` }).execute();
          if (i % 3 === 0) throw new Error(`command ${i} changed its mind`);
          return i;
        }),
      ),
    );
    results.forEach((r, i) => {
      if (i % 3 === 0) expect(r).toMatchObject({ status: 'rejected', reason: { message: `command ${i} changed its mind` } });
      else expect(r).toEqual({ status: 'fulfilled', value: i });
    });
    const ids = await unitIds(store, 'aon-');
    const expected = Array.from({ length: n }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .flatMap((i) => {
        const id = `aon-${String(i).padStart(3, '0')}`;
        return [id, `${id}-child`];
      })
      .sort();
    expect(ids).toEqual(expected);
  });

  it('a constraint violation fails only the command that caused it', async () => {
    const { store } = ctx();
    const attempts = ['dup-a', 'dup-b', 'dup-a', 'dup-c'].map((id) => store.write((tx) => insertUnits(tx, [`/${id}/`]).then(() => id)));
    const results = await Promise.allSettled(attempts);
    // On PostgreSQL either 'dup-a' may come first; exactly one of the two fails.
    const [a1, b, a2, c] = results;
    expect([b?.status, c?.status]).toEqual(['fulfilled', 'fulfilled']);
    const dupFailures = [a1, a2].filter((r) => r?.status === 'rejected');
    expect(dupFailures).toHaveLength(1);
    expect(dupFailures[0]?.status === 'rejected' && isUniqueViolation(dupFailures[0].reason)).toBe(true);
    expect(await unitIds(store, 'dup-')).toEqual(['dup-a', 'dup-b', 'dup-c']);
  });

  it('resolves a write only once its changes are committed and visible to other connections', async () => {
    const { store } = ctx();
    const seenAtAck = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store
          .write((tx) => insertUnits(tx, [`/ack-${String(i).padStart(2, '0')}/`]))
          // read() uses a different connection (SQLite: the read-only one; PostgreSQL: the pool), which sees committed data only.
          .then(() => store.read((tx) => tx.db.selectFrom('units').select('id').where('id', '=', `ack-${String(i).padStart(2, '0')}`).executeTakeFirst())),
      ),
    );
    expect(seenAtAck.every((row) => row !== undefined)).toBe(true);
  });

  it('serializes read-then-write commands: 50 concurrent increments lose no update', async () => {
    const { store } = ctx();
    await store.write((tx) => insertUnits(tx, ['/seq/']));
    // Each command reads the counter and writes it back + 1; lost updates would leave it below 50.
    await store.write((tx) => tx.db.insertInto('code_counters').values({ unit_id: 'seq', day: '2025-11-28', last: 0 }).execute());
    await Promise.all(
      Array.from({ length: 50 }, () =>
        store.write(async (tx) => {
          const row = await tx.db.selectFrom('code_counters').select('last').where('unit_id', '=', 'seq')
            .$if(tx.capabilities.supportsRowLocks, (qb) => qb.forUpdate())
            .executeTakeFirstOrThrow();
          await tx.db.updateTable('code_counters').set({ last: row.last + 1 }).where('unit_id', '=', 'seq').execute();
        }),
      ),
    );
    const last = await store.read((tx) => tx.db.selectFrom('code_counters').select('last').where('unit_id', '=', 'seq').executeTakeFirstOrThrow());
    expect(last.last).toBe(50);
  });

  it('refuses writes beyond the queue bound with "unavailable" instead of piling them up', async () => {
    // A data folder admits one store at a time (SQLite), so this one gets its own site.
    const site = await createStoreSite(ctx().site.kind);
    onTestFinished(() => site.cleanup());
    const small = await site.open({ maxQueued: 8 });
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => small.write(async () => i)));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.status === 'rejected' && isMotcuaError(r.reason, 'unavailable'))).toBe(true);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(8);
    expect(small.stats().refused).toBe(refused.length);
  });

  it('rejects writes after close() began, and close() waits for queued writes', async () => {
    const site = await createStoreSite(ctx().site.kind);
    onTestFinished(() => site.cleanup());
    const other = await site.open();
    const queued = other.write(async () => 'done');
    const closing = other.close();
    await expect(other.write(async () => 'late')).rejects.toMatchObject({ code: 'unavailable' });
    await expect(queued).resolves.toBe('done');
    await closing;
  });
});

describeEachStore('read()', (ctx) => {
  it('cannot change anything', async () => {
    const { store } = ctx();
    await expect(store.read((tx) => insertUnits(tx, ['/ro/']))).rejects.toThrow(/read.?only/i);
    expect(await unitIds(store, 'ro')).toEqual([]);
  });
});

describeEachStore('transaction retries', (ctx) => {
  it('runs a command again when the database aborts it to break a deadlock', async (t) => {
    const { store } = ctx();
    if (!store.capabilities.retriesTransactions) t.skip();
    await store.write((tx) => insertUnits(tx, ['/dl/', '/dl/dl-1/', '/dl/dl-2/']));
    const signal = () => {
      let fire: () => void = () => undefined;
      const fired = new Promise<void>((resolve) => (fire = resolve));
      return { fire, fired };
    };
    const aHasOne = signal();
    const bHasTwo = signal();
    const rename = (tx: Tx, id: string, name: string) =>
      tx.db.updateTable('units').set({ name }).where('id', '=', id).execute();
    // A locks dl-1 then dl-2, B locks dl-2 then dl-1: a deadlock the server breaks by aborting one.
    const a = store.write(async (tx) => {
      await rename(tx, 'dl-1', 'a');
      aHasOne.fire();
      await bHasTwo.fired;
      await rename(tx, 'dl-2', 'a');
      return 'a';
    });
    const b = store.write(async (tx) => {
      await aHasOne.fired;
      await rename(tx, 'dl-2', 'b');
      bHasTwo.fire();
      await rename(tx, 'dl-1', 'b');
      return 'b';
    });
    const retriesBefore = store.stats().retries;
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(store.stats().retries - retriesBefore).toBeGreaterThanOrEqual(1);
    const names = await store.read((tx) => tx.db.selectFrom('units').select('name').where('id', 'in', ['dl-1', 'dl-2']).execute());
    // Whoever ran last renamed both: the units agree, no half of either command survived.
    expect(new Set(names.map((n) => n.name)).size).toBe(1);
  });
});

describeEachStore('group commit', (ctx) => {
  it('commits many concurrent writes with far fewer COMMITs where the database batches writes', async () => {
    const { store } = ctx();
    await store.write((tx) => insertUnits(tx, ['/gc/']));
    const before = store.stats();
    const n = 200;
    await Promise.all(Array.from({ length: n }, (_, i) => store.write((tx) => insertUnits(tx, [`/gc/gc-${i}/`]))));
    const after = store.stats();
    expect(after.committedCommands - before.committedCommands).toBe(n);
    const commits = after.commits - before.commits;
    if (store.capabilities.batchesWrites) {
      expect(commits).toBeLessThanOrEqual(n / 50);
      expect(after.largestBatch).toBeGreaterThan(1);
    } else {
      expect(commits).toBe(n);
    }
    expect(await unitIds(store, 'gc-')).toHaveLength(n);
  });

  it('rejects every command of a batch whose COMMIT fails, and stores none of them', async (t) => {
    const { store } = ctx();
    if (!store.capabilities.batchesWrites) t.skip();
    await store.write((tx) => insertUnits(tx, ['/cf/']));
    const { sql } = await import('kysely');
    const results = await Promise.allSettled([
      store.write((tx) => insertUnits(tx, ['/cf/cf-1/'])),
      // Deferred foreign keys are checked at COMMIT: this poisons the whole batch's commit.
      store.write(async (tx) => {
        await sql`pragma defer_foreign_keys = on`.execute(tx.db);
        await tx.db.insertInto('users').values({ id: 'cf-ghost', name: 'g', unit_id: 'no-such-unit', roles: '[]', disabled_at: null, created_at: '2025-11-28T02:00:00.000Z' }).execute();
      }),
      store.write((tx) => insertUnits(tx, ['/cf/cf-2/'])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await unitIds(store, 'cf-')).toEqual([]);
    // The store recovers: the next batch commits normally.
    await store.write((tx) => insertUnits(tx, ['/cf/cf-3/']));
    expect(await unitIds(store, 'cf-')).toEqual(['cf-3']);
  });
});

describe('storage test kinds', () => {
  it('runs the PostgreSQL pass whenever DATABASE_URL is set', async () => {
    const { storeKinds } = await import('../support/stores.js');
    const pg = storeKinds.find((k) => k.kind === 'postgres');
    expect(pg?.available).toBe((process.env.DATABASE_URL ?? '') !== '');
  });
});
