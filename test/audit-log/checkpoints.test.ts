/**
 * When checkpoints are signed (every N entries, after M minutes, at shutdown), what they cover
 * (1..N, their own entry N+1), that they resume from the stored frontier, and that several
 * checkpointers on one database (several PostgreSQL nodes) sign each size once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMerkleAccumulator, merkleRoot, parseCheckpoint, verifyCheckpoint, type AuditEntryDraft } from '../../src/audit/index.js';
import { createManualClock } from '../../src/clock/index.js';
import { createMotcua } from '../../src/server/motcua.js';
import { createCheckpointer } from '../../src/service/audit-checkpoints.js';
import { DEFAULT_AUDIT_OPTIONS, readAuditConfig } from '../../src/service/audit-config.js';
import { appendAudit } from '../../src/service/audit-append.js';
import { feed, LEAF_PAGE, storedFrontier } from '../../src/service/audit-reads.js';
import { openStore, type Store } from '../../src/storage/index.js';
import { turnsDuring } from '../support/event-loop.js';
import { describeEachMotcua, START, TAM_TRU_DATA, type MotcuaContext } from '../http/cases-fixture.js';

async function head(store: Store) {
  return store.read((tx) => tx.db.selectFrom('audit_entries').select(['seq', 'event', 'bytes']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow());
}

async function allLeaves(store: Store, upTo: number) {
  const rows = await store.read((tx) => tx.db.selectFrom('audit_entries').select('leaf_hash').where('seq', '<=', upTo).orderBy('seq').execute());
  return rows.map((r) => Buffer.from(r.leaf_hash, 'hex'));
}

function rootOf(note: string): Buffer {
  const p = parseCheckpoint(note);
  if (!p.ok) throw new Error(p.problem);
  return Buffer.from(p.checkpoint.root);
}

/** Two entries: a dossier opened and accepted. */
async function twoEntries(t: MotcuaContext): Promise<void> {
  const c = await t.open();
  expect((await t.send('receiver', c.id, 'ACCEPT')).status).toBe(200);
}

