import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProcedureDocument, checkProcedureSource } from '../../src/definitions/check.js';
import { readPlainYaml } from '../../src/definitions/yaml-fast-path.js';
import { parseYamlSource } from '../../src/definitions/yaml-source.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every YAML document of the repository: shipped procedures, configuration, test fixtures. */
function yamlFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => {
    const full = join(folder, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}
const documents = ['procedures', 'config', 'test/fixtures'].flatMap((f) => yamlFiles(join(root, f))).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const procedures = documents.filter((d) => d.file.includes('/procedures/') && !d.file.endsWith('.scenarios.yaml'));

/**
 * The fast path's contract: when it reads a document, the general parser reads it too, finds
 * nothing to report, and gives the same value with the same key order.
 */
function expectAgreement(text: string): boolean {
  const fast = readPlainYaml(text);
  if (fast === undefined) return false;
  const full = parseYamlSource(text, 'x.yaml', { fastPath: false });
  const agrees = full.findings.length === 0 && isDeepStrictEqual(fast, full.value) && JSON.stringify(fast) === JSON.stringify(full.value);
  if (!agrees) expect({ text, fast, full: full.value, findings: full.findings }).toBe('the fast path and the general parser to agree');
  return true;
}

/** A small deterministic random source, so a failing document can be reproduced from its seed. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) as number;
  };
}

const SCALARS = ['a', 'abc def', 'x:y', 'a#b', 'a #b', '1', '-1', '+1', '007', '1.5', '1.', '.5', '1e3', '0x1F', '0o7', '.inf', '.NaN', 'null', 'Null', '~', 'true', 'False', 'yes', '2025-07-01', '"q"', "'q'", '"a\\"b"', '"\\u00e9"', '"\\x41"', "'it''s'", '"a: b"', '-x', '-', '?x', ':x', 'a, b', 'a]', '[x', 'Đăng ký', 'a  b', 'a"b', '%x', '@x', '!x', '&x', '*x', 'data.x == 1', '""', '0', '-0', 'a:', 'a: b'];
const KEYS = ['a', 'b', 'on', 'to', 'roles', '2025', '1.0', 'true', '~', 'x y', '__proto__', '<<', 'a#b', 'k:v', '-k', '"q"', 'constructor', '10'];

/** A YAML-like document built from the constructs motcua files use, with deliberate slips among them. */
function generateDocument(seed: number): string {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const flow = (depth: number): string => {
    if (depth > 2 || rnd(3) === 0) return pick(SCALARS);
    const items = Array.from({ length: rnd(4) }, () => (rnd(2) ? `${pick(KEYS)}${pick([': ', ':', ' : '])}${flow(depth + 1)}` : flow(depth + 1)));
    return rnd(2) ? `[${items.join(pick([', ', ',']))}${rnd(8) === 0 ? ',' : ''}]` : `{ ${items.join(', ')} }`;
  };
  const block = (indent: number, depth: number, kind: 'map' | 'seq'): string[] => {
    const pad = ' '.repeat(indent);
    const out: string[] = [];
    for (let i = 1 + rnd(4); i > 0; i--) {
      const head = kind === 'map' ? `${pad}${pick(KEYS)}${pick([':', ':', ' :'])}` : `${pad}${pick(['-', '- '])}`;
      if (rnd(12) === 0) out.push(`${pad}# ${pick(SCALARS)}`);
      if (rnd(15) === 0) out.push('');
      const r = rnd(10);
      if (depth < 3 && r < 3) {
        if (kind === 'seq' && rnd(2)) {
          const inner = block(indent + 2, depth + 1, 'map');
          out.push(`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
        } else {
          const child = rnd(2) ? 'map' : 'seq';
          out.push(head, ...block(indent + (child === 'seq' && rnd(2) ? 0 : 1 + rnd(3)), depth + 1, child));
        }
      } else if (r < 5) {
        out.push(`${head} ${pick(['|', '|-', '>', '>-', '|+', '>2'])}`);
        const inner = indent + 1 + rnd(3);
        for (let j = 1 + rnd(3); j > 0; j--) {
          if (rnd(8) === 0) out.push('');
          out.push(' '.repeat(inner + (rnd(10) === 0 ? 1 : 0)) + pick(SCALARS));
        }
      } else if (r < 7) out.push(`${head} ${flow(depth)}${pick(['', '', ' # c', '#c'])}`);
      else out.push(`${head} ${pick(SCALARS)}${pick(['', '', ' # c', ' '])}`);
      if (rnd(20) === 0) out.push(' '.repeat(indent + 2) + pick(SCALARS));
    }
    return out;
  };
  return block(0, 0, 'map').join('\n') + (rnd(5) ? '\n' : '');
}

/** A repository document with a few random edits (characters YAML cares about, deletions, indentation). */
function mutateDocument(seed: number): string {
  const rnd = random(seed);
  const edits = [':', ' ', '-', '#', '[', ']', '{', '}', ',', "'", '"', '\n', '\t', '&', '*', '!', '|', '>', '?', '%', '\\', '~', '\n  ', ': ', '- ', 'null', '0x1', '<<', '\u00a0', '\r'];
  let text = documents[rnd(documents.length)]!.text;
  for (let e = 1 + rnd(3); e > 0; e--) {
    const p = rnd(text.length + 1);
    const op = rnd(3);
    if (op === 0) text = text.slice(0, p) + edits[rnd(edits.length)]! + text.slice(p);
    else if (op === 1) text = text.slice(0, p) + text.slice(p + 1 + rnd(3));
    else {
      const lines = text.split('\n');
      const i = rnd(lines.length);
      lines[i] = ' '.repeat(1 + rnd(2)) + lines[i]!;
      text = lines.join('\n');
    }
  }
  return text;
}

describe('readPlainYaml (the fast path of parseYamlSource)', () => {
  it('reads every shipped procedure, and agrees with the general parser on every document of the repository', () => {
    for (const { file, text } of procedures) expect(readPlainYaml(text), file).toBeDefined();
    for (const { text } of documents) expectAgreement(text);
  });

  it('agrees with the general parser on generated documents', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        if (expectAgreement(generateDocument(seed))) read++;
      }),
      { numRuns: 1500 },
    );
    // The generator must exercise the fast path, not only its refusals.
    expect(read).toBeGreaterThan(100);
  });

  it('agrees with the general parser on damaged repository documents', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => void expectAgreement(mutateDocument(seed))),
      { numRuns: 400 },
    );
  });

  it('reads block and flow collections, quoted text and simple block scalars', () => {
    const text = 'a: [x, "y\\n", \'it\'\'s\', { b: 1, c: [true, ~] }]\nd: >-\n  one\n  two\ne: |\n  one\n  two\nf:\n- 1.5\n- g: h\n  i: -2\n';
    expect(readPlainYaml(text)).toEqual({ a: ['x', 'y\n', "it's", { b: 1, c: [true, null] }], d: 'one two', e: 'one\ntwo\n', f: [1.5, { g: 'h', i: -2 }] });
    expectAgreement(text);
  });

  it('leaves anchors, tags, duplicate keys, tabs and multi-line scalars to the general parser', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: 1\na: 2\n', 'a:\n\tb: 1\n', 'a: one\n  two\n', 'a: "one\n  two"\n', 'a: [1,\n  2]\n', '- a\n', '']) {
      expect(readPlainYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('reports the same findings at the same positions as the general parser when a read document has mistakes', () => {
    const base = procedures.find((d) => d.file.endsWith('dang-ky-tam-tru.yaml'))!.text;
    const damaged = [
      base.replace('to: processing', 'to: procesing'),
      base.replace('roles: [receiver]', 'roles: [recevier]'),
      base.replace('status: 1', 'status: 12'),
      base.replace(/when: [^\n]*/, 'when: data.x = 1'),
      base.replace('type: object', 'type: objet'),
    ];
    for (const text of damaged) {
      expect(readPlainYaml(text)).toBeDefined();
      const fast = checkProcedureSource(text, 'p.yaml');
      expect(fast.findings.length).toBeGreaterThan(0);
      expect(fast.findings).toEqual(checkProcedureDocument(parseYamlSource(text, 'p.yaml', { fastPath: false }), 'p.yaml').findings);
    }
  });
});
