import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkProcedureSource, createRegistry, type ProcedureDefinition } from '../../src/definitions/index.js';
import { isMotcuaError } from '../../src/errors/index.js';
import { fixtureSource } from '../engine/fixtures.js';

/** The one-stop fixture as another version, in force from another date. */
function versionSource(version: number, effectiveFrom: string, title = 'Thủ tục thử nghiệm một cửa'): string {
  return fixtureSource('one-stop')
    .replace(/^version: 1$/m, `version: ${version}`)
    .replace(/^effective_from: .*$/m, `effective_from: ${effectiveFrom}`)
    .replace(/^title: .*$/m, `title: ${title}`);
}

function parsed(source: string): ProcedureDefinition {
  const checked = checkProcedureSource(source, 'x.yaml');
  if (checked.definition === null) throw new Error(JSON.stringify(checked.findings));
  return checked.definition;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('registry', () => {
  it('holds several versions of one id and answers the version in force on a date', () => {
    const registry = createRegistry();
    registry.add(parsed(versionSource(1, '2025-07-01')), versionSource(1, '2025-07-01'));
    registry.add(parsed(versionSource(3, '2026-07-01')), versionSource(3, '2026-07-01'));
    registry.add(parsed(versionSource(2, '2026-01-01', 'Bản 2')), versionSource(2, '2026-01-01', 'Bản 2'));
    expect(registry.versions('engine-one-stop').map((e) => e.definition.version)).toEqual([1, 2, 3]);
    expect(registry.inForce('engine-one-stop', '2025-07-01').definition.version).toBe(1);
    expect(registry.inForce('engine-one-stop', '2025-12-31').definition.version).toBe(1);
    expect(registry.inForce('engine-one-stop', '2026-01-01').definition.version).toBe(2);
    expect(registry.inForce('engine-one-stop', '2030-01-01').definition.version).toBe(3);
    expect(registry.get('engine-one-stop', 2).definition.title).toBe('Bản 2');
    expect(registry.list('2026-02-01')).toEqual([
      {
        id: 'engine-one-stop',
        title: 'Bản 2',
        code: '9.000001',
        versions: [
          { version: 1, effective_from: '2025-07-01' },
          { version: 2, effective_from: '2026-01-01' },
          { version: 3, effective_from: '2026-07-01' },
        ],
        in_force_version: 2,
      },
    ]);
  });

  it('says when no version is in force yet, and suggests a close id for an unknown one', () => {
    const registry = createRegistry();
    registry.add(parsed(versionSource(1, '2025-07-01')), versionSource(1, '2025-07-01'));
    const early = caught(() => registry.inForce('engine-one-stop', '2025-06-30'));
    expect(isMotcuaError(early, 'procedureNotFound')).toBe(true);
    expect((early as Error).message).toContain('takes effect on 2025-07-01');
    const typo = caught(() => registry.inForce('engine-one-stp', '2025-07-01'));
    expect(isMotcuaError(typo, 'procedureNotFound')).toBe(true);
    expect((typo as Error).message).toContain("did you mean 'engine-one-stop'?");
    expect(isMotcuaError(caught(() => registry.get('engine-one-stop', 9)), 'versionNotFound')).toBe(true);
    expect(registry.find('engine-one-stop', 9)).toBeUndefined();
    expect(registry.list('2025-01-01')[0]?.in_force_version).toBeNull();
  });

  it('never lets a published version change', () => {
    const registry = createRegistry();
    const source = versionSource(1, '2025-07-01');
    const first = registry.add(parsed(source), source);
    expect(registry.add(parsed(source), source)).toBe(first);
    const edited = versionSource(1, '2025-07-01', 'Sửa tại chỗ');
    const e = caught(() => registry.add(parsed(edited), edited));
    expect(isMotcuaError(e, 'alreadyExists')).toBe(true);
    expect((e as Error).message).toBe('procedure engine-one-stop version 1 is already published; publish a new version instead');
    expect(registry.get('engine-one-stop', 1).definition.title).toBe('Thủ tục thử nghiệm một cửa');
    expect(() => {
      (registry.get('engine-one-stop', 1).definition as { title: string }).title = 'x';
    }).toThrow(TypeError);
  });
});

describe('registry.loadFolder', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('loads every valid procedure and never one with errors, returning its findings', async () => {
    dir = mkdtempSync(join(tmpdir(), 'motcua-registry-'));
    writeFileSync(join(dir, 'v1.yaml'), versionSource(1, '2025-07-01'));
    writeFileSync(join(dir, 'v2.yaml'), versionSource(2, '2026-01-01'));
    writeFileSync(join(dir, 'broken.yaml'), versionSource(3, '2026-07-01').replace('to: approval, roles: [leader]', 'to: aproval, roles: [leader]'));
    const registry = createRegistry();
    const { loaded, findings } = await registry.loadFolder(dir);
    expect(loaded.map((e) => e.definition.version).sort()).toEqual([1, 2]);
    expect(registry.versions('engine-one-stop').map((e) => e.definition.version)).toEqual([1, 2]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', message: expect.stringContaining("did you mean 'approval'?") });
    expect(findings[0]?.path).toMatch(/broken\.yaml$/);
  });

  it('reports an edited published version as a finding instead of loading it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'motcua-registry-'));
    const registry = createRegistry();
    registry.add(parsed(versionSource(1, '2025-07-01')), versionSource(1, '2025-07-01'));
    writeFileSync(join(dir, 'v1.yaml'), versionSource(1, '2025-07-01', 'Sửa tại chỗ'));
    const { loaded, findings } = await registry.loadFolder(dir);
    expect(loaded).toEqual([]);
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('publish a new version instead') })]);
    expect(registry.get('engine-one-stop', 1).definition.title).toBe('Thủ tục thử nghiệm một cửa');
  });
});
