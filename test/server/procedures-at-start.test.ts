/**
 * Loading procedures at start: the database keeps every published version; the procedures
 * folder adds new versions. A restart checks each stored version once and skips folder files
 * that are byte for byte a stored version; a changed file under an old version number is
 * refused with a warning, and the stored version stays in force.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMotcua } from '../../src/server/motcua.js';

const root = mkdtempSync(join(tmpdir(), 'motcua-start-'));
const dataDir = join(root, 'data');
const proceduresDir = join(root, 'procedures');
afterAll(() => rmSync(root, { recursive: true, force: true }));

mkdirSync(proceduresDir);
for (const f of ['dang-ky-tam-tru.yaml', 'khai-bao-tam-vang.yaml']) copyFileSync(join('procedures', f), join(proceduresDir, f));

/** Starts and stops motcua; what it logged and the source it serves for `id`. */
async function start(id = 'khai-bao-tam-vang'): Promise<{ logs: string[]; versions: number[]; source: string }> {
  const logs: string[] = [];
  const m = await createMotcua({ dataDir, proceduresDir, configDir: 'config', log: (line) => logs.push(line) });
  try {
    const versions = m.deps.registry.versions(id).map((r) => r.definition.version);
    return { logs, versions, source: m.deps.registry.versions(id)[0]!.source };
  } finally {
    await m.close();
  }
}

const summary = (logs: string[]) => logs.find((l) => l.startsWith('procedures: '));

describe('procedures at start', () => {
  it('publishes the folder on the first start', async () => {
    const first = await start();
    expect(summary(first.logs)).toBe(`procedures: 0 version(s) in the database, 2 new from ${proceduresDir} (0 file(s) already published, not checked again)`);
  });

  it('does not check unchanged folder files again on a restart', async () => {
    const again = await start();
    expect(summary(again.logs)).toBe(`procedures: 2 version(s) in the database, 0 new from ${proceduresDir} (2 file(s) already published, not checked again)`);
    expect(again.versions).toEqual([1]);
  });

  it('refuses a changed file that keeps its version number, and keeps serving the stored version', async () => {
    const file = join(proceduresDir, 'khai-bao-tam-vang.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace(/^title: (.*)$/m, 'title: $1 (sửa)'));
    const changed = await start();
    expect(changed.logs.some((l) => l.startsWith('warning: ') && l.includes('khai-bao-tam-vang@1 differs from the published version'))).toBe(true);
    expect(summary(changed.logs)).toContain('0 new');
    expect(changed.source).toBe(original);
  });

  it('publishes the change once its version is raised', async () => {
    const file = join(proceduresDir, 'khai-bao-tam-vang.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^version: 1$/m, 'version: 2'));
    const raised = await start();
    expect(summary(raised.logs)).toContain('1 new');
    expect(raised.versions.sort()).toEqual([1, 2]);
  });
});
