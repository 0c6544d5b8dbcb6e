/**
 * Safe YAML reading for every motcua document (procedures, calendars, units, scenarios).
 * A document an administrator writes is untrusted input: it is size-capped before parsing,
 * aliases and anchors are refused without ever being expanded (billion laughs), explicit tags
 * are refused (no `!!js/function`), duplicate keys are errors, and nothing here throws: every
 * problem becomes a {@link Finding} with a 1-based line and column.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import { sortFindings, type Finding } from './findings.js';
import { readPlainYaml } from './yaml-fast-path.js';

/** Default size cap: far above any real procedure (a few KiB), far below anything that hurts. */
export const DEFAULT_MAX_BYTES = 256 * 1024;

/** Deeper nesting than this is never a real document; refusing it keeps parsing fast and the stack safe. */
export const MAX_NESTING = 64;

/** A path into a document: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** A 1-based position in the source. */
export interface YamlPosition {
  line: number;
  col: number;
}

/** The result of {@link parseYamlSource}. */
export interface ParsedYaml {
  /** The plain JS value; `undefined` when the document could not be read safely (see findings). */
  value: unknown;
  findings: Finding[];
  /** Position of the key (`which: 'key'`, the default) or the value at `path`; the nearest existing ancestor when absent. */
  locate(path: YamlPath, which?: 'key' | 'value'): YamlPosition;
  /** Position of the character at `offset` inside the string scalar at `path` (for errors inside expressions). */
  locateInScalar(path: YamlPath, offset: number): YamlPosition;
}

const MAX_REPORTED_ALIASES = 10;

let yamlModule: typeof Yaml | undefined;
/**
 * The general YAML parser, loaded on first use: most documents are read by the fast path, and
 * loading the parser costs a cold start more than reading them. Synchronous, like everything here.
 */
function yaml(): typeof Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

/** Options of {@link parseYamlSource}. */
export interface ParseYamlOptions {
  /** Size cap in bytes; {@link DEFAULT_MAX_BYTES} by default. */
  maxBytes?: number;
  /** `false` reads with the general parser only (tests compare it with the fast path); true by default. */
  fastPath?: boolean;
}

/** Parses YAML text or bytes safely; never throws. */
export function parseYamlSource(source: string | Uint8Array, path: string, opts: ParseYamlOptions = {}): ParsedYaml {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const findings: Finding[] = [];
  const fail = (message: string, pos: YamlPosition = { line: 1, col: 1 }): ParsedYaml => {
    findings.push({ path, line: pos.line, col: pos.col, severity: 'error', message });
    return { value: undefined, findings, locate: () => ({ line: 1, col: 1 }), locateInScalar: () => ({ line: 1, col: 1 }) };
  };

  // The cap is checked on the raw byte length before any decoding or parsing work.
  const bytes = typeof source === 'string' ? Buffer.byteLength(source, 'utf8') : source.byteLength;
  if (bytes > maxBytes) {
    return fail(sizeCapMessage(bytes, maxBytes));
  }
  let text: string;
  if (typeof source === 'string') text = source;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(source);
    } catch {
      return fail('document is not valid UTF-8 text; save it as UTF-8');
    }
  }
  const nested = flowNestingOffset(text);
  if (nested !== undefined) {
    return fail(`document is nested more than ${MAX_NESTING} levels deep; motcua documents are never that deep`, positionOf(text, nested));
  }
  const plain = opts.fastPath === false ? undefined : readPlainYaml(text);
  if (plain !== undefined) {
    // The full parser would find nothing and read the same value (see yaml-fast-path.ts). Positions
    // are only needed for findings, rare on such a document, so it runs only when one is asked for.
    let full: ParsedYaml | undefined;
    const located = (): ParsedYaml => (full ??= parseFull(text, path));
    return { value: plain, findings: [], locate: (p, which) => located().locate(p, which), locateInScalar: (p, offset) => located().locateInScalar(p, offset) };
  }
  return parseFull(text, path);
}

