import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanCanonicalEntry } from '../../src/audit/canonical-scan.js';

/** What the library says: is `text` exactly the canonical form of what it parses to? */
function libraryCanonical(text: string): boolean {
  try {
    return canonicalize(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

const isObjectText = (text: string): boolean => {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
};

// Characters that matter to JSON syntax and canonical form, to mutate texts with.
const tricky = fc.constantFrom(' ', '"', '\\', '{', '}', '[', ']', ',', ':', '0', '1', '-', '+', '.', 'e', 'E', 'u', 'n', 't', 'f', '\u0000', '\u001f', '\u007f', '\ud800', '\udc00', 'é', '😀', '\n', '/');

// Full Unicode, so key order by UTF-16 code units (not code points) is exercised too.
const anyString = fc.string({ unit: 'binary' });
const anyJson = (maxDepth = 4) => fc.jsonValue({ stringUnit: 'binary', maxDepth });

const canonicalObject = fc
  .record({ seq: fc.integer({ min: 1, max: 1e9 }), prev: fc.stringMatching(/^[0-9a-f]{64}$/), rest: fc.dictionary(anyString, anyJson()) })
  .map(({ seq, prev, rest }) => canonicalize({ ...rest, seq, prev }) as string);

describe('scanCanonicalEntry', () => {
  it('accepts the canonical text of any JSON object and reads seq and prev', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), anyString, fc.dictionary(anyString, anyJson(6)), (seq, prev, rest) => {
        const value = { ...rest, seq, prev };
        const text = canonicalize(value) as string;
        expect(scanCanonicalEntry(text)).toEqual({ seq, prev });
      }),
      { numRuns: 1000 },
    );
  });

  it('never says yes to a text the library would not write (mutated canonical texts)', () => {
    let acceptedMutations = 0;
    fc.assert(
      fc.property(canonicalObject, fc.array(fc.tuple(fc.nat(), fc.nat(2), tricky), { minLength: 1, maxLength: 3 }), (text, edits) => {
        let mutated = text;
        for (const [at, op, ch] of edits) {
          const i = at % (mutated.length + 1);
          if (op === 0) mutated = mutated.slice(0, i) + ch + mutated.slice(i + 1);
          else if (op === 1) mutated = mutated.slice(0, i) + ch + mutated.slice(i);
          else mutated = mutated.slice(0, i) + mutated.slice(i + 1);
        }
        const accepted = scanCanonicalEntry(mutated) !== undefined;
        if (accepted) expect(libraryCanonical(mutated) && isObjectText(mutated)).toBe(true);
        if (accepted && mutated !== text) acceptedMutations += 1;
      }),
      { numRuns: 5000 },
    );
    // The property is not vacuous: many edits (inside strings, digits) keep a text canonical.
    expect(acceptedMutations).toBeGreaterThan(100);
  });

  it('never says yes to JSON.stringify output that differs from the canonical form', () => {
    fc.assert(
      fc.property(fc.dictionary(anyString, anyJson()), (value) => {
        const plain = JSON.stringify(value);
        expect(scanCanonicalEntry(plain) !== undefined).toBe(plain === canonicalize(value));
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['whitespace', '{"a": 1}'],
    ['unsorted keys', '{"b":1,"a":2}'],
    ['duplicate keys', '{"a":1,"a":1}'],
    ['needless \\u escape', '{"a":"\\u0041"}'],
    ['\\u escape with a short form', '{"a":"\\u000a"}'],
    ['uppercase hex escape', '{"a":"\\u001F"}'],
    ['escaped slash', '{"a":"\\/"}'],
    ['raw control character', '{"a":"\u0001"}'],
    ['lone surrogate', '{"a":"\ud800"}'],
    ['lone surrogate escape', '{"a":"\\ud800"}'],
    ['non-shortest number', '{"a":1.0}'],
    ['minus zero', '{"a":-0}'],
    ['leading zero', '{"a":01}'],
    ['plus sign', '{"a":+1}'],
    ['exponent form', '{"a":1e2}'],
    ['trailing comma', '{"a":1,}'],
    ['trailing text', '{"a":1}x'],
    ['an array', '[1]'],
    ['unterminated', '{"a":"x'],
  ])('rejects %s', (_name, text) => {
    expect(scanCanonicalEntry(text)).toBeUndefined();
  });

  it('accepts escapes exactly as JSON.stringify writes them', () => {
    expect(scanCanonicalEntry('{"a":"\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\u007f😀"}')).toEqual({ seq: undefined, prev: undefined });
    expect(scanCanonicalEntry('{"a":1e+21,"b":1e-7,"c":-5,"d":0.5}')).toBeDefined();
  });
});
