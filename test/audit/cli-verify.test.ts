import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCheckpointLine, generateSigningKey, keyId, publicKeyPem, type SigningKey } from '../../src/audit/index.js';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { ORIGIN, buildExport, checkpointNote, entryIndex, signOver } from './export-builder.js';

let dir: string;
let key: SigningKey;
let newKey: SigningKey;
let genuine: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'motcua-audit-cli-'));
  key = generateSigningKey();
  genuine = buildExport({ entries: 120, checkpointEvery: 25, key });
  await writeFile(join(dir, 'key.pem'), publicKeyPem(key));
  await writeFile(join(dir, 'other.pem'), publicKeyPem(generateSigningKey()));
  await writeFile(join(dir, 'export.jsonl'), `${genuine.join('\n')}\n`);
  await writeFile(join(dir, 'pinned.txt'), checkpointNote(genuine, 100));
  const tampered = [...genuine];
  const i = entryIndex(tampered, 42);
  tampered[i] = (tampered[i] as string).replace('"procedure":"dang-ky-tam-tru@3"', '"procedure":"dang-ky-tam-tru@4"');
  await writeFile(join(dir, 'tampered.jsonl'), `${tampered.join('\n')}\n`);
  await writeFile(join(dir, 'short.jsonl'), `${genuine.slice(0, entryIndex(genuine, 50) + 2).join('\n')}\n`);
  // After a key rotation: the last checkpoint (size 120) is signed by the new key.
  newKey = generateSigningKey();
  await writeFile(join(dir, 'new.pem'), publicKeyPem(newKey));
  const rotated = [...genuine.slice(0, -1), formatCheckpointLine(signOver(genuine, newKey))];
  await writeFile(join(dir, 'rotated.jsonl'), `${rotated.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(): CliIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), cwd: dir, env: {}, stdout: () => out, stderr: () => err };
}

const run = async (...args: string[]) => {
  const io = capture();
  const code = await main(['audit', 'verify', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
};

describe('motcua audit verify', () => {
  it('exits 0 on a genuine export and says what it checked', async () => {
    const r = await run('--export', 'export.jsonl', '--public-key', 'key.pem', '--checkpoint', 'pinned.txt');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/VERIFIED/);
    expect(r.out).toMatch(/entries checked: 120/);
    expect(r.out).toMatch(/checkpoints: 5 found, 5 valid/);
    expect(r.out).toMatch(/pinned checkpoint \(size 100\): consistent/);
    expect(r.out).toContain(`  signing keys: ${keyId(ORIGIN, key.publicKey)}\n`);
  });

  it('exits 1 on a tampered export and names the first bad seq', async () => {
    const r = await run('--export', 'tampered.jsonl', '--public-key', 'key.pem');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAILED/);
    expect(r.out).toMatch(/first bad seq: 42: the entry bytes do not match its leaf hash/);
    // The checkpoint of size 25 still verifies, so its key is named.
    expect(r.out).toContain(`  signing keys: ${keyId(ORIGIN, key.publicKey)}\n`);
  });

  it('exits 1 when signatures come from a key that is not given', async () => {
    const r = await run('--export', 'export.jsonl', '--public-key', 'other.pem');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/signature REJECTED/);
    expect(r.out).toContain('  signing keys: none (no checkpoint verified)\n');
  });

  it('exits 1 when the export is shorter than the pinned checkpoint', async () => {
    const r = await run('--export', 'short.jsonl', '--public-key', 'key.pem', '--checkpoint', 'pinned.txt', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { ok: boolean; entriesChecked: number; pinned: { consistent: boolean } };
    expect(report).toMatchObject({ ok: false, entriesChecked: 50, pinned: { consistent: false } });
  });

  it('names every key that signed a valid checkpoint, oldest first, after a key rotation', async () => {
    const r = await run('--export', 'rotated.jsonl', '--public-key', 'new.pem', '--public-key', 'key.pem');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`  signing keys: ${keyId(ORIGIN, key.publicKey)}, ${keyId(ORIGIN, newKey.publicKey)}\n`);
    const json = await run('--export', 'rotated.jsonl', '--public-key', 'new.pem', '--public-key', 'key.pem', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, signingKeys: [keyId(ORIGIN, key.publicKey), keyId(ORIGIN, newKey.publicKey)] });
  });

  it('accepts several public keys (key rotation) and prints JSON on request', async () => {
    const r = await run('--export', 'export.jsonl', '--public-key', 'other.pem', '--public-key', 'key.pem', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, entriesChecked: 120, checkpointCount: 5 });
  });

  it.each([
    [['--export', 'export.jsonl'], /--public-key are required/],
    [['--public-key', 'key.pem'], /--export and --public-key are required/],
    [['--export', 'export.jsonl', '--public-key', 'key.pem', '--bogus'], /Unknown option/],
    [['--export', 'missing.jsonl', '--public-key', 'key.pem'], /cannot read export .*ENOENT/],
    [['--export', 'export.jsonl', '--public-key', 'export.jsonl'], /not a public key/],
    [['--export', 'export.jsonl', '--public-key', 'key.pem', '--checkpoint', 'nope.txt'], /cannot read pinned checkpoint/],
  ])('exits 2 on a usage error or unreadable input: %j', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('exits 2 without a subcommand and lists itself in the help', async () => {
    const io = capture();
    expect(await main(['audit'], io)).toBe(2);
    expect(io.stderr()).toMatch(/the subcommand is 'verify'/);
    const help = capture();
    await main(['--help'], help);
    expect(help.stdout()).toMatch(/audit/);
  });
});
