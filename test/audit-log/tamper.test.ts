/**
 * Tampering with a copy of the database, as someone with database access would: drop the
 * append-only triggers, change the log, export it with the export the API uses, and run the
 * real `motcua audit verify` with the public key and the checkpoint the auditor pinned earlier.
 * Each tamper must fail verification and name where: the first bad seq, or for a log rewritten
 * and re-signed with the real key, the inconsistency with the pinned checkpoint.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  keyId,
  loadKeyPair,
  merkleRoot,
  PRIVATE_KEY_FILE,
  sealEntry,
  signCheckpoint,
  type AuditEntry,
  type ChainHead,
  type SigningKey,
} from '../../src/audit/index.js';
import { createManualClock } from '../../src/clock/index.js';
import { createMotcua, type Motcua } from '../../src/server/motcua.js';
import { exportJsonLines } from '../../src/service/audit-export.js';
import { openStore, sqliteFileName } from '../../src/storage/index.js';
import { START, TAM_TRU_DATA } from '../http/cases-fixture.js';
import { checkedExport } from './personal-data.js';
import { verifyFiles } from './support.js';

const ORIGIN = 'motcua.local/audit';
type Row = { seq: number; bytes: string; leaf_hash: string; chain_hash: string };

let root: string;
let dataDir: string;
let publicPem: string;
/** The checkpoint the auditor saved outside the system, partway through. */
let pinned: string;
let pinnedSize: number;
/** The latest genuine checkpoint (made at shutdown). */
let latest: { size: number; note: string };
/** Sizes of every genuine checkpoint. */
let sizes: number[];

/** A day of work: dossiers opened and moved along, officers created. */
async function work(m: Motcua, n: number, clock: ReturnType<typeof createManualClock>): Promise<void> {
  const admin = await m.users.create(null, { name: 'Quản trị', unit: 'ha-tinh', roles: ['admin', 'receiver', 'processor', 'leader'] }, { requestId: 'seed' });
  const actor = (await m.users.authenticate(admin.token))!;
  for (let i = 0; i < n; i++) {
    clock.advance(10 * 60_000);
    const opened = await m.cases.open(actor, { procedure: 'dang-ky-tam-tru', unit: 'thanh-sen', applicant: { name: TAM_TRU_DATA.ho_ten }, data: { ...TAM_TRU_DATA }, channel: 1 }, { requestId: `open-${i}` });
    const id = (opened.body as { id: string }).id;
    await m.cases.send(actor, id, { type: 'ACCEPT' }, { requestId: `accept-${i}` });
    await m.cases.send(actor, id, { type: 'PROPOSE', input: { cho_o_hop_phap: true } }, { requestId: `propose-${i}` });
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'motcua-tamper-'));
  dataDir = join(root, 'genuine');
  const clock = createManualClock(START);
  const m = await createMotcua({ dataDir, proceduresDir: 'procedures', configDir: 'config', clock });
  publicPem = m.audit.key.publicPem;
  await work(m, 4, clock);
  const p = (await m.audit.checkpointer.checkpointNow())!;
  pinned = p.note;
  pinnedSize = p.size;
  await work(m, 4, clock);
  await m.audit.checkpointer.checkpointNow();
  await work(m, 2, clock);
  // close() signs the tail: the genuine log ends signed.
  await m.close();
  const db = new Database(join(dataDir, sqliteFileName), { readonly: true });
  const cps = db.prepare('select size, note from audit_checkpoints order by size').all() as { size: number; note: string }[];
  db.close();
  sizes = cps.map((c) => c.size);
  latest = cps[cps.length - 1]!;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the genuine data folder, its triggers dropped, changed by `tamper`. */
function tamperedCopy(name: string, tamper: (db: Database.Database) => void): string {
  const dir = join(root, name);
  cpSync(dataDir, dir, { recursive: true });
  const db = new Database(join(dir, sqliteFileName));
  for (const { name: trigger } of db.prepare("select name from sqlite_master where type = 'trigger'").all() as { name: string }[]) {
    db.exec(`drop trigger "${trigger}"`);
  }
  db.transaction(() => tamper(db))();
  db.close();
  return dir;
}

