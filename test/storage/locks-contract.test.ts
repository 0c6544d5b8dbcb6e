import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { claimDueTimers, withAuditLock, type Store, type TimerRow } from '../../src/storage/index.js';
import { describeEachStore } from '../support/stores.js';
import { caseRow, insertProcedure, insertUnits, t0, timerRow } from './rows.js';

const minute = 60_000;
const at = (minutes: number) => new Date(t0.getTime() + minutes * minute);

/** A unit, a procedure and one case to hang timers on. */
async function seedCase(store: Store, caseId: string): Promise<void> {
  await store.write(async (tx) => {
    const unit = await tx.db.selectFrom('units').select('id').where('id', '=', 'tm').executeTakeFirst();
    if (unit === undefined) {
      await insertUnits(tx, ['/tm/']);
      await insertProcedure(tx);
    }
    await tx.db.insertInto('cases').values(caseRow(caseId, 'tm', '/tm/')).execute();
  });
}

describeEachStore('claimDueTimers', (ctx) => {
  it('claims due pending timers earliest first, leases them, and gives them out again only after the lease', async () => {
    const { store } = ctx();
    await seedCase(store, 'tm-1');
    await store.write(async (tx) => {
      await tx.db
        .insertInto('timers')
        .values([timerRow('t-c', 'tm-1', at(3)), timerRow('t-a', 'tm-1', at(1)), timerRow('t-b', 'tm-1', at(2)), timerRow('t-later', 'tm-1', at(60))])
        .execute();
      await tx.db.insertInto('timers').values({ ...timerRow('t-fired', 'tm-1', at(0)), status: 'fired' }).execute();
    });
    const claim = (now: Date, limit: number) => store.write((tx) => claimDueTimers(tx, now, limit, 5 * minute));
    const first = await claim(at(10), 2);
    expect(first.map((t) => t.id)).toEqual(['t-a', 't-b']);
    expect(first.every((t) => t.attempts === 1 && t.claimed_until === at(15).toISOString())).toBe(true);
    expect((await claim(at(10), 10)).map((t) => t.id)).toEqual(['t-c']);
    expect(await claim(at(11), 10)).toEqual([]);
    // The sweeper that held t-a and t-b died: after the lease they are claimed again.
    const retaken = await claim(at(16), 10);
    expect(retaken.map((t) => [t.id, t.attempts])).toEqual([
      ['t-a', 2],
      ['t-b', 2],
      ['t-c', 2],
    ]);
  });

  it('never hands one timer to two concurrent claimers', async () => {
    const { store } = ctx();
    await seedCase(store, 'tm-2');
    const n = 120;
    await store.write((tx) =>
      tx.db
        .insertInto('timers')
        .values(Array.from({ length: n }, (_, i) => timerRow(`race-${String(i).padStart(3, '0')}`, 'tm-2', at(-i))))
        .execute(),
    );
    const claimed: TimerRow[] = [];
    // Four sweepers, each claiming small batches until nothing is left. The lease outlives the test.
    const sweeper = async () => {
      for (;;) {
        const rows = await store.write((tx) => claimDueTimers(tx, at(30), 7, 60 * minute));
        const mine = rows.filter((r) => r.id.startsWith('race-'));
        if (mine.length === 0) return;
        claimed.push(...mine);
      }
    };
    await Promise.all([sweeper(), sweeper(), sweeper(), sweeper()]);
    const ids = claimed.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(n);
    expect(claimed.every((t) => t.attempts === 1)).toBe(true);
  });

  it('skips rows another open transaction has claimed instead of waiting for it (SKIP LOCKED)', async (t) => {
    const { store } = ctx();
    if (!store.capabilities.supportsSkipLocked) t.skip();
    await seedCase(store, 'tm-3');
    await store.write((tx) =>
      tx.db.insertInto('timers').values(Array.from({ length: 6 }, (_, i) => timerRow(`gate-${i}`, 'tm-3', at(-100 - i)))).execute(),
    );
    let releaseFirst: () => void = () => undefined;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstClaimed: (rows: TimerRow[]) => void = () => undefined;
    const firstHasClaimed = new Promise<TimerRow[]>((resolve) => (firstClaimed = resolve));
    // The first claimer keeps its transaction (and row locks) open until the second has claimed.
    const first = store.write(async (tx) => {
      const rows = await claimDueTimers(tx, at(0), 3, minute);
      firstClaimed(rows);
      await firstMayCommit;
      return rows;
    });
    const a = await firstHasClaimed;
    const b = await store.write((tx) => claimDueTimers(tx, at(0), 3, minute));
    releaseFirst();
    await first;
    const gateIds = (rows: TimerRow[]) => rows.map((r) => r.id).filter((id) => id.startsWith('gate-'));
    expect(gateIds(a)).toHaveLength(3);
    expect(gateIds(b)).toHaveLength(3);
    expect(gateIds(a).filter((id) => gateIds(b).includes(id))).toEqual([]);
  });
});

describeEachStore('withAuditLock', (ctx) => {
  it('keeps audit seq gap-free and unique under concurrent appends', async () => {
    const { store } = ctx();
    const append = (i: number) =>
      store.write(async (tx) => {
        await withAuditLock(tx);
        const head = await tx.db.selectFrom('audit_entries').select((eb) => eb.fn.max<number | null>('seq').as('seq')).executeTakeFirst();
        const seq = Number(head?.seq ?? 0) + 1;
        await tx.db
          .insertInto('audit_entries')
          .values({ seq, bytes: `{"i":${i}}`, leaf_hash: 'l', chain_hash: 'c', created_at: t0.toISOString(), case_id: null, actor_id: null, unit_id: null, event: 'E' })
          .execute();
        return seq;
      });
    const seqs = await Promise.all(Array.from({ length: 60 }, (_, i) => append(i)));
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('makes a second appender wait until the first commits (PostgreSQL advisory lock)', async (t) => {
    const { store } = ctx();
    if (!store.capabilities.supportsAdvisoryLocks) t.skip();
    const events: string[] = [];
    let firstLocked: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const first = store.write(async (tx) => {
      await withAuditLock(tx);
      events.push('first locked');
      firstLocked();
      // Hold the lock until the second transaction is visibly waiting for it.
      for (;;) {
        const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(tx.db);
        if ((waiting.rows[0]?.n ?? 0) > 0) break;
      }
      events.push('first commits');
    });
    await locked;
    const second = store.write(async (tx) => {
      await withAuditLock(tx);
      events.push('second locked');
    });
    await Promise.all([first, second]);
    expect(events).toEqual(['first locked', 'first commits', 'second locked']);
  });
});
