import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../src/definitions/yaml-source.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/definitions/invalid/${name}`, import.meta.url), 'utf8');

/** 1-based line and column of the first occurrence of `snippet` (after `after`, if given). */
function posOf(text: string, snippet: string, after = ''): { line: number; col: number } {
  const offset = text.indexOf(snippet, after ? text.indexOf(after) : 0);
  if (offset < 0) throw new Error(`snippet ${snippet} not in text`);
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

describe('parseYamlSource', () => {
  it('reads a plain document and locates keys and values', () => {
    const text = 'id: abc\nstates:\n  received:\n    status: 2\n';
    const doc = parseYamlSource(text, 'a.yaml');
    expect(doc.findings).toEqual([]);
    expect(doc.value).toEqual({ id: 'abc', states: { received: { status: 2 } } });
    expect(doc.locate(['states', 'received'])).toEqual({ line: 3, col: 3 });
    expect(doc.locate(['states', 'received', 'status'], 'value')).toEqual({ line: 4, col: 13 });
    // A missing key resolves to the nearest existing ancestor's key.
    expect(doc.locate(['states', 'received', 'outcome'])).toEqual({ line: 3, col: 3 });
  });

  it('keeps YAML 1.2 core types: dates, yes/no stay text', () => {
    const doc = parseYamlSource('d: 2025-07-01\nb: yes\nn: 1.5\n', 'a.yaml');
    expect(doc.value).toEqual({ d: '2025-07-01', b: 'yes', n: 1.5 });
  });

  it('refuses the billion-laughs document without expanding it, pointing at the first anchor and alias', () => {
    const text = fixture('billion-laughs.yaml');
    const doc = parseYamlSource(text, 'laughs.yaml');
    expect(doc.value).toBeUndefined();
    const errors = doc.findings.filter((f) => f.severity === 'error');
    expect(errors[0]).toMatchObject({ ...posOf(text, '&a'), message: expect.stringContaining('YAML anchors (&a) are not allowed') });
    expect(errors.find((f) => f.message.includes('*a'))).toMatchObject({ ...posOf(text, '*a'), message: 'YAML aliases (*a) are not allowed in motcua documents; write the value out in full' });
    // Reported, but not one line per alias: the list is capped with a count of the rest.
    expect(errors.length).toBeLessThanOrEqual(11);
    expect(errors.at(-1)?.message).toMatch(/more YAML anchors\/aliases not shown/);
  });

  it('refuses an alias even without any other problem', () => {
    const text = 'a: &x 1\nb: *x\n';
    const doc = parseYamlSource(text, 'a.yaml');
    expect(doc.value).toBeUndefined();
    expect(doc.findings.map((f) => [f.line, f.col])).toEqual([[1, 4], [2, 4]]);
  });

  it('refuses a 10 MB document before parsing it, as text and as bytes', () => {
    const big = `a: "${'x'.repeat(10 * 1024 * 1024)}"\n`;
    for (const source of [big, new TextEncoder().encode(big)]) {
      const doc = parseYamlSource(source, 'big.yaml');
      expect(doc.value).toBeUndefined();
      expect(doc.findings).toEqual([
        { path: 'big.yaml', line: 1, col: 1, severity: 'error', message: expect.stringMatching(/^document is 10\.0 MiB; motcua documents are limited to 256 KiB/) },
      ]);
    }
  });

  it('honours a custom size cap', () => {
    expect(parseYamlSource('a: 12345678\n', 'a.yaml', { maxBytes: 8 }).findings[0]?.message).toMatch(/limited to 8 bytes/);
  });

  it('refuses explicit tags at the tag, standard or custom', () => {
    const text = 'a: !!js/function "function () {}"\nb: !foo bar\nc: !!str 12\n';
    const doc = parseYamlSource(text, 'a.yaml');
    expect(doc.value).toBeUndefined();
    expect(doc.findings.map((f) => ({ line: f.line, col: f.col, message: f.message }))).toEqual([
      { ...posOf(text, '!!js'), message: 'YAML tags (!!js/function) are not allowed in motcua documents; remove the tag' },
      { ...posOf(text, '!foo'), message: 'YAML tags (!foo) are not allowed in motcua documents; remove the tag' },
      { ...posOf(text, '!!str'), message: 'YAML tags (!!str) are not allowed in motcua documents; remove the tag' },
    ]);
  });

  it('reports a duplicate key at the second key, naming the line of the first, and keeps going', () => {
    const text = 'states:\n  a:\n    status: 2\n    title: x\n    status: 3\n';
    const doc = parseYamlSource(text, 'a.yaml');
    expect(doc.findings).toEqual([
      { path: 'a.yaml', line: 5, col: 5, severity: 'error', message: "duplicate key 'status' (first written on line 3); each key may appear once: remove or merge one of them" },
    ]);
    expect(doc.value).toBeDefined();
  });

  it('reports syntax errors with their position and no value', () => {
    const doc = parseYamlSource('a: 1\n\tb: 2\n', 'a.yaml');
    expect(doc.value).toBeUndefined();
    expect(doc.findings[0]).toMatchObject({ line: 2, col: 1, severity: 'error' });
  });

  it('refuses a second document in the file', () => {
    const doc = parseYamlSource('a: 1\n---\nb: 2\n', 'a.yaml');
    expect(doc.findings[0]).toMatchObject({ line: 2, col: 1, message: expect.stringContaining('exactly one document') });
  });

  it('refuses runaway nesting quickly instead of overflowing the stack', () => {
    const text = `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const doc = parseYamlSource(text, 'deep.yaml');
    expect(doc.value).toBeUndefined();
    expect(doc.findings).toEqual([expect.objectContaining({ line: 1, col: 68, message: expect.stringContaining('nested more than 64 levels') })]);
  });

  it('refuses bytes that are not UTF-8', () => {
    const doc = parseYamlSource(new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0xfe]), 'a.yaml');
    expect(doc.findings[0]?.message).toMatch(/not valid UTF-8/);
  });

  it('locates a character inside plain, quoted and block scalars', () => {
    const text = 'a: data.x = 1\nb: "data.x = 1"\nc: \'data.x = 1\'\nd: |\n  data.y\n  && data.x = 1\n';
    const doc = parseYamlSource(text, 'a.yaml');
    expect(doc.locateInScalar(['a'], 7)).toEqual({ line: 1, col: 11 });
    expect(doc.locateInScalar(['b'], 7)).toEqual({ line: 2, col: 12 });
    expect(doc.locateInScalar(['c'], 7)).toEqual({ line: 3, col: 12 });
    const value = (doc.value as { d: string }).d;
    expect(doc.locateInScalar(['d'], value.indexOf('='))).toEqual({ line: 6, col: 13 });
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const doc = parseYamlSource(text, 'x.yaml');
        for (const f of doc.findings) {
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.col).toBeGreaterThanOrEqual(1);
        }
        doc.locate(['a', 0, 'b']);
      }),
      { numRuns: 300 },
    );
  });
});
