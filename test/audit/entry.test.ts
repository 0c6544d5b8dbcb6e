import { createHash, createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_HEAD,
  GENESIS_PREV,
  chainHash,
  entryBytes,
  headAfter,
  isCanonicalJson,
  keyedHash,
  leafHash,
  leafHashOfText,
  personalHint,
  sealEntry,
  type AuditEntryDraft,
} from '../../src/audit/index.js';

const draft: AuditEntryDraft = {
  time: '2025-11-28T01:00:00.000Z',
  actor: { id: 'u-1', role: 'receiver' },
  unit: 'G22.39',
  case_id: 'c_1',
  procedure: 'dang-ky-tam-tru@3',
  event: 'ACCEPT',
  from: 'received',
  to: ['processing.a', 'processing.b'],
  reason: null,
  request_id: 'req-1',
  input_digest: null,
  kind: 'case.transition',
  details: { changed: ['address'] },
};

describe('entry hashing', () => {
  it('defines leaf = SHA-256(0x00 ‖ bytes) and chain = SHA-256(0x01 ‖ prev ‖ leaf)', () => {
    const bytes = Buffer.from('{"a":1}');
    const expectedLeaf = createHash('sha256').update(Buffer.from([0])).update(bytes).digest();
    expect(leafHash(bytes).equals(expectedLeaf)).toBe(true);
    expect(leafHashOfText('{"a":1}').equals(expectedLeaf)).toBe(true);
    const prev = Buffer.alloc(32, 7);
    const expectedChain = createHash('sha256').update(Buffer.from([1])).update(prev).update(expectedLeaf).digest();
    expect(chainHash(prev, expectedLeaf).equals(expectedChain)).toBe(true);
  });

  it('hashes non-ASCII text as UTF-8, however long', () => {
    const text = 'Nguyễn Văn Ả '.repeat(20_000);
    expect(leafHashOfText(text).equals(leafHash(Buffer.from(text, 'utf8')))).toBe(true);
  });

  it('seals entries into a chain starting from 64 zeros', () => {
    const first = sealEntry(EMPTY_HEAD, draft);
    expect(first.entry.seq).toBe(1);
    expect(first.entry.prev).toBe(GENESIS_PREV);
    expect(first.text).toBe(canonicalize(first.entry));
    expect(first.bytes.equals(entryBytes(first.entry))).toBe(true);
    expect(first.leaf.equals(leafHash(first.bytes))).toBe(true);
    expect(first.chain.equals(chainHash(Buffer.alloc(32), first.leaf))).toBe(true);

    const second = sealEntry(headAfter(first), { ...draft, event: 'PROPOSE' });
    expect(second.entry.seq).toBe(2);
    expect(second.entry.prev).toBe(first.chain.toString('hex'));
    expect(second.chain.equals(chainHash(first.chain, second.leaf))).toBe(true);
  });

  it('writes keys in RFC 8785 order with no whitespace', () => {
    const text = sealEntry(EMPTY_HEAD, draft).text;
    expect(text.startsWith('{"actor":{"id":"u-1","role":"receiver"},"case_id":"c_1","details":{"changed":["address"]},"event":"ACCEPT"')).toBe(true);
    expect(text).not.toMatch(/\s"/);
  });

  it('refuses values JSON cannot carry exactly', () => {
    expect(() => sealEntry(EMPTY_HEAD, { ...draft, details: { n: Number.NaN } })).toThrow(/canonical JSON/);
    expect(() => sealEntry({ seq: 1, chain: Buffer.alloc(3) }, draft)).toThrow(/chain head is invalid/);
  });
});

describe('isCanonicalJson', () => {
  const check = (text: string): boolean => isCanonicalJson(text, JSON.parse(text));

  it('accepts canonical text, including integer-like keys that JSON.parse reorders', () => {
    expect(check('{"a":1,"b":[true,null,"x"]}')).toBe(true);
    expect(check('{"10":1,"9":2}')).toBe(true);
    expect(check('{"a":"\\u001f","b":1e+21}')).toBe(true);
  });

  it.each([
    ['whitespace', '{"a": 1}'],
    ['unsorted keys', '{"b":1,"a":2}'],
    ['duplicate keys', '{"a":1,"a":1}'],
    ['needless escape', '{"a":"\\u0041"}'],
    ['non-shortest number', '{"a":1.0}'],
    ['exponent form', '{"a":1e2}'],
    ['lone surrogate', '{"a":"\\ud800"}'],
    ['integer-like keys in numeric order', '{"9":2,"10":1}'],
  ])('rejects %s', (_name, text) => {
    expect(check(text)).toBe(false);
  });

  it('agrees with the canonicalize library on arbitrary JSON values and their re-serializations', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const canonical = canonicalize(value) as string;
        expect(check(canonical)).toBe(true);
        const plain = JSON.stringify(value);
        expect(check(plain)).toBe(plain === canonical);
      }),
      { numRuns: 500 },
    );
  });
});

describe('personal data stand-ins', () => {
  it('masks all but the last three characters of a long enough value', () => {
    expect(personalHint('001203004123')).toBe('*********123');
    expect(personalHint('0912345678')).toBe('*******678');
    expect(personalHint('An')).toBe('**');
    expect(personalHint('Nguyễn Văn An')).toBe('**********' + ' An');
  });

  it('keys the hash so a value cannot be found by hashing guesses', () => {
    const key = Buffer.alloc(32, 1);
    const h = keyedHash(key, '001203004123');
    expect(h).toBe(createHmac('sha256', key).update('001203004123').digest('hex'));
    expect(h).not.toBe(createHash('sha256').update('001203004123').digest('hex'));
    expect(keyedHash(Buffer.alloc(32, 2), '001203004123')).not.toBe(h);
    // Composed and decomposed Vietnamese spellings correlate.
    expect(keyedHash(key, 'Nguy\u1ec5n')).toBe(keyedHash(key, 'Nguy\u0065\u0302\u0303n'));
  });
});
