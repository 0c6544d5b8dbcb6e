/**
 * JSON Schemas inside procedures: the dossier `data` schema and the input of each event.
 * Ajv (draft 2020-12, strict, all errors, no coercion) with the `pii` keyword, so a schema can
 * mark personal fields (`pii: true`) that the audit log masks. Two Ajv instances with the same
 * options: one compiles plain schemas without ever compiling the meta-schema (the costly part
 * of a cold start), the other checks anything unusual against the meta-schema first. Compiled
 * validators are cached per schema object; everything here is pure and synchronous.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { MotcuaError } from '../errors/index.js';
import type { InputSpecDef } from './schema.js';

/** A JSON Schema as procedures write it. */
export type JsonSchema = Record<string, unknown>;

/** One problem with a value: a JSON pointer to the field (`/applicant/name`, `''` for the whole value) and what is wrong. */
export interface FieldError {
  path: string;
  message: string;
}

/** Validates a value; returns its field errors (empty when valid). */
export type DataValidator = (value: unknown) => FieldError[];

/** One problem with a schema itself, at a JSON pointer into the schema. */
export interface SchemaProblem {
  pointer: string;
  message: string;
  /** Whether the problem is the keyword itself (`key`) or its value (`value`). */
  at: 'key' | 'value';
}

/** Longest text a required input field without a schema may hold (a reason, a note). */
export const MAX_INPUT_TEXT = 2000;

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped or not depending on the loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

// `optimize: false` skips Ajv's clean-up passes over the generated code: the validator behaves the
// same (a few unused variables stay), and compiling a procedure's schemas takes about a quarter less.
const OPTIONS = { strict: true, allErrors: true, allowUnionTypes: true, coerceTypes: false, useDefaults: false, logger: false, code: { optimize: false } } as const;

/** An Ajv with the formats and the `pii` keyword; `validateSchema: false` skips its own meta-schema check. */
function createAjv(validateSchema: boolean): Ajv2020 {
  const ajv = new Ajv2020({ ...OPTIONS, validateSchema });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'pii', schemaType: 'boolean', metaSchema: { type: 'boolean' } });
  return ajv;
}

let compiler: Ajv2020 | undefined;
let metaChecker: Ajv2020 | undefined;
/**
 * Compiles schemas known to be valid against the meta-schema. Compiling the draft 2020-12
 * meta-schema costs more than checking a whole procedure, so this Ajv never does it;
 * {@link metaValidator} does, and only for a schema that {@link isSurelyMetaValid} cannot vouch for.
 */
function ajv(): Ajv2020 {
  return (compiler ??= createAjv(false));
}
/** Validates schemas against the meta-schema and compiles those (same options, so the same errors); built on first need. */
function metaValidator(): Ajv2020 {
  return (metaChecker ??= createAjv(true));
}

const validators = new WeakMap<object, DataValidator>();
/**
 * Ajv compilation costs about a millisecond per schema; procedures repeat the same small input
 * schemas many times (and every reload parses new objects), so results are also shared by the
 * schema's JSON text. Bounded so a long-running server cannot grow it without limit.
 */
const byText = new Map<string, { fn?: ValidateFunction; problems?: SchemaProblem[] }>();
const MAX_SHARED = 2_000;

function shared(schema: unknown): { fn?: ValidateFunction; problems?: SchemaProblem[] } {
  const text = JSON.stringify(schema);
  let entry = byText.get(text);
  if (!entry) {
    if (byText.size >= MAX_SHARED) byText.clear();
    entry = {};
    byText.set(text, entry);
  }
  return entry;
}
const inputSchemas = new WeakMap<InputSpecDef, JsonSchema>();
const NO_INPUT: JsonSchema = Object.freeze({ type: 'object', additionalProperties: false, properties: {} }) as JsonSchema;

/** Compiles a schema into a validator (cached per schema object); throws `definitionInvalid` for a broken schema. */
export function compileDataSchema(schema: JsonSchema): DataValidator {
  const cached = validators.get(schema);
  if (cached) return cached;
  const entry = shared(schema);
  let fn: ValidateFunction;
  try {
    fn = entry.fn ??= compileRaw(schema);
  } catch (e) {
    throw new MotcuaError('definitionInvalid', `JSON Schema does not compile: ${cleanAjvMessage(e)}; run \`motcua validate\` on the procedure`);
  }
  const validate: DataValidator = (value) => (fn(value) ? [] : (fn.errors ?? []).map(toFieldError));
  validators.set(schema, validate);
  return validate;
}

