import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { migrationNames, openStore } from '../../src/storage/index.js';

function captureIO(cwd: string): CliIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    cwd,
    env: {},
    stdout: () => out,
    stderr: () => err,
  };
}

describe('motcua migrate', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'motcua-migrate-'));
    dirs.push(d);
    return d;
  };

  it('applies every migration once, then reports the schema up to date', async () => {
    const cwd = tempDir();
    const first = captureIO(cwd);
    expect(await main(['migrate'], first)).toBe(0);
    for (const name of migrationNames) expect(first.stdout()).toContain(`applied ${name}`);
    expect(first.stdout()).toContain(join(cwd, 'data', 'motcua.db'));

    const again = captureIO(cwd);
    expect(await main(['migrate'], again)).toBe(0);
    expect(again.stdout()).toMatch(/schema is up to date/);

    const status = captureIO(cwd);
    expect(await main(['migrate', '--status'], status)).toBe(0);
    expect(status.stdout().trim().split('\n')).toHaveLength(migrationNames.length);
    expect(status.stdout()).not.toMatch(/pending/);
  });

  it('refuses, exit 1, while a server holds the SQLite data folder', async () => {
    const dataDir = tempDir();
    const server = await openStore({ dataDir });
    try {
      const io = captureIO(dataDir);
      expect(await main(['migrate', '--data-dir', dataDir], io)).toBe(1);
      expect(io.stderr()).toMatch(/another motcua process .* is already using the data folder/);
    } finally {
      await server.close();
    }
  });

  it('rejects unknown flags as a usage error', async () => {
    const io = captureIO(tempDir());
    expect(await main(['migrate', '--force'], io)).toBe(2);
    expect(io.stderr()).toMatch(/usage: motcua migrate/);
  });
});
