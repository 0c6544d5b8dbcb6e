import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, formatCheckpointLine, generateSigningKey, publicKeyPem, verifyExport, type SigningKey } from '../../src/audit/index.js';
import { buildExport, checkpointNote, entryIndex, linesFromTexts, signOver, timeOf } from './export-builder.js';

let key: SigningKey;
let evil: SigningKey;
let genuine: string[];

beforeAll(() => {
  key = generateSigningKey();
  evil = generateSigningKey();
  // 300 entries, checkpoints after 50, 100, … 300.
  genuine = buildExport({ entries: 300, checkpointEvery: 50, key });
});

const verify = (lines: readonly string[], pinned?: string) =>
  verifyExport(lines, pinned === undefined ? { publicKeys: [publicKeyPem(key)] } : { publicKeys: [publicKeyPem(key)], pinned });

const without = (lines: readonly string[], index: number): string[] => [...lines.slice(0, index), ...lines.slice(index + 1)];

describe('verifyExport on a genuine export', () => {
  it('accepts it, checking every entry and checkpoint', async () => {
    const r = await verify(genuine, checkpointNote(genuine, 200));
    expect(r.ok).toBe(true);
    expect(r.entriesChecked).toBe(300);
    expect(r.lastSeq).toBe(300);
    expect(r.firstBad).toBeUndefined();
    expect(r.problemCount).toBe(0);
    expect(r.gaps).toEqual([]);
    expect(r.checkpointCount).toBe(6);
    expect(r.checkpoints.map((c) => [c.size, c.signatureOk, c.rootOk, c.chainOk])).toEqual(
      [50, 100, 150, 200, 250, 300].map((s) => [s, true, true, true]),
    );
    expect(r.signedSize).toBe(300);
    expect(r.unsignedTail).toBe(0);
    expect(r.pinned).toEqual({ size: 200, signatureOk: true, consistent: true });
    expect(r.origin).toBe('motcua.test/audit');
  });

  it('accepts checkpoints placed before their entries (all at the top) and a pinned checkpoint of the whole log', async () => {
    const checkpoints = genuine.filter((l) => l.startsWith('{"checkpoint"'));
    const [header, ...entries] = genuine.filter((l) => !l.startsWith('{"checkpoint"'));
    const r = await verify([header as string, ...checkpoints, ...entries], checkpointNote(genuine, 300));
    expect(r.ok).toBe(true);
    expect(r.checkpointsValid).toBe(6);
  });

  it('reads an async stream', async () => {
    async function* stream() {
      for (const line of genuine) yield line;
    }
    expect((await verifyExport(stream(), { publicKeys: [key.publicKey] })).ok).toBe(true);
  });
});

