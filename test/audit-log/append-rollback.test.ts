/**
 * Appends that roll back must not bend the chain: a command that appended and then failed
 * leaves no entry, and the next append links to the last entry that was kept, whether the
 * store reads the head from the table or remembers it (SQLite's single writer).
 */
import { expect, it } from 'vitest';
import type { AuditEntryDraft } from '../../src/audit/entry.js';
import { chainHash, GENESIS_CHAIN, leafHashOfText } from '../../src/audit/hashing.js';
import { appendAudit } from '../../src/service/audit-append.js';
import type { Store } from '../../src/storage/index.js';
import { describeEachStore } from '../support/stores.js';

const draft = (event: string): AuditEntryDraft => ({
  time: '2026-11-28T08:00:00.000Z',
  actor: { id: 'u-test', role: 'processor' },
  unit: 'xa-test',
  case_id: null,
  procedure: null,
  event,
  from: null,
  to: null,
  reason: null,
  request_id: null,
  input_digest: null,
  kind: 'case.transition',
});

/** Every entry's seq and event, after checking seq runs 1..n and each chain hash links to the one before. */
async function checkedChain(store: Store): Promise<string[]> {
  const rows = await store.read((tx) => tx.db.selectFrom('audit_entries').select(['seq', 'bytes', 'leaf_hash', 'chain_hash', 'event']).orderBy('seq').execute());
  let prev = GENESIS_CHAIN;
  rows.forEach((r, i) => {
    expect(Number(r.seq)).toBe(i + 1);
    expect(r.leaf_hash).toBe(leafHashOfText(r.bytes).toString('hex'));
    const chain = chainHash(prev, Buffer.from(r.leaf_hash, 'hex'));
    expect(r.chain_hash).toBe(chain.toString('hex'));
    prev = chain;
  });
  return rows.map((r) => r.event ?? '');
}

describeEachStore('audit append inside failing commands', (ctx) => {
  it('keeps the chain whole when appends of concurrent commands roll back', async () => {
    const { store } = ctx();
    const before = (await checkedChain(store)).length;
    await store.write((tx) => appendAudit(tx, draft('first')));
    // Submitted together, so SQLite runs them in one batch, each in its own savepoint.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 9 }, (_, i) =>
        store.write(async (tx) => {
          await appendAudit(tx, draft(`e${i}`));
          if (i % 3 === 1) throw new Error(`command ${i} failed after appending`);
          if (i % 3 === 2) await appendAudit(tx, draft(`e${i}-second`));
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    await store.write((tx) => appendAudit(tx, draft('last')));
    const events = (await checkedChain(store)).slice(before);
    // PostgreSQL runs the commands side by side, so their order in the log is the lock's.
    expect([...events].sort()).toEqual(['e0', 'e2', 'e2-second', 'e3', 'e5', 'e5-second', 'e6', 'e8', 'e8-second', 'first', 'last']);
    expect([events[0], events.at(-1)]).toEqual(['first', 'last']);
    for (const i of [2, 5, 8]) expect(events[events.indexOf(`e${i}`) + 1]).toBe(`e${i}-second`);
  });

  it('links to the table after a restart of the store', async () => {
    const { store, site } = ctx();
    await store.write((tx) => appendAudit(tx, draft('before')));
    await store.close();
    const again = await site.open();
    await again.write((tx) => appendAudit(tx, draft('after')));
    expect((await checkedChain(again)).slice(-2)).toEqual(['before', 'after']);
  });
});