/** Exports a data folder with the API's export function, then runs `motcua audit verify`. */
async function exportAndVerify(dir: string, name: string, keys: string[] = [publicPem], pin: string | null = pinned) {
  const store = await openStore({ dataDir: dir, migrate: false });
  let text = '';
  try {
    const top = await store.read((tx) => tx.db.selectFrom('audit_entries').select((eb) => eb.fn.max<number>('seq').as('seq')).executeTakeFirstOrThrow());
    for await (const line of exportJsonLines(store, ORIGIN, { fromSeq: 1, toSeq: Number(top.seq) })) text += `${line}\n`;
  } finally {
    await store.close();
  }
  checkedExport(`tamper-${name}.jsonl`, text);
  return verifyFiles(root, name, text, keys, pin ?? undefined);
}

function rows(db: Database.Database): Row[] {
  return db.prepare('select seq, bytes, leaf_hash, chain_hash from audit_entries order by seq').all() as Row[];
}

/** Re-seals entries from `from` on (after `change` edits their content) and re-signs every checkpoint from there with `key`. */
function rewriteFrom(db: Database.Database, from: number, change: (e: AuditEntry) => AuditEntry, key: SigningKey): void {
  const all = rows(db);
  const prev = all[from - 2]!;
  let head: ChainHead = { seq: from - 1, chain: Buffer.from(prev.chain_hash, 'hex') };
  const update = db.prepare('update audit_entries set bytes = ?, leaf_hash = ?, chain_hash = ? where seq = ?');
  const leaves: Buffer[] = all.slice(0, from - 1).map((r) => Buffer.from(r.leaf_hash, 'hex'));
  const chains: Buffer[] = all.slice(0, from - 1).map((r) => Buffer.from(r.chain_hash, 'hex'));
  for (const r of all.slice(from - 1)) {
    const { seq: _seq, prev: _prev, ...draft } = change(JSON.parse(r.bytes) as AuditEntry);
    const sealed = sealEntry(head, draft);
    update.run(sealed.text, sealed.leaf.toString('hex'), sealed.chain.toString('hex'), r.seq);
    head = { seq: sealed.entry.seq, chain: sealed.chain };
    leaves.push(sealed.leaf);
    chains.push(sealed.chain);
  }
  const sizesFrom = (db.prepare('select size from audit_checkpoints where size >= ? order by size').all(from) as { size: number }[]).map((c) => c.size);
  db.prepare('delete from audit_checkpoints where size >= ?').run(from);
  const insert = db.prepare('insert into audit_checkpoints (size, note, created_at, frontier, key_id) values (?, ?, ?, null, ?)');
  for (const size of sizesFrom) {
    const note = signCheckpoint({ origin: ORIGIN, size, root: merkleRoot(leaves.slice(0, size)), chainHead: chains[size - 1]!, time: '2026-03-02T09:00:00.000Z' }, key);
    insert.run(size, note, '2026-03-02T09:00:00.000Z', keyId(ORIGIN, key.publicKey));
  }
}

