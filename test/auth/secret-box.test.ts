import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openText, purposeKey, sealText } from '../../src/auth/secret-box.js';

describe('secret box', () => {
  const secret = randomBytes(32);
  const key = purposeKey(secret, 'test: PIN');

  it('gives back what it sealed, and never the same sealed text twice', () => {
    const a = sealText(key, '042917');
    const b = sealText(key, '042917');
    expect(a).not.toBe(b);
    expect(a).not.toContain('042917');
    expect(openText(key, a)).toBe('042917');
    expect(openText(key, b)).toBe('042917');
  });

  it('opens nothing under another secret or another purpose, nor an altered or cut text', () => {
    const sealed = sealText(key, '042917');
    expect(openText(purposeKey(randomBytes(32), 'test: PIN'), sealed)).toBeNull();
    expect(openText(purposeKey(secret, 'test: other'), sealed)).toBeNull();
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    expect(openText(key, bytes.toString('base64url'))).toBeNull();
    expect(openText(key, sealed.slice(0, 20))).toBeNull();
    expect(openText(key, '')).toBeNull();
  });
});