describeEachMotcua('audit checkpoints', (ctx) => {
  it('signs when N entries are unsigned or the oldest has waited M minutes, never otherwise', async () => {
    const t = ctx();
    const cp = createCheckpointer(t.m.deps, t.m.audit.key, { every: 5, intervalMs: 10 * 60_000 });
    // A clean start: everything signed, then nothing is due.
    await cp.checkpointNow();
    expect(await cp.maybeCheckpoint()).toBeNull();

    await twoEntries(t);
    expect(await cp.maybeCheckpoint()).toBeNull();
    t.clock.advance(9 * 60_000);
    expect(await cp.maybeCheckpoint()).toBeNull();
    t.clock.advance(60_000);
    const byTime = await cp.maybeCheckpoint();
    expect(byTime).not.toBeNull();
    const h1 = await head(t.m.store);
    // The checkpoint covers 1..N; its own entry is N+1.
    expect(h1.seq).toBe(byTime!.size + 1);
    expect(h1.event).toBe('audit.checkpoint');
    expect(JSON.parse(h1.bytes).details).toMatchObject({ size: byTime!.size, key_id: t.m.audit.key.keyId });
    expect(byTime!.key_id).toBe(t.m.audit.key.keyId);
    // Its own entry alone never makes the next one due, however long it waits.
    t.clock.advance(60 * 60_000);
    expect(await cp.maybeCheckpoint()).toBeNull();

    await twoEntries(t);
    await twoEntries(t);
    expect(await cp.maybeCheckpoint()).toBeNull();
    await twoEntries(t);
    const byCount = await cp.maybeCheckpoint();
    expect(byCount?.size).toBe(byTime!.size + 1 + 6);

    // Each checkpoint's root is the RFC 9162 root of exactly its first `size` leaves.
    for (const row of [byTime!, byCount!]) {
      expect(rootOf(row.note).equals(merkleRoot(await allLeaves(t.m.store, row.size)))).toBe(true);
      expect(verifyCheckpoint(row.note, t.m.audit.key.publicPem).ok).toBe(true);
    }
  });

  it('keeps the Merkle frontier with each checkpoint, so the next one resumes from it', async () => {
    const t = ctx();
    const first = await t.m.audit.checkpointer.checkpointNow();
    const base = first ?? (await t.m.store.read((tx) => tx.db.selectFrom('audit_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirstOrThrow()));
    const frontier = storedFrontier(base);
    expect(frontier?.size).toBe(Number(base.size));
    await twoEntries(t);
    // A fresh checkpointer (a restarted server) starts from the stored frontier and agrees.
    const fresh = createCheckpointer(t.m.deps, t.m.audit.key, DEFAULT_AUDIT_OPTIONS_POLICY);
    const next = await fresh.checkpointNow();
    expect(rootOf(next!.note).equals(merkleRoot(await allLeaves(t.m.store, next!.size)))).toBe(true);
  });

  it('signs each size once when several checkpointers (nodes) race', async () => {
    const t = ctx();
    await twoEntries(t);
    const extra: Store[] = [];
    // On PostgreSQL the "nodes" are separate connection pools, as separate servers would be.
    const stores = t.kind === 'postgres' ? [t.m.store, ...(extra.push(await openStore({ databaseUrl: t.m.store.location, migrate: false })), extra)] : [t.m.store, t.m.store];
    try {
      const nodes = stores.flatMap((store) => [0, 1].map(() => createCheckpointer({ ...t.m.deps, store }, t.m.audit.key, DEFAULT_AUDIT_OPTIONS_POLICY)));
      const before = await head(t.m.store);
      const results = await Promise.all(nodes.map((n) => n.checkpointNow()));
      const sizes = new Set(results.flatMap((r) => (r ? [r.size] : [])));
      expect([...sizes]).toEqual([before.seq]);
      const after = await t.m.store.read((tx) => tx.db.selectFrom('audit_entries').select(['seq', 'event']).where('seq', '>', before.seq).execute());
      expect(after).toEqual([{ seq: before.seq + 1, event: 'audit.checkpoint' }]);
    } finally {
      for (const s of extra) await s.close();
    }
  });

  it('keeps seq gap-free and the chain intact when many commands append at once', async () => {
    const t = ctx();
    const opened = await Promise.all(Array.from({ length: 12 }, () => t.open()));
    const replies = await Promise.all([
      ...opened.map((c) => t.send('receiver', c.id, 'ACCEPT')),
      ...Array.from({ length: 8 }, (_, i) => t.call('admin', 'POST', '/api/v1/users', { body: { name: `Cán bộ mới ${i}`, unit: 'thanh-sen', roles: ['receiver'] } })),
      t.m.audit.checkpointer.checkpointNow(),
    ]);
    expect(replies.slice(0, 20).map((r) => (r as { status: number }).status).every((s) => s === 200 || s === 201)).toBe(true);
    const seqs = (await t.m.store.read((tx) => tx.db.selectFrom('audit_entries').select('seq').orderBy('seq').execute())).map((r) => Number(r.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const report = await t.call('auditor', 'GET', '/api/v1/audit/verify');
    expect(report.body).toMatchObject({ ok: true, problemCount: 0 });
  });

  it('signs an earlier size on demand, once, with its entry at the head', async () => {
    const t = ctx();
    const h = await head(t.m.store);
    const a = await t.m.audit.checkpointer.ensureCheckpoint(3);
    const b = await t.m.audit.checkpointer.ensureCheckpoint(3);
    expect(b.note).toBe(a.note);
    expect(rootOf(a.note).equals(merkleRoot(await allLeaves(t.m.store, 3)))).toBe(true);
    const h2 = await head(t.m.store);
    expect(h2.seq).toBe(h.seq + 1);
    expect(JSON.parse(h2.bytes).details.size).toBe(3);
    await expect(t.m.audit.checkpointer.ensureCheckpoint(h2.seq + 5)).rejects.toThrow(/cannot be signed/);
  });

  it('hashing, verifying and proving over a long log let requests run between pages (SQLite reads never yield by themselves)', async () => {
    const t = ctx();
    const before = (await head(t.m.store)).seq;
    const added = 2 * LEAF_PAGE + 500;
    await t.m.store.write(async (tx) => {
      for (let i = 0; i < added; i++) await appendAudit(tx, fillerEntry(i));
    });
    const size = before + added;
    const acc = createMerkleAccumulator();
    expect(await turnsDuring(() => feed(t.m.store, acc, size))).toBeGreaterThanOrEqual(2);
    expect(acc.root().equals(merkleRoot(await allLeaves(t.m.store, size)))).toBe(true);

    await t.m.audit.checkpointer.checkpointNow();
    let verified: { status: number; body: unknown } | undefined;
    expect(await turnsDuring(async () => void (verified = await t.call('auditor', 'GET', '/api/v1/audit/verify')))).toBeGreaterThanOrEqual(2);
    expect(verified?.body).toMatchObject({ ok: true, problemCount: 0 });

    const signed = (await head(t.m.store)).seq - 1;
    let proof: { status: number } | undefined;
    expect(await turnsDuring(async () => void (proof = await t.call('auditor', 'GET', `/api/v1/audit/proofs/inclusion?seq=2&size=${signed}`)))).toBeGreaterThanOrEqual(2);
    expect(proof?.status).toBe(200);
  });
});

/** An audit entry of a made-up transition, to grow the log quickly. */
function fillerEntry(i: number): AuditEntryDraft {
  return {
    time: new Date(Date.UTC(2026, 2, 2, 2) + i * 1000).toISOString(),
    actor: { id: 'u_receiver0001', role: 'receiver' },
    unit: 'thanh-sen',
    case_id: null,
    procedure: 'dang-ky-tam-tru@1',
    event: 'ACCEPT',
    from: ['received'],
    to: ['processing'],
    reason: null,
    request_id: null,
    input_digest: null,
    kind: 'case.transition',
  };
}

const DEFAULT_AUDIT_OPTIONS_POLICY = { every: DEFAULT_AUDIT_OPTIONS.checkpointEvery, intervalMs: DEFAULT_AUDIT_OPTIONS.checkpointIntervalMs };

describe('audit checkpoints at shutdown and restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-audit-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('close() signs the tail; a restarted server resumes and signs only what is new', async () => {
    const clock = createManualClock(START);
    const options = { dataDir: dir, proceduresDir: 'procedures', configDir: 'config', clock };
    const m = await createMotcua(options);
    const admin = await m.users.create(null, { name: 'Quản trị', unit: 'ha-tinh', roles: ['admin', 'receiver'] }, { requestId: 't' });
    const actor = (await m.users.authenticate(admin.token))!;
    await m.cases.open(actor, { procedure: 'dang-ky-tam-tru', unit: 'thanh-sen', applicant: { name: 'x' }, data: { ...TAM_TRU_DATA }, channel: 1 }, { requestId: 't' });
    const before = await head(m.store);
    await m.close();

    const again = await createMotcua(options);
    try {
      const signed = await again.store.read((tx) => tx.db.selectFrom('audit_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirstOrThrow());
      expect(signed.size).toBe(before.seq);
      expect((await head(again.store)).seq).toBe(before.seq + 1);
      // Nothing new since: no second checkpoint at the next shutdown either.
      expect(await again.audit.checkpointer.checkpointNow()).toBeNull();
      await again.users.create(null, { name: 'Người mới', unit: 'thanh-sen', roles: ['receiver'] }, { requestId: 't' });
      const next = await again.audit.checkpointer.checkpointNow();
      expect(next!.size).toBe(before.seq + 2);
      expect(rootOf(next!.note).equals(merkleRoot(await allLeaves(again.store, next!.size)))).toBe(true);
    } finally {
      await again.close();
    }
  });
});

describe('audit settings from the environment', () => {
  it('reads the key path, log name and checkpoint policy, with defaults', () => {
    expect(readAuditConfig({}, '/srv')).toEqual({ keyPath: undefined, origin: 'motcua.local/audit', checkpointEvery: 1000, checkpointIntervalMs: 600_000 });
    expect(
      readAuditConfig({ MOTCUA_AUDIT_KEY: 'keys/audit.pem', MOTCUA_LOG_ORIGIN: 'motcua.hatinh.gov.vn/audit', MOTCUA_CHECKPOINT_ENTRIES: '500', MOTCUA_CHECKPOINT_MINUTES: '2.5' }, '/srv'),
    ).toEqual({ keyPath: '/srv/keys/audit.pem', origin: 'motcua.hatinh.gov.vn/audit', checkpointEvery: 500, checkpointIntervalMs: 150_000 });
    expect(() => readAuditConfig({ MOTCUA_LOG_ORIGIN: 'two words' }, '/srv')).toThrow(/MOTCUA_LOG_ORIGIN/);
    expect(() => readAuditConfig({ MOTCUA_CHECKPOINT_ENTRIES: '0' }, '/srv')).toThrow(/MOTCUA_CHECKPOINT_ENTRIES/);
  });
});
