import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { procedureJsonSchema, renderSchema, schemaFiles } from '../../src/definitions/json-schema.js';
import { registerDocumentKinds } from '../../src/documents/index.js';

registerDocumentKinds();

const root = new URL('../../', import.meta.url);
const fixture = (rel: string): unknown => parse(readFileSync(new URL(`test/fixtures/definitions/${rel}`, root), 'utf8'));

function capture(cwd: string): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', cwd, env: {}, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

describe('generated JSON Schemas', () => {
  it('are checked in and up to date (run `npm run schemas` when this fails)', () => {
    for (const entry of schemaFiles) {
      const current = readFileSync(new URL(entry.file, root), 'utf8');
      expect(current, `${entry.file} is stale; run npm run schemas`).toBe(renderSchema(entry.build()));
    }
  });

  it('describe the procedure language for editors: draft 2020-12, with $id and title', () => {
    const schema = procedureJsonSchema();
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: 'urn:motcua:schema:procedure', title: 'motcua procedure' });
    expect(Object.keys(schema).slice(0, 3)).toEqual(['$schema', '$id', 'title']);
  });

  it('accept the valid fixtures and reject an unknown key, as an editor would', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(procedureJsonSchema());
    expect(validate(fixture('valid/tam-tru.yaml')), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(fixture('valid/parallel.yaml')), JSON.stringify(validate.errors)).toBe(true);
    const bad = fixture('valid/tam-tru.yaml') as { states: Record<string, Record<string, unknown>> };
    bad.states['received']!['staus'] = 2;
    expect(validate(bad)).toBe(false);
  });

  it('`motcua schemas --check` fails on a stale file and `--write` fixes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-schemas-'));
    try {
      mkdirSync(join(dir, 'schemas'));
      writeFileSync(join(dir, 'schemas/procedure.schema.json'), '{}\n');
      const stale = capture(dir);
      expect(await main(['schemas', '--check'], stale)).toBe(1);
      expect(stale.stderr).toContain('schemas/procedure.schema.json is stale; run `npm run schemas`');
      const write = capture(dir);
      expect(await main(['schemas', '--write'], write)).toBe(0);
      expect(write.stdout).toContain('wrote schemas/procedure.schema.json');
      expect(await main(['schemas', '--check'], capture(dir))).toBe(0);
      expect(await main(['schemas', '--bogus'], capture(dir))).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
