/**
 * The signing key: made on first start (mode 0600), or given by path; a changed key is a
 * recorded rotation; `motcua audit rotate-key` has the old key sign over the rotation; the
 * log's name cannot silently change.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, keyId, parseCheckpoint, PRIVATE_KEY_FILE, privateKeyPem, PUBLIC_KEY_FILE, publicKeyPem, verifyCheckpoint } from '../../src/audit/index.js';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { createManualClock } from '../../src/clock/index.js';
import { createMotcua, type Motcua, type MotcuaOptions } from '../../src/server/motcua.js';
import { START } from '../http/cases-fixture.js';
import { exportParts, verifyFiles } from './support.js';
import { checkedExport } from './personal-data.js';

const ORIGIN = 'motcua.local/audit';
const mode = (file: string) => statSync(file).mode & 0o777;

async function entriesOf(m: Motcua, kind: string) {
  const rows = await m.store.read((tx) => tx.db.selectFrom('audit_entries').select(['seq', 'bytes']).orderBy('seq').execute());
  return rows.map((r) => JSON.parse(r.bytes) as { seq: number; kind: string; actor: { id: string }; details?: Record<string, unknown> }).filter((e) => e.kind === kind);
}

async function exportOf(m: Motcua, name: string): Promise<string> {
  const out = await m.audit.service.exportLog({ id: 'a', name: 'a', unitId: 'ha-tinh', unitPath: '/ha-tinh/', roles: ['auditor'] }, { format: 'jsonl' });
  let text = '';
  for await (const line of out.lines) text += line;
  checkedExport(name, text);
  return text;
}

describe('the audit signing key', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'motcua-audit-keys-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const options = (dataDir: string, audit: MotcuaOptions['audit'] = {}): MotcuaOptions => ({ dataDir, proceduresDir: 'procedures', configDir: 'config', clock: createManualClock(START), audit });

  it('is made on first start in the data folder, mode 0600, and registered without a rotation entry', async () => {
    const dataDir = join(root, 'first');
    const m = await createMotcua(options(dataDir));
    const id = m.audit.key.keyId;
    try {
      expect(mode(join(dataDir, PRIVATE_KEY_FILE))).toBe(0o600);
      expect(readFileSync(join(dataDir, PUBLIC_KEY_FILE), 'utf8')).toBe(m.audit.key.publicPem);
      expect(m.audit.key.keyId).toMatch(/^[0-9a-f]{8}$/);
      expect(await entriesOf(m, 'audit.key_rotated')).toEqual([]);
      const keys = await m.store.read((tx) => tx.db.selectFrom('audit_keys').selectAll().execute());
      expect(keys.map((k) => k.key_id)).toEqual([m.audit.key.keyId]);
    } finally {
      await m.close();
    }
    // The same key on every later start, and no rotation recorded.
    const again = await createMotcua(options(dataDir));
    expect(again.audit.key.keyId).toBe(id);
    expect(await entriesOf(again, 'audit.key_rotated')).toEqual([]);
    await again.close();
  });

  it('is taken from MOTCUA_AUDIT_KEY when given; a different key later is recorded as a rotation', async () => {
    const dataDir = join(root, 'given');
    const keyA = generateSigningKey();
    const keyB = generateSigningKey();
    const fileA = join(root, 'a.pem');
    const fileB = join(root, 'b.pem');
    writeFileSync(fileA, privateKeyPem(keyA), { mode: 0o600 });
    writeFileSync(fileB, privateKeyPem(keyB), { mode: 0o600 });

    const m = await createMotcua(options(dataDir, { keyPath: fileA }));
    expect(m.audit.key.keyId).toBe(keyId(ORIGIN, keyA.publicKey));
    await m.audit.checkpointer.checkpointNow();
    await m.close();

    const logs: string[] = [];
    const n = await createMotcua({ ...options(dataDir, { keyPath: fileB }), log: (l) => logs.push(l) });
    try {
      const rotations = await entriesOf(n, 'audit.key_rotated');
      expect(rotations).toHaveLength(1);
      expect(rotations[0]).toMatchObject({
        actor: { id: 'system' },
        details: { old_key_id: keyId(ORIGIN, keyA.publicKey), new_key_id: keyId(ORIGIN, keyB.publicKey), public_key: publicKeyPem(keyB) },
      });
      expect(logs.join('\n')).toMatch(/signing key changed/);
      await n.audit.checkpointer.checkpointNow();
      const keys = await n.audit.service.keys({ id: 'a', name: 'a', unitId: 'ha-tinh', unitPath: '/ha-tinh/', roles: ['auditor'] });
      expect(keys.map((k) => [k.key_id, k.current])).toEqual([
        [keyId(ORIGIN, keyA.publicKey), false],
        [keyId(ORIGIN, keyB.publicKey), true],
      ]);
      // An export spans both keys: it verifies with both, not with the new one alone.
      const text = await exportOf(n, 'keys-two-keys.jsonl');
      const both = await verifyFiles(root, 'given-both', text, [publicKeyPem(keyA), publicKeyPem(keyB)]);
      expect(both.code, both.out).toBe(0);
      const newOnly = await verifyFiles(root, 'given-new', text, [publicKeyPem(keyB)]);
      expect(newOnly.code).toBe(1);
      expect(newOnly.out).toMatch(/signature REJECTED/);
    } finally {
      await n.close();
    }
  });

  it('refuses to make a new key for a log that has one (a lost key file, a second server)', async () => {
    const dataDir = join(root, 'lost');
    const m = await createMotcua(options(dataDir));
    const id = m.audit.key.keyId;
    await m.close();
    rmSync(join(dataDir, PRIVATE_KEY_FILE));
    await expect(createMotcua(options(dataDir))).rejects.toThrow(new RegExp(`signed with key ${id}, but its key file .* does not exist; restore it`));
    // Nothing was created: the next start with the restored key is not a rotation.
    expect(() => statSync(join(dataDir, PRIVATE_KEY_FILE))).toThrow();
  });

  it('refuses a changed log name: a log keeps its name for life', async () => {
    const dataDir = join(root, 'named');
    const m = await createMotcua(options(dataDir));
    await m.close();
    await expect(createMotcua(options(dataDir, { origin: 'motcua.other/audit' }))).rejects.toThrow(/MOTCUA_LOG_ORIGIN=motcua\.local\/audit/);
  });

  it('rotates with `motcua audit rotate-key`: the old key signs over the rotation, then the new key takes over', async () => {
    const dataDir = join(root, 'rotated');
    const m = await createMotcua(options(dataDir));
    const oldId = m.audit.key.keyId;
    const oldPem = m.audit.key.publicPem;
    await m.close();

    let out = '';
    let err = '';
    const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: root, env: { MOTCUA_DATA_DIR: dataDir } };
    expect(await main(['audit', 'rotate-key', '--reason', 'yearly rotation'], io), err).toBe(0);
    const retired = join(dataDir, `audit-signing-key.${oldId}.retired.pem`);
    expect(mode(retired)).toBe(0o600);
    expect(mode(join(dataDir, PRIVATE_KEY_FILE))).toBe(0o600);
    expect(out).toMatch(new RegExp(`rotated: ${oldId} → [0-9a-f]{8}`));

    const n = await createMotcua(options(dataDir));
    try {
      const newId = n.audit.key.keyId;
      expect(newId).not.toBe(oldId);
      expect(readFileSync(join(dataDir, PUBLIC_KEY_FILE), 'utf8')).toBe(n.audit.key.publicPem);
      // One rotation (by the operator), not a second one at start.
      const rotations = await entriesOf(n, 'audit.key_rotated');
      expect(rotations).toHaveLength(1);
      expect(rotations[0]).toMatchObject({ actor: { id: 'operator' }, details: { old_key_id: oldId, new_key_id: newId } });
      // The old key signed a checkpoint covering the rotation entry.
      const cps = await n.store.read((tx) => tx.db.selectFrom('audit_checkpoints').selectAll().where('size', '>=', rotations[0]!.seq).orderBy('size').execute());
      expect(cps[0]!.key_id).toBe(oldId);
      expect(verifyCheckpoint(cps[0]!.note, oldPem).ok).toBe(true);
      const size = parseCheckpoint(cps[0]!.note);
      expect(size.ok && size.checkpoint.size).toBe(rotations[0]!.seq);

      await n.users.create(null, { name: 'Người mới', unit: 'thanh-sen', roles: ['receiver'] }, { requestId: 't' });
      const text = await exportOf(n, 'keys-rotated.jsonl');
      const last = exportParts(text).checkpoints.at(-1)!;
      expect(verifyCheckpoint(last.note, n.audit.key.publicPem).ok).toBe(true);
      const r = await verifyFiles(root, 'rotated', text, [oldPem, n.audit.key.publicPem]);
      expect(r.code, r.out).toBe(0);
    } finally {
      await n.close();
    }
  });
});
