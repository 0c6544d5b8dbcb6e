/**
 * Structural checking of a document against its zod schema, with every zod issue turned into
 * a finding at the right spot: unknown keys at the key ("unknown key 'staus'; did you mean
 * 'status'?"), wrong values at the value, missing keys at the mapping that lacks them.
 */
import type { z } from 'zod';
import type { CheckContext } from './check-context.js';
import { didYouMean } from './suggest.js';
import type { YamlPath } from './yaml-source.js';

/** The fields of a zod issue this module reads (zod's own union type is wider than needed). */
interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  format?: string;
  origin?: string;
  keys?: string[];
  values?: unknown[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  errors?: Issue[][];
  issues?: Issue[];
}

type Def = Record<string, unknown> & { type: string };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/**
 * Validates `value` against `schema`, reporting every issue into `ctx`. Returns the parsed value
 * when it is valid, undefined otherwise.
 */
export function checkAgainstSchema<T>(schema: z.ZodType<T>, value: unknown, ctx: CheckContext): T | undefined {
  let result: ReturnType<typeof schema.safeParse>;
  try {
    result = schema.safeParse(value, { reportInput: true });
  } catch (e) {
    // Only pathological input (nesting beyond the stack) gets here; the YAML layer caps depth first.
    ctx.error([], `document could not be checked: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  if (result.success) return result.data;
  for (const issue of result.error.issues as unknown as Issue[]) report(schema, issue, [], ctx);
  return undefined;
}

function report(root: unknown, issue: Issue, base: YamlPath, ctx: CheckContext): void {
  const path: YamlPath = [...base, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
  const key = path[path.length - 1];
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && 'input' in issue && issue.input === undefined && path.length > 0) {
    const parent = path.slice(0, -1);
    const about = describeAt(root, path);
    ctx.markSchemaError(path);
    fail(ctx, parent, `missing required key '${String(key)}'${about ? ` (${about})` : ''}; add it${parent.length === 0 ? ' at the top level' : ''}`, 'key');
    return;
  }
  switch (issue.code) {
    case 'invalid_union': {
      // Pick the alternative the author evidently meant: the one that did not fail on the value's own type.
      const branches = (issue.errors ?? []).filter((b) => !b.some((i) => i.path.length === 0 && i.code === 'invalid_type'));
      const best = branches.sort((a, b) => a.length - b.length)[0];
      if (best) {
        for (const inner of best) report(root, inner, path, ctx);
        return;
      }
      const expected = (issue.errors ?? []).flat().filter((i) => i.path.length === 0).map((i) => kindName(i.expected ?? ''));
      fail(ctx, path, `expected ${[...new Set(expected)].join(' or ')}, got ${typeName(issue.input)}${unionHint(path)}`, 'value');
      return;
    }
    case 'unrecognized_keys': {
      const allowed = keysAt(root, path);
      for (const k of issue.keys ?? []) {
        const hint = didYouMean(k, allowed) || (allowed.length > 0 ? `; allowed keys here are: ${allowed.join(', ')}` : '');
        fail(ctx, [...path, k], `unknown key '${k}'${hint}`, 'key');
      }
      return;
    }
    case 'invalid_key': {
      const inner = issue.issues?.[0];
      const what = KEY_KINDS[String(path[path.length - 2])] ?? 'key';
      fail(ctx, path, `invalid ${what} '${String(key)}': ${inner ? innerKeyMessage(inner) : issue.message}`, 'key');
      return;
    }
    case 'invalid_type': {
      if (path.length === 0 && issue.input === null) {
        fail(ctx, path, 'the document is empty; a procedure starts with id:, version:, title:, … (see docs/procedure-language.md)', 'value');
        return;
      }
      if (path.length === 0) {
        fail(ctx, path, `the document must be a mapping of keys (id:, title:, …), not ${typeName(issue.input)}`, 'value');
        return;
      }
      const quote =
        issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')
          ? `; put it in quotes: "${String(issue.input)}"`
          : issue.expected === 'array' && typeof issue.input === 'string'
            ? `; write a list: [${issue.input}]`
            : '';
      fail(ctx, path, `expected ${kindName(issue.expected ?? '')}, got ${typeName(issue.input)}${quote}`, 'value');
      return;
    }
    case 'invalid_format': {
      const shown = `'${String(issue.input)}'`;
      if (issue.format === 'date') fail(ctx, path, `${shown} is not a date; write YYYY-MM-DD, e.g. 2025-07-01`, 'value');
      else if (isDefaultMessage(issue.message)) fail(ctx, path, `${shown} is not a valid ${issue.format ?? 'value'}`, 'value');
      else fail(ctx, path, `${shown}: ${issue.message}`, 'value');
      return;
    }
    case 'invalid_value': {
      const values = issue.values ?? [];
      if (key === 'final') {
        fail(ctx, path, 'only `final: true` is allowed; remove the key for a state that is not final', 'value');
        return;
      }
      const options = values.map((v) => String(v));
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, options) : '';
      fail(ctx, path, `'${String(issue.input)}' is not allowed here; use ${options.length === 1 ? options[0] : `one of: ${options.join(', ')}`}${hint}`, 'value');
      return;
    }
    case 'too_small':
    case 'too_big': {
      fail(ctx, path, isDefaultMessage(issue.message) ? sizeMessage(issue) : issue.message, 'value');
      return;
    }
    default:
      fail(ctx, path, issue.message, 'value');
  }
}

function fail(ctx: CheckContext, path: YamlPath, message: string, which: 'key' | 'value'): void {
  ctx.markSchemaError(path);
  ctx.error(path, message, which);
}

const KEY_KINDS: Record<string, string> = { states: 'state name', on: 'event name', after: 'delay', properties: 'field name' };

function innerKeyMessage(inner: Issue): string {
  return isDefaultMessage(inner.message) ? 'not allowed as a name here' : inner.message;
}

function unionHint(path: YamlPath): string {
  const parent = path[path.length - 2];
  if (parent === 'on') return '; write a transition (to:, roles:, …) or a list of them';
  if (path[path.length - 1] === 'deadline') return '; write e.g. "3 working days", or default: and rules:';
  return '';
}

/** zod's built-in messages start like this; our schema's own messages are kept as written. */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too small|Too big|Expected)/.test(message);
}

function sizeMessage(issue: Issue): string {
  const small = issue.code === 'too_small';
  const limit = String(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case 'array':
      return small ? `needs at least ${limit} item${limit === '1' ? '' : 's'}` : `has more than ${limit} items`;
    case 'string':
      return small ? (limit === '1' ? 'must not be empty' : `must be at least ${limit} characters`) : `is longer than ${limit} characters; shorten it`;
    default:
      return small ? `must be at least ${limit}` : `must be at most ${limit}`;
  }
}

function kindName(expected: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', record: 'a mapping' };
  return names[expected] ?? expected;
}

function typeName(value: unknown): string {
  if (value === null) return 'nothing (the key has no value)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object':
      return 'a mapping';
    case 'string':
      return `text '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    default:
      return typeof value;
  }
}

/** The zod schemas a path can lead to (all alternatives of a union), unwrapped. */
function schemasAt(root: unknown, path: YamlPath): unknown[] {
  let current = unwrap(root);
  for (const segment of path) {
    const next: unknown[] = [];
    for (const s of current) {
      const def = defOf(s);
      if (def.type === 'object') {
        const shape = def['shape'] as Record<string, unknown>;
        if (typeof segment === 'string' && shape[segment]) next.push(...unwrap(shape[segment]));
      } else if (def.type === 'record') next.push(...unwrap(def['valueType']));
      else if (def.type === 'array' && typeof segment === 'number') next.push(...unwrap(def['element']));
    }
    current = next;
  }
  return current;
}

function unwrap(schema: unknown): unknown[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return unwrap(def['innerType']);
    case 'lazy':
      return unwrap((def['getter'] as () => unknown)());
    case 'union':
      return (def['options'] as unknown[]).flatMap(unwrap);
    case 'pipe':
      return unwrap(def['in']);
    default:
      return [schema];
  }
}

/** The keys a mapping at `path` may have. */
function keysAt(root: unknown, path: YamlPath): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path)) {
    const def = defOf(s);
    if (def.type === 'object') for (const k of Object.keys(def['shape'] as object)) keys.add(k);
  }
  return [...keys];
}

/** The schema's description of the key at `path`, if any (from `.describe()`). */
function describeAt(root: unknown, path: YamlPath): string | undefined {
  const parentSchemas = schemasAt(root, path.slice(0, -1));
  const key = path[path.length - 1];
  for (const parent of parentSchemas) {
    const def = defOf(parent);
    if (def.type !== 'object' || typeof key !== 'string') continue;
    let field: unknown = (def['shape'] as Record<string, unknown>)[key];
    for (let i = 0; i < 4 && field; i++) {
      const d = (field as { description?: string }).description;
      if (d) return d.replace(/\.$/, '');
      field = defOf(field)['innerType'];
    }
  }
  return undefined;
}