/** The general parser, with every finding and position; `text` has passed the size and nesting caps. */
function parseFull(text: string, path: string): ParsedYaml {
  const findings: Finding[] = [];
  const fail = (message: string): ParsedYaml => {
    findings.push({ path, line: 1, col: 1, severity: 'error', message });
    return { value: undefined, findings, locate: () => ({ line: 1, col: 1 }), locateInScalar: () => ({ line: 1, col: 1 }) };
  };
  const { LineCounter, isScalar, parseDocument } = yaml();
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    // Core schema (YAML 1.2): `yes`/`no`/dates stay strings. Duplicate keys are found by our own
    // walk below, which can also say where the first occurrence was.
    doc = parseDocument(text, { lineCounter: lines, schema: 'core', uniqueKeys: false, prettyErrors: false, strict: true });
  } catch (e) {
    return fail(`document could not be read as YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const pos = (offset: number): YamlPosition => {
    const p = lines.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const push = (offset: number, message: string, severity: Finding['severity'] = 'error'): void => {
    const p = pos(offset);
    findings.push({ path, line: p.line, col: p.col, severity, message });
  };

  let fatal = false;
  const errorLines = new Set<number>();
  for (const e of doc.errors) {
    fatal = true;
    // One syntax slip often trips several parser rules on the same line; the first says it best.
    const line = pos(e.pos[0]).line;
    if (errorLines.has(line)) continue;
    errorLines.add(line);
    push(e.pos[0], yamlErrorMessage(e.code, e.message));
  }
  for (const w of doc.warnings) {
    // Unresolved tags are reported as errors by the walk; other warnings pass through.
    if (w.code !== 'TAG_RESOLVE_FAILED') push(w.pos[0], w.message, 'warning');
  }
  if (walk(doc, text, push)) fatal = true;

  let value: unknown;
  if (!fatal) {
    try {
      value = doc.toJS({ maxAliasCount: 0 });
    } catch (e) {
      fatal = true;
      findings.push({ path, line: 1, col: 1, severity: 'error', message: `document could not be read: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  const locate = (p: YamlPath, which: 'key' | 'value' = 'key'): YamlPosition => {
    const found = resolve(doc, p);
    const offset = which === 'value' && found.complete ? (found.valueNode?.range?.[0] ?? found.keyOffset) : found.keyOffset;
    return pos(offset);
  };
  const locateInScalar = (p: YamlPath, offset: number): YamlPosition => {
    const found = resolve(doc, p);
    const node = found.complete ? found.valueNode : undefined;
    if (!node || !isScalar(node) || !node.range) return locate(p, 'value');
    return pos(scalarOffset(text, node.range[0], node.range[1], String(node.type), String(node.value), offset));
  };
  return { value: fatal ? undefined : value, findings: sortFindings(findings), locate, locateInScalar };
}

/** The message for a document over the size cap (also used when a file is refused before it is read). */
export function sizeCapMessage(bytes: number, maxBytes: number = DEFAULT_MAX_BYTES): string {
  return `document is ${formatBytes(bytes)}; motcua documents are limited to ${formatBytes(maxBytes)}: split it or remove what is not needed`;
}

/** Friendlier words for the YAML errors administrators actually meet. */
function yamlErrorMessage(code: string, message: string): string {
  switch (code) {
    case 'MULTIPLE_DOCS':
      return 'a file holds exactly one document; remove the second `---` and what follows, or split the file';
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed as indentation in YAML; indent with spaces';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return `YAML syntax: ${message}; check the indentation and brackets on this line`;
    default:
      return `YAML syntax: ${message}`;
  }
}

/**
 * Walks every node without expanding anything: aliases, anchors, explicit tags, non-text keys,
 * duplicate keys and excessive depth become findings. Returns true when the value must not be used.
 */
function walk(doc: Document.Parsed, text: string, push: (offset: number, message: string) => void): boolean {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  let fatal = false;
  let aliases = 0;
  let firstUnreported = 0;
  const aliasFinding = (offset: number, message: string): void => {
    aliases++;
    if (aliases <= MAX_REPORTED_ALIASES) push(offset, message);
    else if (aliases === MAX_REPORTED_ALIASES + 1) firstUnreported = offset;
  };
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || node === undefined) continue;
    const start = (node as Node).range?.[0] ?? 0;
    if (depth > MAX_NESTING) {
      push(start, `document is nested more than ${MAX_NESTING} levels deep; motcua documents are never that deep`);
      return true;
    }
    if (isAlias(node)) {
      fatal = true;
      aliasFinding(start, `YAML aliases (*${node.source}) are not allowed in motcua documents; write the value out in full`);
      continue;
    }
    const n = node as Node;
    if (n.anchor) {
      fatal = true;
      aliasFinding(anchorOffset(text, start, n.anchor), `YAML anchors (&${n.anchor}) are not allowed in motcua documents; write the value out in full`);
    }
    if (n.tag) {
      fatal = true;
      push(tagOffset(text, start), `YAML tags (${shortTag(n.tag)}) are not allowed in motcua documents; remove the tag`);
    }
    if (isMap(node)) {
      const seen = new Map<string, number>();
      const children: { node: unknown; depth: number }[] = [];
      for (const pair of node.items as Pair<unknown, unknown>[]) {
        const key = pair.key;
        if (isScalar(key)) {
          const name = String(key.value);
          const offset = key.range?.[0] ?? start;
          const first = seen.get(name);
          if (first !== undefined) {
            push(offset, `duplicate key '${name}' (first written on line ${lineOf(text, first)}); each key may appear once: remove or merge one of them`);
          } else seen.set(name, offset);
        } else if (key !== null && !isAlias(key)) {
          fatal = true;
          push((key as Node).range?.[0] ?? start, 'keys must be plain text, not lists or mappings');
        }
        children.push({ node: key, depth: depth + 1 }, { node: pair.value, depth: depth + 1 });
      }
      // Pushed in reverse so the walk, and its findings, follow document order.
      stack.push(...children.reverse());
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], depth: depth + 1 });
    } else if (isPair(node)) {
      stack.push({ node: node.value, depth: depth + 1 }, { node: node.key, depth: depth + 1 });
    }
  }
  if (aliases > MAX_REPORTED_ALIASES) {
    push(firstUnreported, `${aliases - MAX_REPORTED_ALIASES} more YAML anchors/aliases not shown; remove all of them`);
  }
  return fatal;
}