describe('verifyExport names the first bad seq of a tampered export', () => {
  it('one byte changed in an entry', async () => {
    const lines = [...genuine];
    const i = entryIndex(lines, 137);
    lines[i] = (lines[i] as string).replace('"role":"processor"', '"role":"processer"');
    expect(lines[i]).not.toBe(genuine[i]);
    const r = await verify(lines);
    expect(r.ok).toBe(false);
    expect(r.firstBad?.seq).toBe(137);
    expect(r.firstBad?.problem).toMatch(/changed after it was written/);
    // The damage is reported once, not at every later link.
    expect(r.problemCount).toBe(1);
    // Signed checkpoints before the change still hold; every one after it exposes the change.
    expect(r.checkpoints.map((c) => c.rootOk)).toEqual([true, true, false, false, false, false]);
    expect(r.signedSize).toBe(100);
  });

  it('any single character changed anywhere in an entry line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), async (seq, at, code) => {
        const lines = [...genuine];
        const i = entryIndex(lines, seq);
        const line = lines[i] as string;
        const pos = at % line.length;
        const replacement = String.fromCharCode(code);
        fc.pre(line[pos] !== replacement);
        lines[i] = line.slice(0, pos) + replacement + line.slice(pos + 1);
        const r = await verify(lines);
        expect(r.ok).toBe(false);
        expect(r.firstBad?.seq).toBe(seq);
      }),
      { numRuns: 150 },
    );
  });

  it('a middle entry deleted', async () => {
    const r = await verify(without(genuine, entryIndex(genuine, 123)));
    expect(r.ok).toBe(false);
    expect(r.firstBad?.seq).toBe(123);
    expect(r.firstBad?.problem).toMatch(/entry 123 is not in its place: entry 124 follows entry 122/);
    expect(r.gaps).toEqual([{ from: 123, to: 123 }]);
    expect(r.problems.some((p) => p.seq === 124 && /prev does not match/.test(p.problem))).toBe(true);
  });

  it('two entries swapped', async () => {
    const lines = [...genuine];
    const a = entryIndex(lines, 200);
    const b = entryIndex(lines, 201);
    [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
    const r = await verify(lines);
    expect(r.ok).toBe(false);
    expect(r.firstBad?.seq).toBe(200);
    expect(r.gaps).toEqual([]);
    expect(r.problems.some((p) => p.seq === 200 && /out of order/.test(p.problem))).toBe(true);
  });

  it('an entry inserted', async () => {
    const lines = [...genuine];
    const i = entryIndex(lines, 77);
    lines.splice(i, 0, lines[entryIndex(lines, 20)] as string);
    const r = await verify(lines);
    expect(r.firstBad?.seq).toBe(77);
    expect(r.firstBad?.problem).toMatch(/entry 20 appears again/);
  });

  it('the tail truncated and re-signed with a different key: signature rejected', async () => {
    const kept = genuine.slice(0, entryIndex(genuine, 250) + 1);
    const lines = [...kept, formatCheckpointLine(signOver(kept, evil))];
    const r = await verify(lines);
    expect(r.ok).toBe(false);
    expect(r.entriesChecked).toBe(250);
    expect(r.firstBad).toBeUndefined();
    const last = r.checkpoints.at(-1);
    expect(last?.size).toBe(250);
    expect(last?.signatureOk).toBe(false);
    expect(last?.problem).toMatch(/no signature by a trusted key/);
  });

  it('the tail truncated to a genuine checkpoint: caught by the pinned later checkpoint', async () => {
    const lines = genuine.slice(0, genuine.indexOf(formatCheckpointLine(checkpointNote(genuine, 250))) + 1);
    expect((await verify(lines)).ok).toBe(true);
    const r = await verify(lines, checkpointNote(genuine, 300));
    expect(r.ok).toBe(false);
    expect(r.pinned?.consistent).toBe(false);
    expect(r.pinned?.problem).toMatch(/holds 250 entries but the checkpoint you pinned covers 300/);
  });

  it('the tail rewritten from seq 150 and re-signed with the real key: inconsistent with the pinned checkpoint', async () => {
    const rewritten = buildExport({
      entries: 300,
      checkpointEvery: 50,
      key,
      alter: (seq, draft) => (seq === 150 ? { ...draft, actor: { id: 'u-somebody-else', role: 'leader' } } : draft),
    });
    // Re-signed with the real key, the rewrite is self-consistent: this is why inspectors pin.
    expect((await verify(rewritten)).ok).toBe(true);
    const r = await verify(rewritten, checkpointNote(genuine, 200));
    expect(r.ok).toBe(false);
    expect(r.pinned?.signatureOk).toBe(true);
    expect(r.pinned?.consistent).toBe(false);
    expect(r.pinned?.problem).toMatch(/changed at or before seq 200 after you pinned it/);
    expect(r.checkpointsValid).toBe(6);
  });

  it('a pinned checkpoint signed by an unknown key is not trusted', async () => {
    const forged = signOver(genuine.slice(0, entryIndex(genuine, 100) + 1), evil);
    const r = await verify(genuine, forged);
    expect(r.ok).toBe(false);
    expect(r.pinned).toMatchObject({ signatureOk: false, consistent: false });
  });
});

describe('verifyExport rejects exports that are not evidence', () => {
  it('an export without any checkpoint', async () => {
    const r = await verify(genuine.filter((l) => !l.startsWith('{"checkpoint"')));
    expect(r.ok).toBe(false);
    expect(r.problems.at(-1)?.problem).toMatch(/no checkpoint/);
  });

  it('a checkpoint whose text was edited after signing', async () => {
    const note = checkpointNote(genuine, 100);
    const lines = genuine.map((l) => (l === formatCheckpointLine(note) ? formatCheckpointLine(note.replace(`\n100\n`, '\n99\n')) : l));
    const r = await verify(lines);
    expect(r.ok).toBe(false);
    expect(r.checkpoints[1]).toMatchObject({ signatureOk: false });
    expect(r.checkpoints[1]?.problem).toMatch(/invalid: the checkpoint text was changed/);
  });

  it('entry bytes that are hashed correctly but not canonical JSON', async () => {
    const text = (seq: number, prev: string, spaced: boolean): string => {
      const canonical = canonicalJson({ seq, time: timeOf(seq), kind: 'user.created', prev });
      return spaced ? canonical.replace('"kind":', '"kind": ') : canonical;
    };
    const r = await verifyExport(linesFromTexts(5, (seq, prev) => text(seq, prev, seq === 3), key), { publicKeys: [key.publicKey] });
    expect(r.ok).toBe(false);
    expect(r.firstBad).toEqual({ seq: 3, problem: expect.stringMatching(/not canonical JSON/) });
    expect(r.checkpointsValid).toBe(1);
  });

  it('garbage lines and an unknown format', async () => {
    const lines = [...genuine];
    lines[0] = '{"format":"something-else/9"}';
    lines.splice(entryIndex(lines, 10), 0, 'not json at all');
    const r = await verify(lines);
    expect(r.ok).toBe(false);
    expect(r.firstBad?.seq).toBe(10);
    expect(r.problems[0]?.problem).toMatch(/unknown export format/);
  });
});
