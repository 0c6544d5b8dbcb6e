/**
 * A fast reader for the plain YAML that motcua documents are written in: block mappings and
 * sequences indented with spaces, one-line flow collections (`[a, b]`, `{ to: x }`), plain and
 * one-line quoted scalars, simple `|` and `>` blocks, comments. The general parser costs about a
 * microsecond per byte, most of a check's time on a large procedure; this one is many times faster.
 *
 * It gives up (returns undefined) on anything outside that subset or anything unusual (anchors,
 * tags, multi-line scalars, duplicate keys, tabs, control characters, odd indentation, special
 * numbers, …), and the caller then uses the general parser. So the contract is one-sided:
 * whatever this accepts, the general parser (core schema) accepts without a single finding and
 * reads to the same value, key order included. test/definitions/yaml-fast-path.test.ts holds
 * it to that on every shipped document and on many generated ones.
 */

/** Nesting this deep is left to the general parser, which reports it (its limit is 64). */
const MAX_DEPTH = 48;
/** YAML limits an implicit key to 1024 characters; stay well inside it. */
const MAX_KEY = 1000;

const SPACE = 0x20;
const QUOTE = 0x22;
const HASH = 0x23;
const APOS = 0x27;
const COMMA = 0x2c;
const DASH = 0x2d;
const COLON = 0x3a;
const GREATER = 0x3e;
const OPEN_SEQ = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_SEQ = 0x5d;
const OPEN_MAP = 0x7b;
const PIPE = 0x7c;
const CLOSE_MAP = 0x7d;

/** Character classes of ASCII: bit 1 starts something other than plain text, bit 2 is a flow indicator. */
const INDICATOR = 1;
const FLOW = 2;
const CLASS = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>\'"%@`') CLASS[c.charCodeAt(0)]! |= INDICATOR;
for (const c of ',[]{}') CLASS[c.charCodeAt(0)]! |= FLOW;
const isIndicator = (c: number): boolean => c < 128 && (CLASS[c]! & INDICATOR) !== 0;
const isFlowIndicator = (c: number): boolean => c < 128 && (CLASS[c]! & FLOW) !== 0;