/** Problems with a schema (meta-schema violations, then the first strict-mode problem); empty when it compiles. */
export function dataSchemaProblems(schema: unknown): SchemaProblem[] {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return [{ pointer: '', message: 'a JSON Schema must be a mapping (e.g. `type: object` with `properties:`)', at: 'value' }];
  }
  const entry = shared(schema);
  entry.problems ??= computeProblems(schema as JsonSchema, entry);
  return [...entry.problems];
}

function computeProblems(schema: JsonSchema, entry: { fn?: ValidateFunction }): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const meta = isSurelyMetaValid(schema, 0) ? undefined : metaValidator();
  if (meta && !meta.validateSchema(schema)) {
    // One problem per spot: `anyOf` in the meta-schema repeats each mistake several ways.
    const seen = new Set<string>();
    for (const err of meta.errors ?? []) {
      if (seen.has(err.instancePath)) continue;
      seen.add(err.instancePath);
      problems.push({ pointer: err.instancePath, message: metaMessage(err), at: 'value' });
    }
    return problems;
  }
  try {
    entry.fn ??= compileRaw(schema);
  } catch (e) {
    const message = cleanAjvMessage(e);
    const at = /at (?:path )?"#([^"]*)"/.exec(message);
    const unknown = /^unknown keyword: "([^"]*)"/.exec(message);
    const pointer = at?.[1] ?? (unknown?.[1] !== undefined ? pointerOfKey(schema, unknown[1]) : '');
    const text = message.replace(/ (?:in schema )?at (?:path )?"#[^"]*"/, '').replace(/ \(strict\w*\)$/, '');
    problems.push({ pointer, message: unknown ? `${text}; JSON Schema has no such keyword (check the spelling)` : text, at: 'key' });
  }
  return problems;
}

/** Problems with a schema as plain messages; empty when it compiles. */
export function checkDataSchema(schema: unknown): string[] {
  return dataSchemaProblems(schema).map((p) => (p.pointer ? `${p.pointer}: ${p.message}` : p.message));
}

/**
 * JSON pointers of the properties marked `pii: true`, nested objects included
 * (`/applicant/id_number`). Array items appear as `*` (`/members/*\/name`). A marked property
 * covers everything under it, so its children are not listed separately.
 */
