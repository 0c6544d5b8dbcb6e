/**
 * `npm run bench:audit-verify`: how long `motcua audit verify` takes over a large export, and
 * how much memory it needs (the issue asks ≤ 10 s and ≤ 200 MB peak RSS for 1,000,000 entries).
 *
 * The parent writes a genuine export (ENTRIES entries, a signed checkpoint every 1,000) to a
 * temporary file, then verifies it in a fresh child process so that the peak RSS reported is
 * the verifier's own, not the generator's. The child reads the file exactly as the CLI does
 * (splitLines over a read stream). Usage: tsx bench/audit-verify.ts [entries]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateSigningKey, publicKeyPem, splitLines, verifyExport } from '../src/audit/index.js';
import { exportLines } from '../test/audit/export-builder.js';

type ChildResult = { ms: number; cpuMs: number; baselineRssMb: number; peakRssMb: number; ok: boolean; entries: number; checkpoints: number };

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function child(file: string, keyPem: string): Promise<void> {
  const baseline = process.memoryUsage().rss;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await verifyExport(splitLines(createReadStream(file, { highWaterMark: 1024 * 1024 })), { publicKeys: [keyPem] });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  // resourceUsage().maxRSS is in kilobytes: the peak over the process's whole life.
  const result: ChildResult = {
    ms: Math.round(ms),
    cpuMs: Math.round((used.user + used.system) / 1000),
    baselineRssMb: mb(baseline),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    ok: report.ok,
    entries: report.entriesChecked,
    checkpoints: report.checkpointsValid,
  };
  process.send?.(result);
}

async function generate(file: string, entries: number): Promise<string> {
  const key = generateSigningKey();
  const out = createWriteStream(file, { encoding: 'utf8' });
  let batch: string[] = [];
  for (const line of exportLines({ entries, checkpointEvery: 1000, key })) {
    batch.push(line);
    if (batch.length === 2000) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      batch = [];
    }
  }
  out.end(batch.length > 0 ? `${batch.join('\n')}\n` : '');
  await once(out, 'finish');
  return publicKeyPem(key);
}

async function parent(entries: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-audit-'));
  const file = join(dir, 'export.jsonl');
  try {
    const t0 = performance.now();
    const keyPem = await generate(file, entries);
    writeFileSync(join(dir, 'key.pem'), keyPem);
    console.log(`generated ${entries.toLocaleString('en')} entries (${mb(statSync(file).size)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const worker = fork(fileURLToPath(import.meta.url), ['--verify', file, join(dir, 'key.pem')], { stdio: 'inherit' });
    const [result] = (await once(worker, 'message')) as [ChildResult];
    await once(worker, 'exit');
    console.log(`verifyExport: ${result.entries.toLocaleString('en')} entries, ${result.checkpoints} checkpoints, ok=${result.ok}`);
    console.log(`  time: ${(result.ms / 1000).toFixed(2)} s (aim ≤ 10 s), ${((result.ms * 1000) / result.entries).toFixed(2)} µs per entry`);
    // CPU time is the figure to compare across runs on a busy machine; wall time includes waiting.
    console.log(`  CPU time: ${(result.cpuMs / 1000).toFixed(2)} s; machine load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs`);
    console.log(`  peak RSS: ${result.peakRssMb} MB (aim ≤ 200 MB); RSS before verifying: ${result.baselineRssMb} MB`);
    if (!result.ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--verify') {
  const { readFileSync } = await import('node:fs');
  await child(args[1] as string, readFileSync(args[2] as string, 'utf8'));
} else {
  await parent(Number(args[0] ?? 1_000_000));
}