describe('tampering with a copy of the database', () => {
  it('the genuine copy verifies, consistent with the pinned checkpoint', async () => {
    expect(pinnedSize).toBeLessThan(latest.size);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    const r = await exportAndVerify(tamperedCopy('untouched', () => {}), 'untouched');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/VERIFIED/);
    expect(r.out).toMatch(new RegExp(`pinned checkpoint \\(size ${pinnedSize}\\): consistent`));
  });

  it('one byte changed in an entry: names that entry as the first bad seq', async () => {
    const target = pinnedSize - 5;
    const dir = tamperedCopy('byte', (db) => {
      const r = db.prepare('select bytes from audit_entries where seq = ?').get(target) as { bytes: string };
      const at = r.bytes.indexOf('"time":"') + 20;
      const changed = r.bytes.slice(0, at) + String.fromCharCode(r.bytes.charCodeAt(at) ^ 1) + r.bytes.slice(at + 1);
      db.prepare('update audit_entries set bytes = ? where seq = ?').run(changed, target);
    });
    const r = await exportAndVerify(dir, 'byte');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`first bad seq: ${target}: the entry bytes do not match its leaf hash`));
  });

  it('a middle entry deleted: names the missing seq as the first bad one and a gap', async () => {
    const target = pinnedSize + 3;
    const dir = tamperedCopy('deleted', (db) => db.prepare('delete from audit_entries where seq = ?').run(target));
    const r = await exportAndVerify(dir, 'deleted');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`first bad seq: ${target}: entry ${target} is not in its place`));
    expect(r.out).toMatch(new RegExp(`gaps: ${target}\\n`));
  });

  it('two entries swapped: names the first of the two', async () => {
    const a = pinnedSize + 6;
    const dir = tamperedCopy('swapped', (db) => {
      const [x, y] = [a, a + 1].map((s) => db.prepare('select bytes, leaf_hash, chain_hash from audit_entries where seq = ?').get(s) as Row);
      const put = db.prepare('update audit_entries set bytes = ?, leaf_hash = ?, chain_hash = ? where seq = ?');
      put.run(y!.bytes, y!.leaf_hash, y!.chain_hash, a);
      put.run(x!.bytes, x!.leaf_hash, x!.chain_hash, a + 1);
    });
    const r = await exportAndVerify(dir, 'swapped');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`first bad seq: ${a}: `));
  });

  it('the tail truncated and re-signed with another key: the signature is rejected', async () => {
    const cut = latest.size - 3;
    expect(sizes).not.toContain(cut);
    const forger = generateSigningKey();
    const dir = tamperedCopy('truncated', (db) => {
      db.prepare('delete from audit_entries where seq > ?').run(cut);
      db.prepare('delete from audit_checkpoints where size > ?').run(cut);
      const leaves = rows(db).map((r) => Buffer.from(r.leaf_hash, 'hex'));
      const chain = Buffer.from(rows(db)[cut - 1]!.chain_hash, 'hex');
      const note = signCheckpoint({ origin: ORIGIN, size: cut, root: merkleRoot(leaves), chainHead: chain, time: '2026-03-02T09:00:00.000Z' }, forger);
      db.prepare('insert into audit_checkpoints (size, note, created_at, frontier, key_id) values (?, ?, ?, null, ?)').run(cut, note, '2026-03-02T09:00:00.000Z', keyId(ORIGIN, forger.publicKey));
    });
    const r = await exportAndVerify(dir, 'truncated');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`size ${cut}, key ${keyId(ORIGIN, forger.publicKey)}: signature REJECTED; no signature by a trusted key`));
    expect(r.out).toMatch(/pinned checkpoint \(size \d+\): consistent/);
    // Pinning the latest genuine checkpoint also shows the cut.
    const withLatest = await exportAndVerify(dir, 'truncated-latest', [publicPem], latest.note);
    expect(withLatest.out).toMatch(/INCONSISTENT: .*the log was truncated/);
  });

  it('the log rewritten and re-signed with the real key: only the pinned checkpoint exposes it', async () => {
    const realKey = (await loadKeyPair(join(dataDir, PRIVATE_KEY_FILE))).key;
    const target = pinnedSize - 2;
    const dir = tamperedCopy('rewritten', (db) =>
      rewriteFrom(db, target, (e) => (e.seq === target ? { ...e, actor: { id: 'someone-else', role: e.actor.role } } : e), realKey),
    );
    // Self-consistent and signed with the real key: without a pinned checkpoint it passes.
    const unpinned = await exportAndVerify(dir, 'rewritten-unpinned', [publicPem], null);
    expect(unpinned.code, unpinned.out).toBe(0);
    const r = await exportAndVerify(dir, 'rewritten');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`pinned checkpoint \\(size ${pinnedSize}\\): INCONSISTENT: the first ${pinnedSize} entries of this export do not have the Merkle root you pinned: the log was changed at or before seq ${pinnedSize}`));
  });
});
