/**
 * `npm run bench:audit`: what the audit log costs.
 *
 * 1. The audit append as a share of one transition. A transition (ACCEPT through the case
 *    service: load, engine step, case row, transition record, timers, audit entry, commit) is
 *    timed end to end; `appendAudit` alone is timed inside transactions of its own on the same
 *    database (head read under the audit lock, canonical JSON, two hashes, one insert). No
 *    production switch turns auditing off: the share is appendAudit's time over the transition's.
 *    Shares are given against the whole transition (what a user waits for, fsync included) and
 *    against the transition's work inside its transaction, one at a time and with 64 in flight
 *    (group commit). On SQLite always; on PostgreSQL too when DATABASE_URL is set.
 * 2. A log of --log entries (default 100,000) on SQLite: the first checkpoint (every leaf
 *    hashed), the next one (from the stored frontier), an inclusion proof, the JSON Lines export
 *    and the server-side verification.
 * 3. `motcua audit verify` over --verify entries (default 1,000,000): bench/audit-verify.ts in a
 *    child process, so its peak memory is its own.
 *
 *   npx tsx bench/audit.ts [--transitions 1000] [--log 100000] [--verify 1000000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { AuditEntryDraft } from '../src/audit/index.js';
import { verifyExport } from '../src/audit/index.js';
import type { Actor } from '../src/auth/policy.js';
import { createMotcua, type Motcua } from '../src/server/motcua.js';
import { appendAudit } from '../src/service/audit-append.js';
import { createCheckpointer } from '../src/service/audit-checkpoints.js';
import { exportJsonLines } from '../src/service/audit-export.js';
import { createProofSource } from '../src/service/audit-proofs.js';
import { sendEventCommand } from '../src/service/case-commands.js';
import { TAM_TRU_DATA } from '../test/http/cases-fixture.js';
import { createTestDatabase } from '../test/support/postgres.js';

const { values: args } = parseArgs({
  options: {
    transitions: { type: 'string', default: '1000' },
    log: { type: 'string', default: '100000' },
    verify: { type: 'string', default: '1000000' },
  },
});
const N = Number(args.transitions);
const LOG = Number(args.log);
const VERIFY = Number(args.verify);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** A transition-shaped entry, as the case service writes one. */
function draftFor(i: number): AuditEntryDraft {
  return {
    time: new Date(Date.UTC(2026, 2, 2, 2) + i * 1000).toISOString(),
    actor: { id: 'u_receiver0001', role: 'receiver' },
    unit: 'thanh-sen',
    case_id: `c${String(i).padStart(21, '0')}`,
    procedure: 'dang-ky-tam-tru@1',
    event: 'ACCEPT',
    from: ['received'],
    to: ['processing'],
    reason: null,
    request_id: `0b6f7a3c-${String(i).padStart(4, '0').slice(-4)}-4c1d-9e2f-6a7b8c9d0e1f`,
    input_digest: null,
    kind: 'case.transition',
  };
}

async function build(kind: 'sqlite' | 'postgres'): Promise<{ m: Motcua; actor: Actor; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-bench-audit-'));
  const database = kind === 'postgres' ? await createTestDatabase() : undefined;
  const m = await createMotcua({ dataDir, databaseUrl: database?.url, proceduresDir: 'procedures', configDir: 'config' });
  const made = await m.users.create(null, { name: 'Bench', unit: 'thanh-sen', roles: ['receiver', 'processor', 'leader'] }, { requestId: 'bench' });
  const actor = (await m.users.authenticate(made.token))!;
  return {
    m,
    actor,
    cleanup: async () => {
      await m.close();
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

async function openCases(m: Motcua, actor: Actor, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 64) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(64, n - i) }, (_, j) =>
        m.cases.open(actor, { procedure: 'dang-ky-tam-tru', unit: 'thanh-sen', applicant: { name: 'x' }, data: { ...TAM_TRU_DATA }, channel: 1 }, { requestId: `o${i + j}` }),
      ),
    );
    ids.push(...batch.map((r) => (r.body as { id: string }).id));
  }
  return ids;
}

