/**
 * Helpers of the audit-log tests: run the real `motcua audit verify` on files, and take an
 * export through the API (checked for personal data on the way).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseCheckpoint, parseExportLine } from '../../src/audit/index.js';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { MotcuaContext } from '../http/cases-fixture.js';
import { checkedExport } from './personal-data.js';

/** Runs `motcua audit verify` in `dir` with `args`; returns the exit code and what it printed. */
export async function runVerify(dir: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: dir, env: {} };
  const code = await main(['audit', 'verify', ...args], io);
  return { code, out, err };
}

/** Writes the files and verifies `exportText` with the CLI, pinning `pinned` when given. */
export async function verifyFiles(dir: string, name: string, exportText: string, keys: string[], pinned?: string): Promise<{ code: number; out: string; err: string }> {
  writeFileSync(join(dir, `${name}.jsonl`), exportText);
  const args = ['--export', `${name}.jsonl`];
  keys.forEach((pem, i) => {
    writeFileSync(join(dir, `${name}-key${i}.pem`), pem);
    args.push('--public-key', `${name}-key${i}.pem`);
  });
  if (pinned !== undefined) {
    writeFileSync(join(dir, `${name}-pinned.txt`), pinned);
    args.push('--checkpoint', `${name}-pinned.txt`);
  }
  return runVerify(dir, args);
}

/** GET /api/v1/audit/export as the auditor; the text, saved and checked for personal data. */
export async function exportVia(t: MotcuaContext, name: string, query = ''): Promise<string> {
  const r = await t.call('auditor', 'GET', `/api/v1/audit/export${query}`);
  expect(r.status).toBe(200);
  const text = typeof r.body === 'string' ? r.body : `${JSON.stringify(r.body)}\n`;
  checkedExport(`${t.kind}-${name}`, text);
  return text;
}

/** The lines of an export, taken apart. */
export function exportParts(text: string) {
  const lines = text.split('\n').filter((l) => l !== '');
  const parsed = lines.map(parseExportLine);
  const entries = parsed.flatMap((p) => (p.type === 'entry' ? [p] : []));
  const checkpoints = parsed.flatMap((p) => {
    if (p.type !== 'checkpoint') return [];
    const cp = parseCheckpoint(p.note);
    if (!cp.ok) throw new Error(cp.problem);
    return [{ note: p.note, size: cp.checkpoint.size, root: Buffer.from(cp.checkpoint.root) }];
  });
  return { lines, parsed, entries, checkpoints, last: parsed[parsed.length - 1] };
}
