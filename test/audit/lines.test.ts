import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, splitLines } from '../../src/audit/index.js';

async function collect(chunks: Array<Uint8Array | string>): Promise<string[]> {
  async function* source() {
    for (const c of chunks) yield c;
  }
  const out: string[] = [];
  for await (const line of splitLines(source())) out.push(line.toString('utf8'));
  return out;
}

describe('splitLines', () => {
  it('splits on newlines wherever the chunks break, dropping "\\r" before "\\n"', async () => {
    expect(await collect(['a\nb', 'c\r\n', '\nd'])).toEqual(['a', 'bc', '', 'd']);
    expect(await collect([Buffer.from('x\n'), Buffer.from('y\n')])).toEqual(['x', 'y']);
  });

  it('gives the same lines for any chunking of the same bytes, multi-byte characters included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 8 }), fc.array(fc.nat(40), { maxLength: 6 }), async (lines, cuts) => {
        const bytes = Buffer.from(lines.map((l) => l.replaceAll('\n', '').replaceAll('\r', '')).join('\n'), 'utf8');
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let at = 0;
        for (const p of [...points, bytes.length]) {
          chunks.push(bytes.subarray(at, p));
          at = p;
        }
        // A final newline ends the last line; it does not start an empty one.
        const expected = bytes.toString('utf8').split('\n');
        if (expected.at(-1) === '') expected.pop();
        expect(await collect(chunks)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts an endless line instead of holding it all, then carries on', async () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 5000);
    const chunks = [long.slice(0, 1_000_000), long.slice(1_000_000), '\nnext\n'];
    const lines = await collect(chunks);
    expect(lines.length).toBe(2);
    expect(lines[0]?.length).toBe(MAX_LINE_BYTES + 1);
    expect(lines[1]).toBe('next');
  });
});
