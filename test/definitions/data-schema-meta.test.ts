import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileDataSchema, dataSchemaProblems } from '../../src/definitions/data-schema.js';

// The reference: one Ajv that checks every schema against the draft 2020-12 meta-schema before
// compiling it, as data-schema.ts did before it learnt to skip that check for plain schemas.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const reference = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, coerceTypes: false, useDefaults: false, logger: false });
addFormats(reference);
reference.addKeyword({ keyword: 'pii', schemaType: 'boolean', metaSchema: { type: 'boolean' } });

const VALUES: unknown[] = [0, 1, -1, 1.5, 2 ** 40, '', 'x', 'string', 'object', 'integer', 'strin', true, false, null, [], ['a'], ['a', 'a'], ['string', 'null'], ['string', 'string'], [1], {}, { type: 'string' }, '^[0-9]+$', '[', '(?<n>x)', 'a\\Zb', 'date', 'email', 'nope'];
const KEYWORDS = ['type', 'properties', 'items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf', 'required', 'enum', 'const', 'default', 'examples', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'multipleOf', 'uniqueItems', 'readOnly', 'title', 'description', 'format', 'pattern', 'pii', 'definitions', 'dependencies', 'maxLenght', '$comment', 'contains', 'prefixItems', 'patternProperties', '$defs', 'nullable', 'constructor'];

/** A JSON Schema made of the keywords procedures use, often with a wrong value or an unknown keyword. */
const schema: fc.Arbitrary<unknown> = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(true, false, { type: 'string' }, { type: 'integer', minimum: 1 }),
    fc
      .array(
        fc.tuple(
          fc.constantFrom(...KEYWORDS),
          fc.oneof(
            fc.constantFrom(...VALUES),
            tie('schema'),
            fc.array(tie('schema'), { maxLength: 2 }),
            fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('schema'), { maxKeys: 2 }),
            fc.constantFrom('string', 'object', 'array', 'number'),
          ),
        ),
        { maxLength: 4 },
      )
      .map((entries) => Object.fromEntries(entries)),
  ),
})).schema;

describe('JSON Schema checks without compiling the meta-schema', () => {
  it('report exactly what checking every schema against the meta-schema reports', () => {
    fc.assert(
      fc.property(schema, (s) => {
        if (s === null || typeof s !== 'object' || Array.isArray(s)) return;
        const problems = dataSchemaProblems(s);
        if (!reference.validateSchema(s)) {
          const spots = [...new Set((reference.errors ?? []).map((e) => e.instancePath))];
          expect(problems.map((p) => p.pointer)).toEqual(spots);
          return;
        }
        let validate: ReturnType<typeof reference.compile> | undefined;
        try {
          validate = reference.compile(s);
        } catch {
          expect(problems).toHaveLength(1);
          return;
        }
        expect(problems).toEqual([]);
        const check = compileDataSchema(s as Record<string, unknown>);
        for (const data of [{}, { a: 1 }, { a: 'x', b: null }, 'x', 1, [1, 'a'], null]) {
          expect(check(data).length).toBe(validate(data) ? 0 : (validate.errors ?? []).length);
        }
      }),
      { numRuns: 400 },
    );
  });
});
