/**
 * API tokens: 256 random bits, shown to their owner once, stored only as SHA-256, so a
 * leaked database does not leak a usable credential.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'mc_';

/** A new random token (prefix + 43 base64url characters = 256 bits). */
export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when the text has the shape of a motcua token (cheap check before a lookup). */
export function looksLikeToken(text: string): boolean {
  return text.length === PREFIX.length + 43 && text.startsWith(PREFIX) && /^[A-Za-z0-9_-]+$/.test(text.slice(PREFIX.length));
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
