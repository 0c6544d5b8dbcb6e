import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/storage/index.js';

const child = fileURLToPath(new URL('./fixtures/open-store-child.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Children still running; each test kills what it left (a child that hangs must not outlive it). */
const running = new Set<ChildProcess>();

function startChild(dataDir: string, mode: 'try' | 'hold'): { proc: ChildProcess; firstLine: Promise<string> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, mode], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before printing a line: ${out}`)));
  });
  return { proc, firstLine };
}

async function tryOpenInChild(dataDir: string): Promise<{ ok: boolean; code?: string; message?: string }> {
  const { firstLine } = startChild(dataDir, 'try');
  return JSON.parse(await firstLine) as { ok: boolean; code?: string; message?: string };
}

describe('one writer process per SQLite data folder', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const proc of running) proc.kill('SIGKILL');
    for (const undo of cleanups.splice(0).reverse()) await undo();
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-writer-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  it('refuses a second process while the first holds the folder, with a message naming what to do', async () => {
    const dataDir = tempDir();
    const first: Store = await openStore({ dataDir });
    cleanups.push(() => first.close());
    const refused = await tryOpenInChild(dataDir);
    expect(refused.ok).toBe(false);
    expect(refused.code).toBe('unavailable');
    expect(refused.message).toContain(`another motcua process (pid ${process.pid}) is already using the data folder ${dataDir}`);
    expect(refused.message).toMatch(/stop it first/);
    // The same process cannot open a second writer on the folder either.
    await expect(openStore({ dataDir })).rejects.toMatchObject({ code: 'unavailable' });

    await first.close();
    expect(await tryOpenInChild(dataDir)).toEqual({ ok: true });
  });

  it('a writer killed with SIGKILL leaves no stale lock: the folder reopens at once, with what it acknowledged', async () => {
    const dataDir = tempDir();
    const { proc, firstLine } = startChild(dataDir, 'hold');
    expect(await firstLine).toBe('ready');
    await expect(openStore({ dataDir })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining(`pid ${proc.pid}`) });

    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
    const next = await openStore({ dataDir });
    cleanups.push(() => next.close());
    const held = await next.read((tx) => tx.db.selectFrom('units').select('id').execute());
    expect(held).toEqual([{ id: 'held' }]);
  });
});
