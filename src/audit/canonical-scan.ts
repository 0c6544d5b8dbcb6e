/**
 * A one-pass check that a text is an RFC 8785 canonical JSON object, reading out the two
 * members the verifier needs (`seq`, `prev`) without building the object. Parsing, re-serializing
 * and comparing cost half of the verifier's time over a million entries; this scan costs a
 * fraction. It is deliberately one-sided: "yes" only when canonicalize(JSON.parse(text)) === text
 * (property-tested against the library); on "no" the caller asks the library (isCanonicalJson).
 */

/** The members of a canonical entry that the verifier reads. */
export type ScannedEntry = { seq: unknown; prev: unknown };

const MAX_DEPTH = 32;

// Control characters JSON.stringify writes as two-character escapes; the rest of 0x00–0x1f as \u00xx.
const SHORT_ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };
const HAS_SHORT_FORM = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);
// Characters that send a string down the careful path: controls, backslashes, surrogates.
const NEEDS_CARE = /[\u0000-\u001f\\\ud800-\udfff]/;

// The scan's state lives at module level: one scan runs at a time (it is synchronous), and a
// scanner object with methods per call was a measurable share of garbage over a million entries.
let src = '';
let pos = 0;

/** Scans `text`; returns `seq` and `prev` if it is a canonical JSON object, undefined otherwise. */
export function scanCanonicalEntry(text: string): ScannedEntry | undefined {
  if (text.charCodeAt(0) !== 0x7b) return undefined;
  src = text;
  pos = 0;
  const out: ScannedEntry = { seq: undefined, prev: undefined };
  const ok = scanObject(0, out) && pos === text.length;
  src = '';
  return ok ? out : undefined;
}

/** Scans one value at `pos`. */
function scanValue(depth: number): boolean {
  const c = src.charCodeAt(pos);
  if (c === 0x7b) return depth < MAX_DEPTH && scanObject(depth);
  if (c === 0x5b) return depth < MAX_DEPTH && scanArray(depth);
  if (c === 0x22) return scanString() !== undefined;
  if (c === 0x74) return scanLiteral('true');
  if (c === 0x66) return scanLiteral('false');
  if (c === 0x6e) return scanLiteral('null');
  return scanNumber() !== undefined;
}

/** Scans an object; for the entry itself (`top`), records seq and prev. */
function scanObject(depth: number, top?: ScannedEntry): boolean {
  pos += 1;
  if (src.charCodeAt(pos) === 0x7d) {
    pos += 1;
    return true;
  }
  let previous: string | undefined;
  for (;;) {
    const key = scanString();
    // Strictly increasing UTF-16 order: sorted as RFC 8785 wants, and no duplicate keys.
    if (key === undefined || (previous !== undefined && !(previous < key))) return false;
    previous = key;
    if (src.charCodeAt(pos) !== 0x3a) return false;
    pos += 1;
    if (top && (key === 'seq' || key === 'prev')) {
      const start = pos;
      const first = src.charCodeAt(start);
      const read = first === 0x22 ? scanString() : first === 0x2d || (first >= 0x30 && first <= 0x39) ? scanNumber() : undefined;
      if (read === undefined && !scanValue(depth + 1)) return false;
      // Anything but a string or number is kept as its text, for the verifier's message.
      top[key] = read ?? src.slice(start, pos);
    } else if (!scanValue(depth + 1)) {
      return false;
    }
    const next = src.charCodeAt(pos);
    pos += 1;
    if (next === 0x7d) return true;
    if (next !== 0x2c) return false;
  }
}

function scanArray(depth: number): boolean {
  pos += 1;
  if (src.charCodeAt(pos) === 0x5d) {
    pos += 1;
    return true;
  }
  for (;;) {
    if (!scanValue(depth + 1)) return false;
    const next = src.charCodeAt(pos);
    pos += 1;
    if (next === 0x5d) return true;
    if (next !== 0x2c) return false;
  }
}

/** Scans a string in the exact form JSON.stringify writes; returns its value, or undefined. */
function scanString(): string | undefined {
  if (src.charCodeAt(pos) !== 0x22) return undefined;
  const start = pos;
  // Fast path, most strings: nothing to escape, nothing to pair up.
  const close = src.indexOf('"', start + 1);
  if (close < 0) return undefined;
  const plain = src.slice(start + 1, close);
  if (!NEEDS_CARE.test(plain)) {
    pos = close + 1;
    return plain;
  }
  let i = start + 1;
  for (;;) {
    if (i >= src.length) return undefined;
    const c = src.charCodeAt(i);
    if (c === 0x22) break;
    if (c < 0x20) return undefined;
    if (c === 0x5c) {
      const e = src.charCodeAt(i + 1);
      if (e === 0x75) {
        // \u00XX only for control characters without a short form, lowercase hex.
        const hex = src.slice(i + 2, i + 6);
        if (!/^00[01][0-9a-f]$/.test(hex) || HAS_SHORT_FORM.has(parseInt(hex, 16))) return undefined;
        i += 6;
      } else if (SHORT_ESCAPES[e] !== undefined) {
        i += 2;
      } else {
        return undefined;
      }
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      // A surrogate must be a high one followed by a low one; canonicalize refuses lone ones.
      const low = src.charCodeAt(i + 1);
      if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) return undefined;
      i += 2;
      continue;
    }
    i += 1;
  }
  pos = i + 1;
  return decode(src.slice(start, pos));
}

function scanNumber(): number | undefined {
  const start = pos;
  let i = start;
  for (;;) {
    const c = src.charCodeAt(i);
    // Digits, '-', '+', '.', 'e', 'E'.
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) i += 1;
    else break;
  }
  const token = src.slice(start, i);
  const value = Number(token);
  // The shortest round-trip form is what canonicalize writes; this also rules out -0,
  // leading zeros, '+', exponents written differently and anything that is not a number.
  if (token.length === 0 || String(value) !== token) return undefined;
  pos = i;
  return value;
}

function scanLiteral(word: string): boolean {
  if (!src.startsWith(word, pos)) return false;
  pos += word.length;
  return true;
}

function decode(quoted: string): string {
  return JSON.parse(quoted) as string;
}

