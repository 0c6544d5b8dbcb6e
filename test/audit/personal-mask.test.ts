/**
 * Personal fields are replaced by keyed hashes before anything is digested, wherever they sit:
 * top level, nested objects, and every item of arrays (family members, co-applicants).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { keyedHash, maskPersonal } from '../../src/audit/personal.js';
import { piiPaths } from '../../src/definitions/data-schema.js';
import { inputDigest } from '../../src/service/case-commands.js';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 9);

const schema = {
  type: 'object',
  properties: {
    ho_ten: { type: 'string', pii: true },
    thoi_han_thang: { type: 'integer' },
    thanh_vien: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          so_dinh_danh: { type: 'string', pii: true },
          quan_he: { type: 'string' },
          giay_to: { type: 'array', items: { type: 'object', properties: { so: { type: 'string', pii: true } } } },
        },
      },
    },
    'a/b': { type: 'number', pii: true },
  },
};

const data = {
  ho_ten: 'Nguyễn Văn An',
  thoi_han_thang: 12,
  thanh_vien: [
    { so_dinh_danh: '001090000001', quan_he: 'con', giay_to: [{ so: 'B1234567' }, { so: 'C7654321' }] },
    { so_dinh_danh: '001090000002', quan_he: 'vợ' },
  ],
  'a/b': 42,
};

describe('maskPersonal', () => {
  it('replaces personal values in arrays, nested arrays and escaped names, and nothing else', () => {
    const pointers = piiPaths(schema);
    expect(pointers.sort()).toEqual(['/a~1b', '/ho_ten', '/thanh_vien/*/giay_to/*/so', '/thanh_vien/*/so_dinh_danh']);
    const masked = maskPersonal(data, pointers, key);
    const h = (v: string) => `hmac:${keyedHash(key, v)}`;
    expect(masked).toEqual({
      ho_ten: h('Nguyễn Văn An'),
      thoi_han_thang: 12,
      thanh_vien: [
        { so_dinh_danh: h('001090000001'), quan_he: 'con', giay_to: [{ so: h('B1234567') }, { so: h('C7654321') }] },
        { so_dinh_danh: h('001090000002'), quan_he: 'vợ' },
      ],
      'a/b': h(canonicalJson(42)),
    });
    const text = JSON.stringify(masked);
    for (const raw of ['001090000001', '001090000002', 'B1234567', 'Nguyễn']) expect(text).not.toContain(raw);
    // The caller's value is untouched.
    expect(data.thanh_vien[0]?.so_dinh_danh).toBe('001090000001');
  });

  it('leaves values without personal fields as they are', () => {
    expect(maskPersonal(data, [], key)).toBe(data);
    expect(maskPersonal({ thanh_vien: 'not an array' }, ['/thanh_vien/*/so_dinh_danh'], key)).toEqual({ thanh_vien: 'not an array' });
  });
});

describe('the input digest of a transition', () => {
  it('is not a plain hash of the data when personal fields sit inside arrays', () => {
    const members = { thanh_vien: data.thanh_vien };
    const pointers = piiPaths({ type: 'object', properties: { thanh_vien: schema.properties.thanh_vien } });
    const plain = createHash('sha256').update(canonicalJson(members)).digest('hex');
    const digest = inputDigest(members, pointers, key);
    expect(digest).not.toBe(plain);
    // Guessing an ID number needs the server's key: another key gives another digest.
    expect(inputDigest(members, pointers, otherKey)).not.toBe(digest);
    expect(inputDigest(members, pointers, key)).toBe(digest);
  });
});
