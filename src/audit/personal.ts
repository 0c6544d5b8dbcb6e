/**
 * Stand-ins for personal data in audit entries. Hashed bytes can never be erased, so a field a
 * procedure marks `pii` enters an entry only as a keyed hash (to correlate) and a masked hint
 * (to display); the value itself stays in the case row, where it can be corrected or erased.
 */
import { createHmac, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical.js';

/** How many trailing characters {@link personalHint} shows by default. */
export const HINT_VISIBLE = 3;

/**
 * A masked hint that shows only the last `visible` characters: `001203004123` → `*********123`.
 * Values too short to hide anything behind the visible part are masked entirely.
 */
export function personalHint(value: string, visible: number = HINT_VISIBLE): string {
  const chars = Array.from(value.normalize('NFC'));
  // Showing 3 of 5 characters reveals most of a value; require at least twice as many hidden.
  const shown = chars.length >= visible * 3 ? visible : 0;
  return '*'.repeat(chars.length - shown) + chars.slice(chars.length - shown).join('');
}

/**
 * HMAC-SHA256 (hex) of `value` under the server's audit key, so entries about the same person
 * can be correlated without the value being guessable from the log (a plain hash of a 12-digit
 * ID number is reversed by trying all of them). The value is NFC-normalized first.
 */
export function keyedHash(key: Uint8Array | KeyObject, value: string): string {
  return createHmac('sha256', key).update(value.normalize('NFC'), 'utf8').digest('hex');
}

/** Undoes JSON Pointer escaping of one reference token (RFC 6901: `~1` is '/', `~0` is '~'). */
function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/**
 * A copy of `value` in which every value at one of `pointers` is replaced by
 * `hmac:<keyedHash>`, so a digest of the copy reveals nothing a dictionary could recover.
 * Pointers are JSON Pointers in which the token `*` stands for every item of an array, as
 * `piiPaths` writes them (the ID number of every family member: tokens `members`, `*`,
 * `id_number`). A value that is not text (a number, an object) is hashed in its canonical JSON
 * form. `value` itself is not changed.
 */
export function maskPersonal<T>(value: T, pointers: readonly string[], key: Uint8Array | KeyObject): T {
  if (pointers.length === 0) return value;
  const copy = JSON.parse(JSON.stringify(value)) as T;
  const mask = (node: unknown, tokens: readonly string[]): void => {
    if (node === null || typeof node !== 'object') return;
    const [head, ...rest] = tokens;
    if (head === undefined) return;
    if (head === '*') {
      if (Array.isArray(node)) for (const item of node) mask(item, rest);
      return;
    }
    const obj = node as Record<string, unknown>;
    const name = unescapeToken(head);
    if (!Object.hasOwn(obj, name)) return;
    if (rest.length > 0) return mask(obj[name], rest);
    const v = obj[name];
    if (v === null || v === undefined) return;
    obj[name] = `hmac:${keyedHash(key, typeof v === 'string' ? v : canonicalJson(v))}`;
  };
  for (const pointer of pointers) mask(copy, pointer.split('/').slice(1));
  return copy;
}
