import { createHash, verify as edVerify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  generateSigningKey,
  keyId,
  loadOrCreateKeyPair,
  noteVerifierKey,
  parseCheckpoint,
  publicKeyPem,
  publicKeyRaw,
  saveKeyPair,
  signCheckpoint,
  verifyCheckpoint,
  type CheckpointBody,
  type SigningKey,
} from '../../src/audit/index.js';

const ORIGIN = 'motcua.example/audit';
const body: CheckpointBody = {
  origin: ORIGIN,
  size: 1000,
  root: Buffer.alloc(32, 0xab),
  chainHead: Buffer.alloc(32, 0xcd),
  time: '2025-11-28T03:00:00.000Z',
};

let key: SigningKey;
let other: SigningKey;
beforeAll(() => {
  key = generateSigningKey();
  other = generateSigningKey();
});

describe('signed checkpoints', () => {
  it('writes the signed-note layout: body, blank line, one signature line over the body', () => {
    const note = signCheckpoint(body, key);
    const id = keyId(ORIGIN, key.publicKey);
    const [text, sigLine] = note.split('\n\n') as [string, string];
    expect(text).toBe(
      [ORIGIN, '1000', Buffer.alloc(32, 0xab).toString('base64'), `chain ${Buffer.alloc(32, 0xcd).toString('base64')}`, `time ${body.time}`, `key ${id}`].join('\n'),
    );
    const m = /^\u2014 motcua\.example\/audit ([A-Za-z0-9+/=]+)\n$/.exec(sigLine);
    expect(m).not.toBeNull();
    const raw = Buffer.from(m?.[1] ?? '', 'base64');
    expect(raw.subarray(0, 4).toString('hex')).toBe(id);
    expect(edVerify(null, Buffer.from(`${text}\n`), key.publicKey, raw.subarray(4))).toBe(true);
  });

  it("derives the key id as Go's note package does: SHA-256(name ‖ \\n ‖ 0x01 ‖ key)[:4]", () => {
    const expected = createHash('sha256').update(`${ORIGIN}\n`).update(Buffer.from([1])).update(publicKeyRaw(key.publicKey)).digest().subarray(0, 4);
    expect(keyId(ORIGIN, key.publicKey)).toBe(expected.toString('hex'));
    expect(noteVerifierKey(ORIGIN, key.publicKey)).toBe(
      `${ORIGIN}+${expected.toString('hex')}+${Buffer.concat([Buffer.from([1]), publicKeyRaw(key.publicKey)]).toString('base64')}`,
    );
  });

  it('parses back to the same checkpoint and verifies against the PEM public key', () => {
    const note = signCheckpoint(body, key);
    const parsed = parseCheckpoint(note);
    expect(parsed.ok && parsed.checkpoint.size).toBe(1000);
    const v = verifyCheckpoint(note, publicKeyPem(key));
    expect(v.ok).toBe(true);
    if (v.ok) {
      expect(Buffer.from(v.checkpoint.root).equals(body.root)).toBe(true);
      expect(Buffer.from(v.checkpoint.chainHead).equals(body.chainHead)).toBe(true);
      expect(v.checkpoint.time).toBe(body.time);
    }
    // Any of several trusted keys (after a rotation) will do.
    expect(verifyCheckpoint(note, [publicKeyPem(other), key.publicKey]).ok).toBe(true);
  });

  it('rejects a note signed by a key that is not trusted, naming both key ids', () => {
    const v = verifyCheckpoint(signCheckpoint(body, other), publicKeyPem(key));
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.problem).toContain(keyId(ORIGIN, other.publicKey));
      expect(v.problem).toContain(keyId(ORIGIN, key.publicKey));
    }
  });

  it('rejects a note whose text changed after signing', () => {
    const note = signCheckpoint(body, key).replace('\n1000\n', '\n1001\n');
    const v = verifyCheckpoint(note, key.publicKey);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.problem).toMatch(/changed after signing/);
  });

  it('accepts extra signatures by other keys next to a trusted one', () => {
    const note = signCheckpoint(body, key);
    const foreign = signCheckpoint(body, other).split('\n\n')[1] as string;
    expect(verifyCheckpoint(`${note}${foreign}`, key.publicKey).ok).toBe(true);
  });

  it.each([
    ['no final newline', (n: string) => n.slice(0, -1)],
    ['no blank line', (n: string) => n.replace('\n\n', '\n')],
    ['a missing line', (n: string) => n.replace(/time [^\n]+\n/, '')],
    ['a size with a leading zero', (n: string) => n.replace('\n1000\n', '\n01000\n')],
    ['a local time', (n: string) => n.replace('03:00:00.000Z', '03:00:00.000+07:00')],
    ['a short root', (n: string) => n.replace(/\n[A-Za-z0-9+/]{43}=\n/, '\nAAAA\n')],
    ['carriage returns', (n: string) => n.replaceAll('\n', '\r\n')],
    ['a bad signature line', (n: string) => n.replace('\u2014 ', '- ')],
    ['no signature', (n: string) => n.split('\n\n')[0] + '\n\n'],
  ])('refuses a note with %s', (_name, mutate) => {
    const note = mutate(signCheckpoint(body, key));
    expect(parseCheckpoint(note).ok && verifyCheckpoint(note, key.publicKey).ok).toBe(false);
  });

  it('refuses to sign under an origin that cannot name a key', () => {
    expect(() => signCheckpoint({ ...body, origin: 'two words' }, key)).toThrow(/cannot name a signing key/);
  });
});

describe('key files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'motcua-keys-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a key on first use with a private file of mode 0600, then reloads the same key', async () => {
    const data = join(dir, 'data');
    const first = await loadOrCreateKeyPair(data);
    expect(first.created).toBe(true);
    expect((await stat(join(data, PRIVATE_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(data, PUBLIC_KEY_FILE), 'utf8')).toBe(publicKeyPem(first.key));
    const again = await loadOrCreateKeyPair(data);
    expect(again.created).toBe(false);
    expect(again.warning).toBeUndefined();
    expect(publicKeyPem(again.key)).toBe(publicKeyPem(first.key));
    // Given by path, the file itself is loaded.
    expect(publicKeyPem((await loadOrCreateKeyPair(join(data, PRIVATE_KEY_FILE))).key)).toBe(publicKeyPem(first.key));
  });

  it('gives one key to processes starting at the same moment', async () => {
    const data = join(dir, 'race');
    const loaded = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateKeyPair(data)));
    expect(new Set(loaded.map((l) => publicKeyPem(l.key))).size).toBe(1);
    expect(loaded.filter((l) => l.created).length).toBe(1);
  });

  it('never overwrites a private key', async () => {
    const data = join(dir, 'keep');
    await saveKeyPair(data, key);
    await expect(saveKeyPair(data, other)).rejects.toThrow(/already exists/);
    expect(publicKeyPem((await loadOrCreateKeyPair(data)).key)).toBe(publicKeyPem(key));
  });

  it('warns about a private key file others can read, and refuses a missing key path', async () => {
    const data = join(dir, 'loose');
    const { privatePath } = await saveKeyPair(data, key);
    await chmod(privatePath, 0o644);
    expect((await loadOrCreateKeyPair(privatePath)).warning).toMatch(/chmod 600/);
    await expect(loadOrCreateKeyPair(join(dir, 'absent.pem'))).rejects.toThrow(/does not exist/);
    await writeFile(join(dir, 'junk.pem'), 'not a key');
    await expect(loadOrCreateKeyPair(join(dir, 'junk.pem'))).rejects.toThrow(/not a PEM private key/);
  });
});