interface Resolved {
  complete: boolean;
  keyOffset: number;
  valueNode: Node | undefined;
}

/** Follows `path` through the document as far as it exists. */
function resolve(doc: Document.Parsed, path: YamlPath): Resolved {
  const { isMap, isScalar, isSeq } = yaml();
  let node: unknown = doc.contents;
  let keyOffset = (node as Node | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = (node.items as Pair<unknown, unknown>[]).findLast((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return { complete: false, keyOffset, valueNode: undefined };
      keyOffset = (pair.key as Node).range?.[0] ?? keyOffset;
      // `key:` with nothing after it has a null value node whose range is the end of the line.
      node = pair.value ?? undefined;
      if (node === undefined) return { complete: true, keyOffset, valueNode: undefined };
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)];
      if (item === undefined || item === null) return { complete: false, keyOffset, valueNode: undefined };
      node = item;
      keyOffset = (item as Node).range?.[0] ?? keyOffset;
    } else {
      return { complete: false, keyOffset, valueNode: undefined };
    }
  }
  return { complete: true, keyOffset, valueNode: node as Node };
}

/** Maps an offset inside a scalar's value to an offset in the source text. */
function scalarOffset(text: string, start: number, end: number, type: string, value: string, offset: number): number {
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    // Content starts on the line after the `|`/`>` header, indented; find the value's line and column.
    const before = value.slice(0, offset);
    const lineIndex = before.split('\n').length - 1;
    const colInLine = offset - (before.lastIndexOf('\n') + 1);
    const firstLine = text.indexOf('\n', start) + 1;
    if (firstLine <= 0) return start;
    // The block's indentation is that of its first content line; deeper lines keep the extra spaces in the value.
    let indent = 0;
    while (text[firstLine + indent] === ' ') indent++;
    let lineStart = firstLine;
    for (let i = 0; i < lineIndex && lineStart > 0; i++) lineStart = text.indexOf('\n', lineStart) + 1;
    if (lineStart <= 0) return start;
    return Math.min(lineStart + indent + colInLine, end);
  }
  // An offset at the very end (an expression cut short) points just after the last character.
  const quoted = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE' ? 1 : 0;
  return Math.min(start + quoted + offset, Math.max(start, end - quoted));
}

/** Where the `!tag` in front of a node starts (the node's range begins after it). */
function tagOffset(text: string, nodeStart: number): number {
  const found = text.lastIndexOf('!', nodeStart);
  if (found < 0) return nodeStart;
  let i = found;
  if (i > 0 && text[i - 1] === '!') i--;
  return text.slice(i, nodeStart).includes('\n') ? nodeStart : i;
}

function anchorOffset(text: string, nodeStart: number, anchor: string): number {
  const found = text.lastIndexOf(`&${anchor}`, nodeStart);
  return found < 0 ? nodeStart : found;
}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/**
 * A cheap pre-scan for runaway flow nesting (`[[[[…` or `{{{{…`), which makes the parser recurse
 * until the stack overflows and takes seconds. Counting brackets without regard to quotes only
 * over-counts, and no real document comes near the limit.
 */
function flowNestingOffset(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

function positionOf(text: string, offset: number): YamlPosition {
  const line = lineOf(text, offset);
  return { line, col: offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1 };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}