async function appendShare(kind: 'sqlite' | 'postgres'): Promise<void> {
  const { m, actor, cleanup } = await build(kind);
  try {
    const ids = await openCases(m, actor, 4 * N);
    const [seqIds, concIds, txIds] = [ids.slice(0, N), ids.slice(N, 2 * N), ids.slice(2 * N, 3 * N)];

    // Whole transitions, one at a time: what an officer waits for.
    const wall: number[] = [];
    for (const [i, id] of seqIds.entries()) {
      const t0 = performance.now();
      await m.cases.send(actor, id, { type: 'ACCEPT' }, { requestId: `s${i}` });
      wall.push(performance.now() - t0);
    }
    // The transition's work inside its transaction (the same command the service runs).
    const inTx: number[] = [];
    for (const [i, id] of txIds.entries()) {
      await m.store.write(async (tx) => {
        const t0 = performance.now();
        await sendEventCommand(tx, m.deps, actor, id, { type: 'ACCEPT' }, { requestId: `t${i}` });
        inTx.push(performance.now() - t0);
      });
    }
    // Many in flight: group commit shares one fsync among a batch.
    const c0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < concIds.length) {
          const id = concIds[next++]!;
          await m.cases.send(actor, id, { type: 'ACCEPT' }, { requestId: `c${next}` });
        }
      }),
    );
    const concurrentPer = (performance.now() - c0) / concIds.length;

    // appendAudit alone, inside a transaction of its own, on the same (now larger) log.
    const append: number[] = [];
    const appendWall: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      await m.store.write(async (tx) => {
        const a0 = performance.now();
        await appendAudit(tx, draftFor(i));
        append.push(performance.now() - a0);
      });
      appendWall.push(performance.now() - t0);
    }

    const a = mean(append);
    console.log(`\n[${kind}] audit append vs one transition (${N} each; means, medians in brackets)`);
    console.log(`  transition, end to end, one at a time:   ${us(mean(wall))} [${us(median(wall))}]`);
    console.log(`  transition work inside its transaction:  ${us(mean(inTx))} [${us(median(inTx))}]`);
    console.log(`  transition at 64 in flight (wall / n):   ${us(concurrentPer)} (${(1000 / concurrentPer).toFixed(0)} per second)`);
    console.log(`  appendAudit inside a transaction:        ${us(a)} [${us(median(append))}]   (its own commit: ${us(mean(appendWall) - a)})`);
    console.log(`  share of a transition, end to end:       ${pct(a, mean(wall))}   (aim ≤ 15%)`);
    console.log(`  share at 64 in flight:                   ${pct(a, concurrentPer)}`);
    console.log(`  share of the in-transaction work:        ${pct(a, mean(inTx))}`);
  } finally {
    await cleanup();
  }
}

async function largeLog(): Promise<void> {
  const { m, cleanup } = await build('sqlite');
  try {
    const t0 = performance.now();
    for (let i = 0; i < LOG; i += 1000) {
      await m.store.write(async (tx) => {
        for (let j = i; j < Math.min(LOG, i + 1000); j++) await appendAudit(tx, draftFor(j));
      });
    }
    console.log(`\n[sqlite] a log of ${LOG.toLocaleString('en')} entries (written in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const policy = { every: 1000, intervalMs: 600_000 };
    let t = performance.now();
    const first = await createCheckpointer(m.deps, m.audit.key, policy).checkpointNow();
    console.log(`  first checkpoint (hashes all ${first?.size} leaves, a page per read): ${(performance.now() - t).toFixed(0)} ms`);
    for (let j = 0; j < 1000; j++) await m.store.write((tx) => appendAudit(tx, draftFor(LOG + j)));
    t = performance.now();
    // A fresh checkpointer, as after a restart: it resumes from the stored frontier.
    const second = await createCheckpointer(m.deps, m.audit.key, policy).checkpointNow();
    console.log(`  next checkpoint, 1,000 entries later, from the stored frontier: ${(performance.now() - t).toFixed(1)} ms (size ${second?.size})`);
    const proofs = createProofSource(m.store);
    t = performance.now();
    await proofs.inclusion(Math.floor(LOG / 3), second!.size);
    const cold = performance.now() - t;
    t = performance.now();
    await proofs.inclusion(Math.floor(LOG / 2), second!.size);
    console.log(`  inclusion proof: ${cold.toFixed(0)} ms cold (block roots computed), ${(performance.now() - t).toFixed(1)} ms warm`);

    const range = { fromSeq: 1, toSeq: second!.size };
    const rss0 = process.memoryUsage().rss;
    let bytes = 0;
    let peak = rss0;
    t = performance.now();
    let lines = 0;
    for await (const line of exportJsonLines(m.store, m.audit.key.origin, range)) {
      bytes += Buffer.byteLength(line) + 1;
      if (++lines % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const ms = performance.now() - t;
    console.log(`  JSON Lines export: ${mb(bytes)} in ${(ms / 1000).toFixed(2)} s (${((range.toSeq / ms) * 1000).toFixed(0)} entries/s); RSS ${mb(rss0)} before, ${mb(peak)} at most during`);
    t = performance.now();
    const report = await verifyExport(exportJsonLines(m.store, m.audit.key.origin, range), { publicKeys: [m.audit.key.publicPem] });
    console.log(`  server-side verification (GET /api/v1/audit/verify): ${((performance.now() - t) / 1000).toFixed(2)} s, ok=${report.ok}, ${report.entriesChecked} entries`);
  } finally {
    await cleanup();
  }
}

await appendShare('sqlite');
if (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')) await appendShare('postgres');
else console.log('\n(set DATABASE_URL to measure PostgreSQL too)');
if (LOG > 0) await largeLog();
if (VERIFY > 0) {
  console.log(`\n\`motcua audit verify\` over ${VERIFY.toLocaleString('en')} entries (bench/audit-verify.ts):`);
  const r = spawnSync(process.execPath, [...process.execArgv, join('bench', 'audit-verify.ts'), String(VERIFY)], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
