/**
 * Stand-ins for personal data in audit entries. Hashed bytes can never be erased, so a field a
 * procedure marks `pii` enters an entry only as a keyed hash (to correlate) and a masked hint
 * (to display); the value itself stays in the case row, where it can be corrected or erased.
 */
import { createHmac, type KeyObject } from 'node:crypto';

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
