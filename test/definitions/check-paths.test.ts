import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPaths, documentKind, registerDocumentChecker } from '../../src/definitions/check-paths.js';

const valid = readFileSync(new URL('../fixtures/definitions/valid/tam-tru.yaml', import.meta.url), 'utf8');
let dir: string;

function write(rel: string, text: string): void {
  const full = join(dir, rel);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'motcua-check-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('documentKind', () => {
  it('decides the kind in one place', () => {
    expect(documentKind('procedures/tam-tru.scenarios.yaml')).toBe('scenarios');
    expect(documentKind('procedures/tam-tru.yaml', { id: 'x' })).toBe('procedure');
    expect(documentKind('procedures/tam-tru.yaml', { kind: 'procedure' })).toBe('procedure');
    expect(documentKind('config/calendars/2026.yaml', { year: 2026 })).toBe('calendar');
    expect(documentKind('config/units.yaml', { kind: 'units' })).toBe('units');
    expect(documentKind('config/x.yaml', { kind: 'recipe' })).toBeUndefined();
  });
});

describe('checkPaths', () => {
  it('checks folders recursively, skips scenario files, and returns the valid procedures with their source', async () => {
    write('procedures/tam-tru.yaml', valid);
    write('procedures/nested/other.yml', valid.replace('id: dang-ky-tam-tru', 'id: other'));
    write('procedures/tam-tru.scenarios.yaml', 'not: [a procedure');
    write('procedures/readme.txt', 'ignored');
    const result = await checkPaths(['procedures'], dir);
    expect(result.findings).toEqual([]);
    expect(result.files).toEqual(['procedures/nested/other.yml', 'procedures/tam-tru.yaml']);
    expect(result.procedures.map((p) => [p.path, p.definition.id])).toEqual([
      ['procedures/nested/other.yml', 'other'],
      ['procedures/tam-tru.yaml', 'dang-ky-tam-tru'],
    ]);
    expect(result.procedures[1]?.source).toBe(valid);
  });

  it('reports findings with the path as given, relative to cwd', async () => {
    write('p/bad.yaml', valid.replace('status: 9', 'status: 0'));
    const result = await checkPaths(['p/bad.yaml'], dir);
    expect(result.findings).toEqual([{ path: 'p/bad.yaml', line: 51, col: 13, severity: 'error', message: 'national status codes are 1–10' }]);
    expect(result.procedures).toEqual([]);
  });

  it('reports the same id and version defined twice', async () => {
    write('a.yaml', valid);
    write('b.yaml', valid);
    const result = await checkPaths(['a.yaml', 'b.yaml'], dir);
    expect(result.findings).toEqual([
      { path: 'b.yaml', line: 3, col: 10, severity: 'error', message: "procedure 'dang-ky-tam-tru' version 1 is also defined in a.yaml; a change is a new version: raise `version`" },
    ]);
    expect(result.procedures).toHaveLength(1);
  });

  it('refuses an oversized file without reading it, and reports a missing path', async () => {
    write('huge.yaml', `a: "${'x'.repeat(300 * 1024)}"\n`);
    const result = await checkPaths(['huge.yaml', 'missing.yaml'], dir);
    expect(result.findings.map((f) => `${f.path}:${f.line}:${f.col}: ${f.message}`)).toEqual([
      'huge.yaml:1:1: document is 300 KiB; motcua documents are limited to 256 KiB: split it or remove what is not needed',
      'missing.yaml:1:1: no such file or folder; check the path',
    ]);
  });

  it('reports an unknown document kind at its value', async () => {
    write('x.yaml', 'kind: recipe\nname: phở\n');
    const result = await checkPaths(['x.yaml'], dir);
    expect(result.findings).toEqual([expect.objectContaining({ line: 1, col: 7, message: expect.stringMatching(/^unknown document kind; use one of: procedure, calendar, units/) })]);
  });

  it('dispatches calendars to a registered checker, and only YAML problems without one', async () => {
    write('calendars/2026.yaml', 'year: 2026\nholidays: []\n');
    write('calendars/2027.yaml', 'year: &y 2027\n');
    const before = await checkPaths(['calendars'], dir);
    expect(before.findings.map((f) => `${f.path}:${f.line}:${f.col}`)).toEqual(['calendars/2027.yaml:1:7']);
    registerDocumentChecker('calendar', (doc, path) => [{ path, ...doc.locate(['year'], 'value'), severity: 'warning', message: 'checked as a calendar' }]);
    const after = await checkPaths(['calendars/2026.yaml'], dir);
    expect(after.findings).toEqual([{ path: 'calendars/2026.yaml', line: 1, col: 7, severity: 'warning', message: 'checked as a calendar' }]);
    expect(after.procedures).toEqual([]);
  });
});
