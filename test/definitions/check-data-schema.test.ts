import { describe, expect, it } from 'vitest';
import { checkDataSchema, compileDataSchema, dataSchemaProblems, inputJsonSchema, piiPaths } from '../../src/definitions/data-schema.js';
import { isMotcuaError } from '../../src/errors/index.js';

const dossier = {
  type: 'object',
  additionalProperties: false,
  required: ['full_name', 'birth_date'],
  properties: {
    full_name: { type: 'string', minLength: 1, pii: true },
    birth_date: { type: 'string', format: 'date', pii: true },
    months: { type: 'integer', minimum: 1, maximum: 24 },
    household: {
      type: 'object',
      properties: {
        head: { type: 'object', properties: { id_number: { type: 'string', pattern: '^[0-9]{12}$', pii: true }, relation: { type: 'string' } } },
        members: { type: 'array', items: { type: 'object', properties: { name: { type: 'string', pii: true } } } },
      },
    },
  },
};

describe('compileDataSchema', () => {
  it('returns no errors for valid data', () => {
    expect(compileDataSchema(dossier)({ full_name: 'Nguyễn Văn A', birth_date: '1990-05-01', months: 12 })).toEqual([]);
  });

  it('returns every field error with a JSON pointer, without coercing types', () => {
    const errors = compileDataSchema(dossier)({ full_name: '', birth_date: '01/05/1990', months: '12', nickname: 'x' });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: '/full_name', message: 'must not be empty' },
        { path: '/birth_date', message: 'must match format "date"' },
        { path: '/months', message: 'must be of type integer' },
        { path: '/nickname', message: 'is not a field of this form; remove it' },
      ]),
    );
    expect(errors).toHaveLength(4);
    expect(compileDataSchema(dossier)({})).toEqual([
      { path: '/full_name', message: 'is required' },
      { path: '/birth_date', message: 'is required' },
    ]);
  });

  it('caches the validator per schema object', () => {
    expect(compileDataSchema(dossier)).toBe(compileDataSchema(dossier));
  });

  it('accepts the pii keyword and compiles schemas that share an $id', () => {
    const a = { $id: 'urn:test:data', type: 'object', properties: { x: { type: 'string', pii: true } } };
    const b = { $id: 'urn:test:data', type: 'object', properties: { y: { type: 'integer' } } };
    expect(compileDataSchema(a)({ x: 'ok' })).toEqual([]);
    expect(compileDataSchema(b)({ y: 'no' })).toEqual([{ path: '/y', message: 'must be of type integer' }]);
  });

  it('throws definitionInvalid for a schema that does not compile', () => {
    try {
      compileDataSchema({ type: 'object', properties: { x: { type: 'strin' } } });
      expect.unreachable();
    } catch (e) {
      expect(isMotcuaError(e, 'definitionInvalid')).toBe(true);
    }
  });
});

describe('checkDataSchema', () => {
  it('accepts a good schema', () => {
    expect(checkDataSchema(dossier)).toEqual([]);
  });

  it('reports meta-schema problems with their pointer', () => {
    expect(checkDataSchema({ type: 'object', properties: { x: { type: 'strin' } } })).toEqual([
      '/properties/x/type: must be one of: array, boolean, integer, null, number, object, string',
    ]);
  });

  it('runs in strict mode: unknown keywords, unknown formats, a non-boolean pii', () => {
    expect(dataSchemaProblems({ type: 'object', properties: { x: { type: 'string', maxLenght: 3 } } })).toEqual([
      { pointer: '/properties/x/maxLenght', message: 'unknown keyword: "maxLenght"; JSON Schema has no such keyword (check the spelling)', at: 'key' },
    ]);
    expect(checkDataSchema({ type: 'object', properties: { x: { type: 'string', format: 'emial' } } })[0]).toMatch(/unknown format "emial"/);
    expect(checkDataSchema({ type: 'object', properties: { x: { type: 'string', pii: 'yes' } } })).not.toEqual([]);
  });

  it('refuses a schema that is not a mapping', () => {
    expect(checkDataSchema('string')).toEqual(['a JSON Schema must be a mapping (e.g. `type: object` with `properties:`)']);
  });
});

describe('piiPaths', () => {
  it('lists personal fields as JSON pointers, nested objects and array items included', () => {
    expect(piiPaths(dossier)).toEqual(['/full_name', '/birth_date', '/household/head/id_number', '/household/members/*/name']);
  });

  it('lists a marked object once, not its children', () => {
    expect(piiPaths({ type: 'object', properties: { applicant: { type: 'object', pii: true, properties: { name: { type: 'string', pii: true } } } } })).toEqual(['/applicant']);
  });

  it('is empty when nothing is marked', () => {
    expect(piiPaths({ type: 'object', properties: { a: { type: 'string' } } })).toEqual([]);
  });
});

describe('inputJsonSchema', () => {
  it('turns `required: [reason]` into required non-blank text of at most 2000 characters', () => {
    const validate = compileDataSchema(inputJsonSchema({ required: ['reason'] }));
    expect(validate({ reason: 'Thiếu giấy tờ chứng minh chỗ ở' })).toEqual([]);
    expect(validate({})).toEqual([{ path: '/reason', message: 'is required' }]);
    expect(validate({ reason: '   ' })).toEqual([{ path: '/reason', message: 'must not be blank' }]);
    expect(validate({ reason: 'x'.repeat(2001) })).toEqual([{ path: '/reason', message: 'must NOT have more than 2000 characters' }]);
    expect(validate({ reason: 'ok', other: 1 })).toEqual([{ path: '/other', message: 'is not a field of this form; remove it' }]);
  });

  it('uses the declared schema of a field and keeps undeclared fields out', () => {
    const spec = { required: ['decision'], properties: { decision: { enum: ['yes', 'no'] }, note: { type: 'string' } } };
    const validate = compileDataSchema(inputJsonSchema(spec));
    expect(validate({ decision: 'yes', note: 'fine' })).toEqual([]);
    expect(validate({ decision: 'maybe' })).toEqual([{ path: '/decision', message: 'must be one of: "yes", "no"' }]);
    expect(inputJsonSchema(spec)).toBe(inputJsonSchema(spec));
  });

  it('accepts no input at all when the event declares none', () => {
    const validate = compileDataSchema(inputJsonSchema(undefined));
    expect(validate({})).toEqual([]);
    expect(validate({ reason: 'x' })).toEqual([{ path: '/reason', message: 'is not a field of this form; remove it' }]);
  });
});