/** Tabs, carriage returns, other controls, BOM, NEL, line separators and lone surrogates all have special rules. */
const UNUSUAL_CHARACTER = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufeff\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** Octal, hex, exponent, infinity and NaN: rare, so left to the general parser. */
const SPECIAL_NUMBER = /^(?:0o|0x|[-+]?\.(?:inf|Inf|INF)$|\.(?:nan|NaN|NAN)$|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE])/;
const HEX4 = /^[0-9a-fA-F]{4}$/;
// Sticky scanners: they skip ordinary text in native code rather than one character at a time.
/** To the next `:`, `#`, flow indicator or line end: where a plain key may end. */
const KEY_TEXT = /[^:#,[\]{}\n]*/y;
/** To the next `:`, `#` or line end: where a plain value may end. */
const VALUE_TEXT = /[^:#\n]*/y;
/** To the next `:`, `#`, quote, flow indicator or line end: where a plain scalar inside a flow may end. */
const FLOW_TEXT = /[^:#'",[\]{}\n]*/y;

/** Where the run of characters `scanner` skips, starting at `p`, ends. */
function skip(scanner: RegExp, text: string, p: number): number {
  scanner.lastIndex = p;
  scanner.test(text);
  return scanner.lastIndex;
}
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r' };

/** Thrown to abandon the fast path; never escapes this module. */
const NOT_PLAIN = new Error('not plain YAML');

function giveUp(): never {
  throw NOT_PLAIN;
}

/** Reads `text` if it is plain YAML with a mapping at the top; undefined otherwise (use the general parser). */
export function readPlainYaml(text: string): Record<string, unknown> | undefined {
  if (UNUSUAL_CHARACTER.test(text)) return undefined;
  try {
    const reader = new Reader(text);
    if (reader.count === 0 || reader.indents[0] !== 0) return undefined;
    const value = reader.blockMap(0, 1, -1);
    return reader.at === reader.count ? value : undefined;
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && text.charCodeAt(end - 1) === SPACE) end--;
  return end;
}

function skipSpaces(text: string, p: number, end: number): number {
  while (p < end && text.charCodeAt(p) === SPACE) p++;
  return p;
}

/** Resolves a plain scalar the way the YAML 1.2 core schema does. */
function plainValue(s: string): unknown {
  switch (s) {
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  const c = s.charCodeAt(0);
  // Only text starting with a digit, sign or dot can be a number.
  if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === DASH || c === 0x2e) {
    if (SPECIAL_NUMBER.test(s)) giveUp();
    if (INT.test(s)) return parseInt(s, 10);
    if (FLOAT.test(s)) return parseFloat(s);
  }
  return s;
}

/** A mapping key as the general parser stores it on a plain object. */
function keyOf(s: string): string {
  const v = plainValue(s);
  // `__proto__` would need special handling and `<<` is a merge key in some schemas.
  const key = v === null ? '' : String(v);
  if (key === '__proto__' || key === '<<' || s.length > MAX_KEY) giveUp();
  return key;
}

class Reader {
  readonly text: string;
  /** Lines with content (not blank, not only a comment): where the text starts and ends, and the indentation. */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly indents: number[] = [];
  readonly count: number;
  /** Index of the current line. */
  at = 0;
  /** Offset reached inside the current line by the flow and quoted readers. */
  pos = 0;

  constructor(text: string) {
    this.text = text;
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const first = skipSpaces(text, start, end);
      const c = text.charCodeAt(first);
      if (first < end && c !== HASH) {
        // Directives and document markers.
        if (first === start && (c === 0x25 || text.startsWith('---', first) || text.startsWith('...', first))) giveUp();
        this.starts.push(first);
        this.ends.push(trimEnd(text, first, end));
        this.indents.push(first - start);
      }
      start = end + 1;
    }
    this.count = this.starts.length;
  }

  /** Indentation of the current line; -1 past the end. */
  private indent(): number {
    return this.at < this.count ? this.indents[this.at]! : -1;
  }

  private isDashAt(p: number, end: number): boolean {
    return this.text.charCodeAt(p) === DASH && (p + 1 === end || this.text.charCodeAt(p + 1) === SPACE);
  }

  /** A block mapping at `indent`; `first` is where its first key starts when that is mid-line (`- key: …`), else -1. */
  blockMap(indent: number, depth: number, first: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) giveUp();
    const text = this.text;
    const map: Record<string, unknown> = {};
    let p = first;
    while (p >= 0 || this.indent() === indent) {
      const start = p >= 0 ? p : this.starts[this.at]!;
      const end = this.ends[this.at]!;
      p = -1;
      const colon = this.keyEnd(start, end);
      if (colon < 0) giveUp();
      const key = keyOf(text.slice(start, trimEnd(text, start, colon)));
      if (Object.hasOwn(map, key)) giveUp();
      const v = skipSpaces(text, colon + 1, end);
      if (v === end || text.charCodeAt(v) === HASH) {
        this.at++;
        map[key] = this.nested(indent, depth + 1);
      } else map[key] = this.inline(v, end, indent, depth + 1);
    }
    if (this.indent() > indent) giveUp();
    return map;
  }

  /** The value of `key:` with nothing after it: a deeper block, a sequence at the same indentation, or null. */
  private nested(indent: number, depth: number): unknown {
    const next = this.indent();
    if (next < 0) return null;
    const dash = this.isDashAt(this.starts[this.at]!, this.ends[this.at]!);
    if (next > indent) return dash ? this.blockSeq(next, depth) : this.blockMap(next, depth, -1);
    if (next === indent && dash) return this.blockSeq(next, depth);
    return null;
  }

  private blockSeq(indent: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) giveUp();
    const text = this.text;
    const seq: unknown[] = [];
    while (this.indent() === indent) {
      const start = this.starts[this.at]!;
      const end = this.ends[this.at]!;
      if (!this.isDashAt(start, end)) break;
      const p = skipSpaces(text, start + 1, end);
      // `-` alone (the item on the next lines) and `- - x` are valid but rare.
      if (p === end || text.charCodeAt(p) === HASH || this.isDashAt(p, end)) giveUp();
      if (this.keyEnd(p, end) >= 0) seq.push(this.blockMap(indent + (p - start), depth + 1, p));
      else seq.push(this.inline(p, end, indent, depth + 1));
    }
    if (this.indent() > indent) giveUp();
    return seq;
  }

  /**
   * Where the `:` ending a plain implicit key starting at `p` is; -1 when the text there is not
   * a plain key (it starts with an indicator or quote, holds flow indicators, or has no `: `).
   */
  private keyEnd(p: number, end: number): number {
    const text = this.text;
    if (isIndicator(text.charCodeAt(p))) return -1;
    for (let i = skip(KEY_TEXT, text, p); i < end; i = skip(KEY_TEXT, text, i + 1)) {
      const c = text.charCodeAt(i);
      if (c === COLON) {
        if (i + 1 === end || text.charCodeAt(i + 1) === SPACE) return i;
      } else if (c === HASH) {
        if (text.charCodeAt(i - 1) === SPACE) return -1;
      } else return -1;
    }
    return -1;
  }

  /**
   * A value written after `key: ` or `- `, alone on the rest of its line (or a block scalar
   * below it, indented deeper than `parentIndent`). Moves past the lines it used.
   */
  private inline(p: number, end: number, parentIndent: number, depth: number): unknown {
    const text = this.text;
    const c = text.charCodeAt(p);
    if (c === PIPE || c === GREATER) return this.blockScalar(p, end, parentIndent);
    this.at++;
    let value: unknown;
    this.pos = p;
    if (c === OPEN_SEQ || c === OPEN_MAP) value = this.flow(end, depth);
    else if (c === QUOTE || c === APOS) value = this.quoted(end);
    else {
      if (isIndicator(c) && !(c === DASH && p + 1 < end && text.charCodeAt(p + 1) !== SPACE)) giveUp();
      let stop = end;
      for (let i = skip(VALUE_TEXT, text, p + 1); i < end; i = skip(VALUE_TEXT, text, i + 1)) {
        const d = text.charCodeAt(i);
        if (d === HASH && text.charCodeAt(i - 1) === SPACE) {
          stop = i;
          break;
        }
        // `a: b: c` and `a: b:` are errors (or keys) in YAML.
        if (d === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) giveUp();
      }
      return plainValue(text.slice(p, trimEnd(text, p, stop)));
    }
    // After a collection or quoted text only a comment may follow, set off by a space.
    const after = this.pos;
    const i = skipSpaces(text, after, end);
    if (i < end && !(text.charCodeAt(i) === HASH && i > after)) giveUp();
    return value;
  }

  /**
   * A literal (`|`, `|-`) or folded (`>`, `>-`) block scalar whose lines all have the same
   * indentation, with no blank line inside and no trailing spaces; anything else (keep
   * chomping, indentation indicators, more-indented lines) goes to the general parser.
   */
  private blockScalar(p: number, end: number, parentIndent: number): string {
    const text = this.text;
    const literal = text.charCodeAt(p) === PIPE;
    const strip = text.charCodeAt(p + 1) === DASH;
    const header = p + (strip ? 2 : 1);
    const h = skipSpaces(text, header, end);
    if (h < end && !(text.charCodeAt(h) === HASH && h > header)) giveUp();
    const parts: string[] = [];
    let indent = -1;
    let blank = false;
    let blockEnd = end;
    for (let pos = text.indexOf('\n', end) + 1; pos > 0 && pos < text.length; ) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = text.length;
      const k = skipSpaces(text, pos, nl);
      if (k === nl) blank = true;
      else {
        const lineIndent = k - pos;
        if (indent < 0 && lineIndent <= parentIndent) giveUp();
        if (indent < 0) indent = lineIndent;
        if (lineIndent < indent) break;
        if (lineIndent > indent || blank || text.charCodeAt(nl - 1) === SPACE) giveUp();
        parts.push(text.slice(k, nl));
        blockEnd = nl;
      }
      pos = nl + 1;
    }
    // An empty block, and clipping at the very end of the file without a line break, are rare.
    if (parts.length === 0 || (!strip && blockEnd === text.length)) giveUp();
    while (this.at < this.count && this.starts[this.at]! <= blockEnd) this.at++;
    const body = parts.join(literal ? '\n' : ' ');
    return strip ? body : `${body}\n`;
  }

  /** A one-line double- or single-quoted scalar at `pos`; moves `pos` past its closing quote. */
  private quoted(end: number): string {
    const text = this.text;
    const p = this.pos;
    const q = text.charCodeAt(p);
    let out = '';
    let from = p + 1;
    for (let i = p + 1; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === q) {
        if (q === APOS && text.charCodeAt(i + 1) === APOS) {
          out += text.slice(from, i + 1);
          from = i + 2;
          i++;
          continue;
        }
        this.pos = i + 1;
        return out + text.slice(from, i);
      }
      if (c === BACKSLASH && q === QUOTE) {
        out += text.slice(from, i);
        const e = text[i + 1];
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!HEX4.test(hex)) giveUp();
          out += String.fromCharCode(parseInt(hex, 16));
          i += 5;
        } else {
          const escaped = e === undefined ? undefined : ESCAPES[e];
          if (escaped === undefined) giveUp();
          out += escaped;
          i++;
        }
        from = i + 1;
      }
    }
    // Not closed on this line: multi-line quoted text folds, which the general parser handles.
    return giveUp();
  }

  /** A flow collection at `pos` that opens and closes on this line; moves `pos` past it. */
  private flow(end: number, depth: number): unknown {
    if (depth > MAX_DEPTH) giveUp();
    const text = this.text;
    const isMap = text.charCodeAt(this.pos) === OPEN_MAP;
    const close = isMap ? CLOSE_MAP : CLOSE_SEQ;
    const map: Record<string, unknown> = {};
    const seq: unknown[] = [];
    let i = skipSpaces(text, this.pos + 1, end);
    if (text.charCodeAt(i) === close) {
      this.pos = i + 1;
      return isMap ? map : seq;
    }
    for (;;) {
      if (isMap) {
        const keyStop = this.flowPlainEnd(i, end);
        if (text.charCodeAt(keyStop) !== COLON || text.charCodeAt(keyStop + 1) !== SPACE) giveUp();
        const key = keyOf(text.slice(i, trimEnd(text, i, keyStop)));
        if (Object.hasOwn(map, key)) giveUp();
        this.pos = skipSpaces(text, keyStop + 1, end);
        map[key] = this.flowItem(end, depth + 1);
      } else {
        this.pos = i;
        seq.push(this.flowItem(end, depth + 1));
      }
      i = skipSpaces(text, this.pos, end);
      const c = text.charCodeAt(i);
      if (c === close) {
        this.pos = i + 1;
        return isMap ? map : seq;
      }
      if (c !== COMMA) giveUp();
      i = skipSpaces(text, i + 1, end);
      // A trailing comma, or a comma with nothing before the next one.
      if (text.charCodeAt(i) === close || text.charCodeAt(i) === COMMA) giveUp();
    }
  }

  /** One item of a flow collection at `pos` (a value, not a key); moves `pos` past it. */
  private flowItem(end: number, depth: number): unknown {
    const text = this.text;
    const p = this.pos;
    if (p >= end) giveUp();
    const c = text.charCodeAt(p);
    if (c === OPEN_SEQ || c === OPEN_MAP) return this.flow(end, depth);
    if (c === QUOTE || c === APOS) {
      const value = this.quoted(end);
      // `"a": b` inside a flow is a pair with a quoted key.
      if (text.charCodeAt(skipSpaces(text, this.pos, end)) === COLON) giveUp();
      return value;
    }
    const stop = this.flowPlainEnd(p, end);
    // `[a: b]` makes a one-pair mapping; `{a: b: c}` is an error.
    if (text.charCodeAt(stop) === COLON) giveUp();
    this.pos = stop;
    return plainValue(text.slice(p, trimEnd(text, p, stop)));
  }

  /** Where a plain scalar inside a flow collection ends: at `,`, a bracket, `:`, or the line's end (which gives up). */
  private flowPlainEnd(p: number, end: number): number {
    const text = this.text;
    const c = text.charCodeAt(p);
    // A leading `-` is plain only before a character that cannot start an item (`-5`, `-x`).
    if (isIndicator(c)) {
      const next = text.charCodeAt(p + 1);
      if (!(c === DASH && p + 1 < end && !isIndicator(next) && next !== SPACE)) giveUp();
    }
    for (let i = skip(FLOW_TEXT, text, p + 1); i < end; i = skip(FLOW_TEXT, text, i + 1)) {
      const d = text.charCodeAt(i);
      if (d === COLON || isFlowIndicator(d)) return i;
      if (d === HASH && text.charCodeAt(i - 1) === SPACE) giveUp();
      if (d === QUOTE || d === APOS) giveUp();
    }
    return giveUp();
  }
}
