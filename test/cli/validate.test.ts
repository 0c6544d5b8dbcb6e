import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = 'test/fixtures/definitions';

function capture(cwd: string): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', cwd, env: {}, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

async function validate(args: string[], cwd = repo): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture(cwd);
  const code = await main(['validate', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'motcua-validate-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('motcua validate', () => {
  it('reports the five planted mistakes, one per line with line:col, and exits 1', async () => {
    const file = `${fixtures}/invalid/five-mistakes.yaml`;
    const { code, stdout, stderr } = await validate([file]);
    expect(code).toBe(1);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      `${file}:25:5: error: duplicate key 'title' (first written on line 23); each key may appear once: remove or merge one of them`,
      `${file}:27:71: error: guard 'data.checked = true' does not parse: Unexpected character: =; compare with \`==\``,
      `${file}:28:23: error: state 'aproval' does not exist; did you mean 'approval'?`,
      `${file}:32:41: error: role 'leadr' is not declared in \`roles:\`; did you mean 'leader'?`,
      `${file}:34:3: error: state 'archived' can never be reached from the initial state 'received': no transition leads to it; add one or remove the state`,
    ]);
    expect(stderr).toBe('5 errors, 0 warnings in 1 file\n');
  });

  it('exits 0 on valid files and folders', async () => {
    const { code, stdout, stderr } = await validate([`${fixtures}/valid`]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe('0 errors, 0 warnings in 2 files\n');
  });

  it('counts scenario files in the summary and says their steps are not replayed', async () => {
    copyFileSync(join(repo, fixtures, 'valid/tam-tru.yaml'), join(dir, 'tam-tru.yaml'));
    // ACCEPTX is no event of the procedure: only a replay would notice, and validate does not replay.
    writeFileSync(
      join(dir, 'tam-tru.scenarios.yaml'),
      'procedure: dang-ky-tam-tru\ndata: { full_name: An, address: Hà Tĩnh }\nscenarios:\n  - name: tiếp nhận\n    steps:\n      - { send: ACCEPTX, as: receiver, expect: processing }\n',
    );
    expect(await validate(['.'], dir)).toEqual({
      code: 0,
      stdout: '',
      stderr: '0 errors, 0 warnings in 2 files (1 scenario file among them: shape checked, steps not replayed)\n',
    });
    // Its shape is checked: an unknown key is an error.
    writeFileSync(join(dir, 'tam-tru.scenarios.yaml'), 'procedure: dang-ky-tam-tru\nscenarioz: []\n');
    const bad = await validate(['--json', '.'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/"path": "tam-tru\.scenarios\.yaml"/);
    expect(JSON.parse(bad.stdout)).toMatchObject({ files: 2, scenarioFiles: 1 });
    expect(bad.stderr).toBe('2 errors, 0 warnings in 2 files (1 scenario file among them: shape checked, steps not replayed)\n');
  });

  it('says how many of the shipped files are scenario files', async () => {
    const { code, stderr } = await validate([]);
    const shipped = readdirSync(join(repo, 'procedures')).filter((f) => /\.ya?ml$/.test(f));
    const scenarios = shipped.filter((f) => f.endsWith('.scenarios.yaml')).length;
    expect(code).toBe(0);
    expect(scenarios).toBeGreaterThan(1);
    expect(stderr).toBe(`0 errors, 0 warnings in ${shipped.length} files (${scenarios} scenario files among them: shape checked, steps not replayed)\n`);
  });

  it('exits 0 with warnings only, and prints them', async () => {
    writeFileSync(join(dir, 'p.yaml'), (await import('node:fs')).readFileSync(join(repo, fixtures, 'valid/tam-tru.yaml'), 'utf8').replace('starts_clock: true', 'starts_clock: false'));
    const { code, stdout, stderr } = await validate(['p.yaml'], dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^p\.yaml:21:1: warning: no transition has `starts_clock: true`/);
    expect(stderr).toBe('0 errors, 1 warning in 1 file\n');
  });

  it('checks procedures/ under the working folder by default', async () => {
    mkdirSync(join(dir, 'procedures'));
    copyFileSync(join(repo, fixtures, 'valid/tam-tru.yaml'), join(dir, 'procedures/tam-tru.yaml'));
    expect(await validate([], dir)).toEqual({ code: 0, stdout: '', stderr: '0 errors, 0 warnings in 1 file\n' });
  });

  it('is a usage error (exit 2) when the default folder is missing', async () => {
    const { code, stderr } = await validate([], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^motcua validate: 'procedures\/' does not exist; run this in the project folder or pass the files or folders to check\nusage: motcua validate/);
  });

  it('is a usage error (exit 2) for a path that does not exist or an unknown option', async () => {
    expect((await validate(['nowhere.yaml'])).code).toBe(2);
    const bad = await validate(['--strict', `${fixtures}/valid`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^motcua validate: unknown option '--strict'\nusage:/);
  });

  it('prints findings as JSON with --json', async () => {
    const { code, stdout } = await validate(['--json', `${fixtures}/invalid/five-mistakes.yaml`]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { files: number; errors: number; warnings: number; findings: { line: number; col: number; severity: string }[] };
    expect(report).toMatchObject({ files: 1, errors: 5, warnings: 0 });
    expect(report.findings[0]).toEqual({ path: `${fixtures}/invalid/five-mistakes.yaml`, line: 25, col: 5, severity: 'error', message: expect.any(String) });
  });

  it('refuses a billion-laughs file with a message, no crash and no stack trace', async () => {
    const file = `${fixtures}/invalid/billion-laughs.yaml`;
    const { code, stdout, stderr } = await validate([file]);
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe(`${file}:2:4: error: YAML anchors (&a) are not allowed in motcua documents; write the value out in full`);
    expect(stdout + stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a 10 MB file with a message', async () => {
    writeFileSync(join(dir, 'big.yaml'), `id: big\ntitle: "${'x'.repeat(10 * 1024 * 1024)}"\n`);
    const { code, stdout, stderr } = await validate(['big.yaml'], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('big.yaml:1:1: error: document is 10.0 MiB; motcua documents are limited to 256 KiB: split it or remove what is not needed\n');
    expect(stderr).toBe('1 error, 0 warnings in 1 file\n');
  });

  it('answers garbage and binary input with findings, never a crash', async () => {
    writeFileSync(join(dir, 'a.yaml'), '\u0000\u0001{{{[[[: : :');
    writeFileSync(join(dir, 'b.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0x61]));
    writeFileSync(join(dir, 'c.yaml'), '');
    const { code, stdout } = await validate(['a.yaml', 'b.yaml', 'c.yaml'], dir);
    expect(code).toBe(1);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.some((l) => l.startsWith('a.yaml:1:'))).toBe(true);
    expect(lines).toContain('b.yaml:1:1: error: document is not valid UTF-8 text; save it as UTF-8');
    expect(lines).toContain('c.yaml:1:1: error: the document is empty; a procedure starts with id:, version:, title:, … (see docs/procedure-language.md)');
  });
});