export function piiPaths(schema: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown, prefix: string, depth: number): void => {
    if (depth > 32 || node === null || typeof node !== 'object' || Array.isArray(node)) return;
    const s = node as JsonSchema;
    const props = s['properties'];
    if (props && typeof props === 'object' && !Array.isArray(props)) {
      for (const [name, sub] of Object.entries(props as Record<string, unknown>)) {
        const pointer = `${prefix}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        if (sub && typeof sub === 'object' && (sub as JsonSchema)['pii'] === true) out.push(pointer);
        else visit(sub, pointer, depth + 1);
      }
    }
    if (s['items'] !== undefined) visit(s['items'], `${prefix}/*`, depth + 1);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = s[key];
      if (Array.isArray(list)) for (const sub of list) visit(sub, prefix, depth + 1);
    }
  };
  visit(schema, '', 0);
  return [...new Set(out)];
}

/**
 * The JSON Schema of an event's input: an object with exactly the declared fields. A field in
 * `required` without an entry in `properties` is non-empty text of at most 2000 characters.
 * No spec means the event takes no input. Cached per spec object, so validators are shared.
 */
export function inputJsonSchema(spec: InputSpecDef | undefined): JsonSchema {
  if (!spec) return NO_INPUT;
  const cached = inputSchemas.get(spec);
  if (cached) return cached;
  const properties: Record<string, unknown> = { ...(spec.properties ?? {}) };
  for (const name of spec.required ?? []) {
    properties[name] ??= { type: 'string', minLength: 1, maxLength: MAX_INPUT_TEXT, pattern: '\\S' };
  }
  const schema: JsonSchema = { type: 'object', additionalProperties: false, properties };
  if (spec.required && spec.required.length > 0) schema['required'] = [...new Set(spec.required)];
  inputSchemas.set(spec, schema);
  return schema;
}

function compileRaw(schema: JsonSchema): ValidateFunction {
  // A schema the quick check cannot vouch for (and every schema with `$id` or `$ref`) goes to the
  // Ajv that checks the meta-schema as part of compiling, as every schema once did.
  const target = isSurelyMetaValid(schema, 0) ? ajv() : metaValidator();
  // A procedure's schema may carry an `$id`; a second version with the same `$id` must not collide.
  const id = schema['$id'];
  if (typeof id === 'string') target.removeSchema(id);
  return target.compile(schema);
}

const SIMPLE_TYPES = new Set(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);
const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isText = (v: unknown): boolean => typeof v === 'string';
const isFlag = (v: unknown): boolean => typeof v === 'boolean';
const isSchemaList = (v: unknown, depth: number): boolean => Array.isArray(v) && v.length > 0 && v.every((s) => isSurelyMetaValid(s, depth));
const anything = (): boolean => true;

/**
 * What the draft 2020-12 meta-schema requires of the keywords procedures use. Deliberately
 * partial: a keyword not listed here (`$id`, `$ref`, `if`, `definitions`, a typo…) sends the
 * schema to Ajv's own meta-schema check.
 */
const META_RULES: Record<string, (value: unknown, depth: number) => boolean> = {
  type: (v) => (typeof v === 'string' ? SIMPLE_TYPES.has(v) : Array.isArray(v) && v.length > 0 && v.every((t) => SIMPLE_TYPES.has(t as string)) && new Set(v).size === v.length),
  properties: (v, depth) => isPlainObject(v) && Object.values(v).every((s) => isSurelyMetaValid(s, depth)),
  items: (v, depth) => isSurelyMetaValid(v, depth),
  additionalProperties: (v, depth) => isSurelyMetaValid(v, depth),
  not: (v, depth) => isSurelyMetaValid(v, depth),
  allOf: isSchemaList,
  anyOf: isSchemaList,
  oneOf: isSchemaList,
  required: (v) => Array.isArray(v) && v.every(isText) && new Set(v).size === v.length,
  enum: (v) => Array.isArray(v),
  const: anything,
  default: anything,
  examples: (v) => Array.isArray(v),
  minLength: isCount,
  maxLength: isCount,
  minItems: isCount,
  maxItems: isCount,
  minProperties: isCount,
  maxProperties: isCount,
  minimum: isNumber,
  maximum: isNumber,
  exclusiveMinimum: isNumber,
  exclusiveMaximum: isNumber,
  multipleOf: (v) => isNumber(v) && (v as number) > 0,
  uniqueItems: isFlag,
  deprecated: isFlag,
  readOnly: isFlag,
  writeOnly: isFlag,
  title: isText,
  description: isText,
  format: isText,
  // The meta-schema requires a pattern to be a valid regular expression (format "regex").
  pattern: (v) => isText(v) && isRegex(v as string),
  // Not in the meta-schema, so any value passes it; the compiler's strict mode checks it is a boolean.
  pii: anything,
};

/**
 * True only when `schema` certainly passes Ajv's meta-schema check; false means "ask Ajv" (it
 * may still be valid). Lets the common schema skip compiling the meta-schema.
 */
function isSurelyMetaValid(schema: unknown, depth: number): boolean {
  if (typeof schema === 'boolean') return true;
  if (!isPlainObject(schema) || depth > 32) return false;
  for (const key of Object.keys(schema)) {
    const rule = Object.hasOwn(META_RULES, key) ? META_RULES[key] : undefined;
    if (!rule || !rule(schema[key], depth + 1)) return false;
  }
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The "regex" format exactly as the meta-schema check applies it (ajv-formats' own function). */
function isRegex(text: string): boolean {
  const format = ajv().formats['regex'];
  if (typeof format === 'function') return format(text) === true;
  if (format instanceof RegExp) return format.test(text);
  return false;
}

/** JSON pointer of the first place `key` is used as a keyword in `schema` (for strict-mode messages that give none). */
function pointerOfKey(schema: unknown, key: string): string {
  const stack: { node: unknown; pointer: string }[] = [{ node: schema, pointer: '' }];
  while (stack.length > 0) {
    const { node, pointer } = stack.shift()!;
    if (node === null || typeof node !== 'object') continue;
    if (!Array.isArray(node) && Object.hasOwn(node, key)) return `${pointer}/${key}`;
    for (const [k, v] of Object.entries(node)) stack.push({ node: v, pointer: `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}` });
  }
  return '';
}

function toFieldError(err: ErrorObject): FieldError {
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      return { path: `${err.instancePath}/${String(params['missingProperty'])}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${err.instancePath}/${String(params['additionalProperty'])}`, message: 'is not a field of this form; remove it' };
    case 'minLength':
      return { path: err.instancePath, message: params['limit'] === 1 ? 'must not be empty' : `must be at least ${String(params['limit'])} characters` };
    case 'pattern':
      return { path: err.instancePath, message: params['pattern'] === '\\S' ? 'must not be blank' : `must match the pattern ${String(params['pattern'])}` };
    case 'enum':
      return { path: err.instancePath, message: `must be one of: ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { path: err.instancePath, message: `must be of type ${String(params['type'])}` };
    default:
      return { path: err.instancePath, message: err.message ?? `fails ${err.keyword}` };
  }
}

function metaMessage(err: ErrorObject): string {
  const params = err.params as Record<string, unknown>;
  if (err.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    return `must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`;
  }
  return err.message ?? `fails ${err.keyword}`;
}

function cleanAjvMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/^strict mode: /, '');
}
