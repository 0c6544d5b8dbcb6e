/**
 * The audit API end to end, on SQLite and (with DATABASE_URL) PostgreSQL: officers are refused,
 * exports verify with the real `motcua audit verify`, proofs verify against checkpoint roots,
 * entries filter and page, reads of dossiers are recorded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { generateSigningKey, parseCheckpoint, publicKeyPem, verifyCheckpoint, verifyConsistency, verifyInclusion } from '../../src/audit/index.js';
import { parseCsv } from '../../src/reports/csv.js';
import { registerAuditRoutes } from '../../src/http/routes/audit.js';
import { AUDIT_CSV_COLUMNS } from '../../src/service/audit-export.js';
import { createMotcuaContext, describeEachMotcua, START, type MotcuaContext } from '../http/cases-fixture.js';
import { LONG_READ_THREADS, SLOW_COUNT } from '../support/event-loop.js';
import { checkedExport } from './personal-data.js';
import { exportParts, exportVia, verifyFiles } from './support.js';

const AUDIT_ROUTES = [
  '/api/v1/audit/public-key',
  '/api/v1/audit/keys',
  '/api/v1/audit/checkpoints',
  '/api/v1/audit/checkpoints/latest',
  '/api/v1/audit/proofs/inclusion?seq=1&size=1',
  '/api/v1/audit/proofs/consistency?from=1&to=1',
  '/api/v1/audit/entries',
  '/api/v1/audit/export',
  '/api/v1/audit/export?format=csv',
  '/api/v1/audit/verify',
  '/api/v1/audit/access',
];

const hex = (h: string) => Buffer.from(h, 'hex');

describeEachMotcua('audit API', (ctx) => {
  let dir: string;
  const ids: string[] = [];

  /** Three dossiers moved along, an hour apart, so entries differ in case, actor, event and time. */
  async function scenario(t: MotcuaContext): Promise<void> {
    for (let i = 0; i < 3; i++) {
      t.clock.advance(60 * 60_000);
      const c = await t.open(i === 2 ? 'officer' : 'receiver');
      ids.push(c.id);
      expect((await t.send('receiver', c.id, 'ACCEPT')).status).toBe(200);
      if (i < 2) expect((await t.send('processor', c.id, 'PROPOSE', { cho_o_hop_phap: true, ghi_chu: 'Đã kiểm tra hợp đồng thuê nhà' })).status).toBe(200);
      if (i === 0) expect((await t.send('leader', c.id, 'RETURN', { reason: 'Hợp đồng thuê hết hạn trước thời hạn đề nghị' })).status).toBe(200);
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'motcua-audit-api-'));
    await scenario(ctx());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses officers (403) and strangers (401) on every audit route', async () => {
    const t = ctx();
    for (const path of AUDIT_ROUTES) {
      for (const who of ['receiver', 'processor', 'leader', 'officer', 'province'] as const) {
        const r = await t.call(who, 'GET', path);
        expect(r.status, `${who} ${path}`).toBe(403);
        expect(r.body.code).toBe('forbidden');
      }
      expect((await t.call('nobody', 'GET', path)).status, path).toBe(401);
    }
  });

  it('signs a first checkpoint when an inspector asks for the latest of a log too young to have one', async () => {
    const young = await createMotcuaContext(ctx().kind);
    onTestFinished(() => young.cleanup());
    await young.open();
    expect(await young.m.store.read((tx) => tx.db.selectFrom('audit_checkpoints').select('size').execute())).toEqual([]);
    const latest = await young.call('auditor', 'GET', '/api/v1/audit/checkpoints/latest');
    expect(latest.status).toBe(200);
    const key = (await young.call('auditor', 'GET', '/api/v1/audit/public-key')).body as string;
    const v = verifyCheckpoint(latest.body, key);
    expect(v.ok).toBe(true);
    const head = await young.m.store.read((tx) => tx.db.selectFrom('audit_entries').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow());
    // It covers every entry before its own, and asking again gives the same note, not another one.
    expect(v.ok && v.checkpoint.size).toBe(head.seq - 1);
    expect((await young.call('auditor', 'GET', '/api/v1/audit/checkpoints/latest')).body).toBe(latest.body);
  });

  it('serves the public key as PEM text; the latest checkpoint verifies with it and its entry follows it', async () => {
    const t = ctx();
    const signed = await t.m.audit.checkpointer.checkpointNow();
    expect(signed).not.toBeNull();
    const key = await t.call('auditor', 'GET', '/api/v1/audit/public-key');
    expect(key.status).toBe(200);
    expect(key.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(key.body).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    expect((await t.call('admin', 'GET', '/api/v1/audit/public-key')).body).toBe(key.body);

    const latest = await t.call('auditor', 'GET', '/api/v1/audit/checkpoints/latest');
    expect(latest.status).toBe(200);
    expect(latest.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(latest.body).toBe(signed!.note);
    const v = verifyCheckpoint(latest.body, key.body);
    expect(v.ok).toBe(true);
    const size = signed!.size;
    expect(v.ok && v.checkpoint.size).toBe(size);
    expect(v.ok && v.keyId).toBe(t.m.audit.key.keyId);

    // The checkpoint covers 1..size; its own entry is size + 1 and names it.
    const own = await t.call('auditor', 'GET', `/api/v1/audit/entries?from_seq=${size + 1}&to_seq=${size + 1}`);
    expect(own.body.items[0].entry).toMatchObject({ seq: size + 1, kind: 'audit.checkpoint', event: 'audit.checkpoint', details: { size, key_id: t.m.audit.key.keyId } });
    // Nothing new but that entry: no further checkpoint.
    expect(await t.m.audit.checkpointer.checkpointNow()).toBeNull();

    const list = await t.call('auditor', 'GET', '/api/v1/audit/checkpoints');
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ size, note: signed!.note, key_id: t.m.audit.key.keyId });
  });

  it('exports JSON Lines that `motcua audit verify` accepts, ending with a checkpoint of every exported entry', async () => {
    const t = ctx();
    const pinned = (await t.call('auditor', 'GET', '/api/v1/audit/checkpoints/latest')).body as string;
    // New entries after the last checkpoint: the export signs them on demand.
    const c = await t.open();
    expect((await t.send('receiver', c.id, 'ACCEPT')).status).toBe(200);
    const text = await exportVia(t, 'api-full.jsonl');
    const { entries, checkpoints, last, parsed } = exportParts(text);
    expect(parsed[0]).toMatchObject({ type: 'header', origin: 'motcua.local/audit' });
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(last?.type).toBe('checkpoint');
    expect(checkpoints[checkpoints.length - 1]!.size).toBe(entries.length);
    // The accepted dossier is in the export, not left in an unsigned tail.
    expect(entries.some((e) => e.text.includes(c.id) && e.text.includes('"event":"ACCEPT"'))).toBe(true);

    const pem = (await t.call('auditor', 'GET', '/api/v1/audit/public-key')).body as string;
    const ok = await verifyFiles(dir, `${t.kind}-full`, text, [pem], pinned);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/VERIFIED/);
    expect(ok.out).toMatch(new RegExp(`entries checked: ${entries.length}`));
    expect(ok.out).toMatch(/pinned checkpoint \(size \d+\): consistent/);

    const other = await verifyFiles(dir, `${t.kind}-otherkey`, text, [publicKeyPem(generateSigningKey())]);
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/signature REJECTED/);
  });

  it('exports up to to_seq, signing a checkpoint of exactly that size, and from_seq slices', async () => {
    const t = ctx();
    const text = await exportVia(t, 'api-to-7.jsonl', '?to_seq=7');
    const { entries, checkpoints, last } = exportParts(text);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(last?.type).toBe('checkpoint');
    expect(checkpoints.map((c) => c.size)).toEqual([7]);
    const pem = (await t.call('auditor', 'GET', '/api/v1/audit/public-key')).body as string;
    const r = await verifyFiles(dir, `${t.kind}-to7`, text, [pem]);
    expect(r.code, r.out).toBe(0);
    // The on-demand checkpoint is stored once: asking again reuses it.
    const again = exportParts(await exportVia(t, 'api-to-7-again.jsonl', '?to_seq=7'));
    expect(again.checkpoints[0]!.note).toBe(checkpoints[0]!.note);

    const slice = exportParts(await exportVia(t, 'api-3-to-7.jsonl', '?from_seq=3&to_seq=7'));
    expect(slice.entries.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7]);
  });

  it('exports CSV for spreadsheets: one row per entry, the columns named, Excel-safe', async () => {
    const t = ctx();
    const r = await t.call('auditor', 'GET', '/api/v1/audit/export?format=csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="motcua-audit-1-\d+\.csv"/);
    checkedExport(`${t.kind}-api.csv`, r.body);
    const rows = parseCsv(r.body);
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    const seqs = rows.slice(1).map((row) => Number(row[0]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const accept = rows.find((row) => row[3] === 'ACCEPT')!;
    expect(accept[2]).toBe('case.transition');
    expect(accept[10]).toBe('processing');
    expect(accept[16]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists entries by case, actor, unit, event and time, and pages through them without gaps or repeats', async () => {
    const t = ctx();
    const get = async (q: string) => {
      const r = await t.call('auditor', 'GET', `/api/v1/audit/entries?${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as { items: { seq: number; leaf: string; bytes: string; entry: Record<string, unknown> }[]; next_cursor: string | null };
    };
    const byCase = await get(`case=${ids[0]}`);
    expect(byCase.items.map((i) => i.entry.event)).toEqual(['case.opened', 'ACCEPT', 'PROPOSE', 'RETURN']);
    expect(byCase.items[3]!.entry.reason).toBe('Hợp đồng thuê hết hạn trước thời hạn đề nghị');
    expect(byCase.items.every((i) => JSON.parse(i.bytes).seq === i.seq)).toBe(true);

    const byActor = await get(`actor=${t.userIds.processor}`);
    expect(byActor.items.length).toBeGreaterThanOrEqual(2);
    expect(byActor.items.every((i) => (i.entry.actor as { id: string }).id === t.userIds.processor)).toBe(true);

    const byEvent = await get('event=ACCEPT');
    expect(byEvent.items.length).toBeGreaterThanOrEqual(3);
    expect(byEvent.items.every((i) => i.entry.event === 'ACCEPT')).toBe(true);

    const commune = await get('unit=thanh-sen&event=case.opened');
    const province = await get('unit=ha-tinh&event=case.opened');
    expect(commune.items.length).toBeGreaterThanOrEqual(3);
    expect(province.items.length).toBe(commune.items.length);
    expect((await get('unit=thach-khe&event=case.opened')).items).toEqual([]);

    // The second dossier was opened one hour after the first.
    const opened = byCase.items[0]!.entry.time as string;
    const later = new Date(new Date(opened).getTime() + 30 * 60_000).toISOString();
    const window = await get(`event=case.opened&from=${encodeURIComponent(opened)}&to=${encodeURIComponent(later)}`);
    expect(window.items.map((i) => i.entry.case_id)).toEqual([ids[0]]);

    const all = await get('limit=1000');
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((i) => i.seq));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.items.map((i) => i.seq));
    expect(seen).toEqual(seen.map((_, i) => i + 1));
    expect((await t.call('auditor', 'GET', '/api/v1/audit/entries?cursor=bogus')).status).toBe(400);
    // A reversed range is refused as the export refuses it, not answered with an empty page.
    const seqs = await t.call('auditor', 'GET', '/api/v1/audit/entries?from_seq=10&to_seq=5');
    expect(seqs.status).toBe(400);
    expect(seqs.body.errors).toEqual([{ path: '/to_seq', message: 'is before from_seq; swap them' }]);
    // Compared as instants, not as text: 23:30 at +07:00 is 16:30Z, before 17:00Z.
    const times = await t.call('auditor', 'GET', `/api/v1/audit/entries?from=${encodeURIComponent('2026-11-30T17:00:00Z')}&to=${encodeURIComponent('2026-11-30T23:30:00+07:00')}`);
    expect(times.status).toBe(400);
    expect(times.body.errors).toEqual([{ path: '/to', message: 'is before from; swap them' }]);
    // And 23:00 at +07:00 (16:00Z) is before 16:30Z, though its text sorts after it.
    expect((await t.call('auditor', 'GET', `/api/v1/audit/entries?from=${encodeURIComponent('2026-11-30T23:00:00+07:00')}&to=${encodeURIComponent('2026-11-30T16:30:00Z')}`)).status).toBe(200);
  });

  it('answers index pages while long reads run; on SQLite pages that may scan the whole log wait on a long-read thread', async () => {
    const t = ctx();
    const onThreads = t.m.store.capabilities.longReadsOnThreads;
    const finished: string[] = [];
    // Reports keep every long-read connection busy for a while.
    const busy = Array.from({ length: LONG_READ_THREADS }, () => t.m.store.readLong((tx) => SLOW_COUNT.execute(tx.db)).finally(() => finished.push('a long read')));
    const scans = [
      ['by event', '/api/v1/audit/entries?event=ACCEPT'],
      ['by unit', '/api/v1/audit/entries?unit=thanh-sen'],
      ['by time', `/api/v1/audit/entries?from=${encodeURIComponent(START)}`],
      ['access by reader', `/api/v1/audit/access?actor=${t.userIds.processor}`],
    ].map(([name, path]) => t.call('auditor', 'GET', path!).finally(() => finished.push(name!)));
    // Pages an index serves are answered meanwhile.
    for (const path of ['/api/v1/audit/entries?limit=5', `/api/v1/audit/entries?case=${ids[0]}`, `/api/v1/audit/entries?actor=${t.userIds.processor}`, `/api/v1/audit/access?case=${ids[0]}`]) {
      expect((await t.call('auditor', 'GET', path)).status, path).toBe(200);
    }
    expect(finished).not.toContain('a long read');
    if (onThreads) expect(finished).toEqual([]);
    await Promise.all([...busy, ...scans]);
    if (onThreads) expect(finished[0]).toBe('a long read');
    for (const scan of scans) expect((await scan).status).toBe(200);
    expect((await scans[0]!).body.items.length).toBeGreaterThanOrEqual(3);
  });

  it('serves inclusion and consistency proofs that verify against the roots of signed checkpoints', async () => {
    const t = ctx();
    const small = await t.m.audit.checkpointer.ensureCheckpoint(5);
    const big = await t.m.audit.checkpointer.checkpointNow();
    const bigSize = big?.size ?? Number((await t.call('auditor', 'GET', '/api/v1/audit/checkpoints')).body.items[0].size);
    const rootOf = (note: string) => {
      const p = parseCheckpoint(note);
      if (!p.ok) throw new Error(p.problem);
      return Buffer.from(p.checkpoint.root);
    };
    const bigRoot = rootOf((await t.call('auditor', 'GET', `/api/v1/audit/checkpoints`)).body.items.find((i: { size: number }) => i.size === bigSize).note);
    for (const seq of [1, 2, 5, Math.floor(bigSize / 2), bigSize]) {
      const r = await t.call('auditor', 'GET', `/api/v1/audit/proofs/inclusion?seq=${seq}&size=${bigSize}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(hex(r.body.root).equals(bigRoot)).toBe(true);
      expect(verifyInclusion(seq - 1, bigSize, hex(r.body.leaf_hash), r.body.proof.map(hex), bigRoot).ok, `seq ${seq}`).toBe(true);
      // A proof for another leaf does not pass for this one.
      if (seq > 1) expect(verifyInclusion(seq - 2, bigSize, hex(r.body.leaf_hash), r.body.proof.map(hex), bigRoot).ok).toBe(false);
    }
    const c = await t.call('auditor', 'GET', `/api/v1/audit/proofs/consistency?from=5&to=${bigSize}`);
    expect(c.status).toBe(200);
    expect(c.body.from_checkpoint).toBe(small.note);
    expect(verifyConsistency(5, bigSize, rootOf(small.note), bigRoot, c.body.proof.map(hex)).ok).toBe(true);
    expect(verifyConsistency(5, bigSize, rootOf(small.note), Buffer.alloc(32), c.body.proof.map(hex)).ok).toBe(false);
    // Defaults to the latest checkpoint; sizes beyond the log are refused.
    expect((await t.call('auditor', 'GET', '/api/v1/audit/proofs/inclusion?seq=1')).body.tree_size).toBe(bigSize);
    expect((await t.call('auditor', 'GET', `/api/v1/audit/proofs/inclusion?seq=1&size=${bigSize + 1000}`)).status).toBe(400);
    expect((await t.call('auditor', 'GET', '/api/v1/audit/proofs/inclusion?seq=9&size=3')).status).toBe(400);
  });

  it('verifies the whole log server-side, also against a pinned checkpoint', async () => {
    const t = ctx();
    const pinned = (await t.call('auditor', 'GET', '/api/v1/audit/checkpoints/latest')).body as string;
    const r = await t.call('auditor', 'GET', `/api/v1/audit/verify?checkpoint=${encodeURIComponent(pinned)}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, problemCount: 0, unsignedTail: 0, pinned: { consistent: true } });
    expect(r.body.entriesChecked).toBeGreaterThan(10);
    const forged = pinned.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) - 1}\n`);
    const bad = await t.call('auditor', 'GET', `/api/v1/audit/verify?checkpoint=${encodeURIComponent(forged)}`);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.pinned.signatureOk).toBe(false);
  });

  it('records who read which dossier, through which route, and shows it to auditors only', async () => {
    const t = ctx();
    const id = ids[1]!;
    const before = (await t.call('auditor', 'GET', `/api/v1/audit/access?case=${id}&limit=1000`)).body.items.length;
    t.clock.advance(1000);
    expect((await t.call('processor', 'GET', `/api/v1/cases/${id}`)).status).toBe(200);
    expect((await t.call('leader', 'GET', `/api/v1/cases/${id}/history`)).status).toBe(200);
    expect((await t.call('auditor', 'GET', `/api/v1/cases/${id}/control-slip`)).status).toBe(200);
    expect((await t.call('receiver', 'GET', `/api/v1/cases/${id}/receipt`)).status).toBe(200);
    // A refused read shows nothing, so it records nothing.
    expect((await t.call('other', 'GET', `/api/v1/cases/${id}`)).status).toBe(404);
    const listed = await t.call('receiver', 'GET', '/api/v1/cases?limit=100');
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(id);

    const r = await t.call('auditor', 'GET', `/api/v1/audit/access?case=${id}&limit=1000`);
    expect(r.status).toBe(200);
    const fresh = r.body.items.slice(before);
    expect(fresh.map((a: { actor_id: string; route: string }) => [a.actor_id, a.route])).toEqual([
      [t.userIds.processor, 'GET /api/v1/cases/{id}'],
      [t.userIds.leader, 'GET /api/v1/cases/{id}/history'],
      [t.userIds.auditor, 'GET /api/v1/cases/{id}/control-slip'],
      [t.userIds.receiver, 'GET /api/v1/cases/{id}/receipt'],
      [t.userIds.receiver, 'GET /api/v1/cases'],
    ]);
    expect(fresh[0].at).toBe(t.clock.now().toISOString());
    const byActor = await t.call('admin', 'GET', `/api/v1/audit/access?actor=${t.userIds.leader}`);
    expect(byActor.body.items.every((a: { actor_id: string }) => a.actor_id === t.userIds.leader)).toBe(true);
    expect((await t.call('other', 'GET', `/api/v1/audit/access?case=${id}`)).status).toBe(403);
  });

  it('describes every audit route in the OpenAPI document', async () => {
    // On an app of its own: the whole document is not this suite's concern.
    const app = new OpenAPIHono();
    registerAuditRoutes(app as never, { service: ctx().m.audit.service, access: ctx().m.audit.access });
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'audit', version: '1' } });
    for (const path of AUDIT_ROUTES) expect(Object.keys(doc.paths ?? {})).toContain(path.split('?')[0]);
  });

  it('has the database reject UPDATE and DELETE on the log tables', async () => {
    const { store } = ctx().m;
    for (const statement of [
      sql`update audit_entries set event = 'X' where seq = 1`,
      sql`delete from audit_entries where seq = 1`,
      sql`update audit_checkpoints set note = 'x'`,
      sql`delete from access_records`,
      sql`delete from audit_keys`,
    ]) {
      await expect(store.write((tx) => statement.execute(tx.db))).rejects.toThrow(/append-only/);
    }
  });
});
