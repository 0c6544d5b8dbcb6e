/**
 * `motcua serve`'s setting for tests and demos: a MOTCUA_CLOCK_START that is not an instant
 * stops the start with a message naming the variable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const root = mkdtempSync(join(tmpdir(), 'motcua-serve-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function serve(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = { stdout: '', stderr: '', cwd: process.cwd(), env, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  const code = await main(['serve'], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('motcua serve: MOTCUA_CLOCK_START', () => {
  it.each(['2026-03-02', '2026-03-02 09:00', '2026-03-02T09:00:00', 'next monday', '2026-02-30T02:00:00Z'])('refuses %j, naming the variable and showing a valid value', async (value) => {
    // No configuration folder: were the value let through, the start would still stop (on the
    // missing units.yaml, with another message) instead of serving until the test times out.
    const run = await serve({ MOTCUA_DATA_DIR: join(root, 'data'), MOTCUA_CONFIG_DIR: join(root, 'no-config'), MOTCUA_CLOCK_START: value });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('MOTCUA_CLOCK_START must be an instant with its offset, e.g. 2026-03-02T02:00:00Z');
    expect(run.stdout).not.toContain('motcua serving');
  });
});
