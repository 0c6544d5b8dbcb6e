/**
 * The scorecard over many cases: 100 communes, 100,000 → 300,000 → 1,000,000 synthetic cases
 * received over 2026 on SQLite, scored for the whole year (every case in the period: the
 * worst case for the one SQL pass). Rows are inserted with the driver directly in one
 * transaction after motcua migrated the data folder and synced the units; the report then goes
 * through the real report service (SQL counters + pure scoring), exactly as the API runs it.
 *
 *   npx tsx bench/reports.ts [--sizes 100000,300000,1000000] [--runs 3] [--dir bench/out/reports]
 *
 * Prints one line per size and a JSON summary: wall time, the process's CPU time (all threads:
 * the SQL runs on the long-read thread, see src/storage/long-reads.ts, so CPU time is the work
 * done whatever else the machine is running) and the longest the event loop was held (what a
 * request arriving meanwhile would wait), median of the runs, in ms; side by side, the same
 * report with its reads on the serving thread; then one month at the largest size.
 * The data folder is removed at the end unless --keep.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { Actor } from '../src/auth/policy.js';
import { createWorkingCalendar, loadCalendar, type WorkingCalendar } from '../src/calendar/index.js';
import { createMotcua, type Motcua } from '../src/server/motcua.js';
import { createReportService, loadScorecardConfig, type ReportService } from '../src/service/report-service.js';
import { sqliteFileName, type Store } from '../src/storage/index.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,300000,1000000' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string', default: 'bench/out/reports' },
    keep: { type: 'boolean', default: false },
  },
});
const sizes = args.sizes.split(',').map(Number);
const runs = Number(args.runs);
const baseDir = resolve(args.dir);
const COMMUNES = 100;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** A small deterministic generator (mulberry32), so every run scores the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A config folder like config/, with a province of 100 communes. */
function writeConfig(dir: string): void {
  mkdirSync(join(dir, 'calendars'), { recursive: true });
  copyFileSync('config/calendars/vn.yaml', join(dir, 'calendars', 'vn.yaml'));
  copyFileSync('config/scorecard.yaml', join(dir, 'scorecard.yaml'));
  const communes = Array.from({ length: COMMUNES }, (_, i) => `      - { id: xa-${i}, name: "Công an xã ${i}", level: commune, code: "BT.X${i}" }`);
  writeFileSync(join(dir, 'units.yaml'), ['units:', '  - id: bench-tinh', '    name: Công an tỉnh', '    level: province', '    code: BT', '    children:', ...communes, ''].join('\n'));
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR_START = Date.parse('2026-01-02T01:00:00.000Z');

/** Adds cases `from`..`to`−1 (and their ratings and complaint links) straight into the SQLite file. */
function insertCases(file: string, from: number, to: number, calendar: WorkingCalendar): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `insert into cases (id, code, procedure_id, procedure_version, unit_id, unit_path, state, snapshot, status_code, version,
       applicant, data, channel, received_at, clock_started_at, due_at, paused_ms, supplement_count, closed_at, outcome,
       flags, pin_hash, apology, result_at, working_days_to_result, created_by, created_at, updated_at)
     values (?, ?, ?, 1, ?, ?, '["x"]', '{}', ?, 1, '{"name":"Nguyễn Văn A"}', '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'x', ?, ?, ?, 'bench', ?, ?)`,
  );
  const rate = db.prepare(`insert into ratings (case_id, level, criteria, comment, at) values (?, ?, '{}', null, ?)`);
  const link = db.prepare(`insert into case_complaints (complaint_id, case_id, at) values (?, ?, ?)`);
  const iso = (ms: number) => new Date(ms).toISOString();
  const levels = ['rat_hai_long', 'hai_long', 'khong_hai_long'] as const;
  db.transaction(() => {
    const next = random(from + 1);
    for (let i = from; i < to; i++) {
      const unit = i % COMMUNES;
      const feedback = next() < 0.02;
      const received = YEAR_START + Math.floor(next() * 360) * DAY + Math.floor(next() * 8 * HOUR);
      const started = next() < 0.9 ? received + Math.floor(next() * HOUR) : null;
      const supplements = next() < 0.85 ? 0 : next() < 0.8 ? 1 : 2;
      const paused = supplements * Math.floor(next() * 2 * DAY);
      const due = started === null ? null : started + (3 + Math.floor(next() * 5)) * DAY + paused;
      const result = started !== null && next() < 0.85 ? started + Math.floor(next() * 8 * DAY) : null;
      const closed = result !== null ? (next() < 0.8 ? result + Math.floor(next() * 2 * DAY) : null) : started === null && next() < 0.5 ? received + HOUR : null;
      const outcome = closed === null ? null : result !== null ? (feedback ? 'answered' : 'approved') : 'refused';
      const flags = JSON.stringify({
        vneid_authenticated: next() < 0.6,
        data_reused: next() < 0.5,
        electronic_result: next() < 0.4,
        synced_to_portal: next() < 0.9,
        fee_payable: next() < 0.5,
        paid_online: next() < 0.3,
      });
      const apology = due !== null && next() < 0.02 ? JSON.stringify({ reason: 'x', new_due_at: iso(due + 3 * DAY), previous_due_at: iso(due), by: 'bench', at: iso(due) }) : null;
      const id = `c${i}`;
      insert.run(
        id,
        `BT.X${unit}-${i}`,
        feedback ? 'phan-anh-kien-nghi' : 'dang-ky-tam-tru',
        `xa-${unit}`,
        `/bench-tinh/xa-${unit}/`,
        closed !== null ? 10 : result !== null ? 9 : 4,
        next() < 0.4 ? 2 : 1,
        iso(received),
        started === null ? null : iso(started),
        due === null ? null : iso(apology === null ? due : due + 3 * DAY),
        paused,
        supplements,
        closed === null ? null : iso(closed),
        outcome,
        flags,
        apology,
        result === null ? null : iso(result),
        // What the case service stores when the result is ready.
        result === null ? null : calendar.workingDaysBetween(new Date(started ?? received), new Date(result)),
        iso(received),
        iso(received),
      );
      if (closed !== null && next() < 0.3) rate.run(id, levels[Math.floor(next() * 3)]!, iso(closed));
      if (feedback && i > 0 && next() < 0.5) link.run(id, `c${i - 1}`, iso(received));
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

const auditor: Actor = { id: 'bench', name: 'bench', unitId: 'bench-tinh', unitPath: '/bench-tinh/', roles: ['auditor'] };

async function open(dataDir: string, configDir: string): Promise<Motcua> {
  return createMotcua({ dataDir, proceduresDir: 'procedures', configDir });
}

/**
 * Wall and CPU time of one call, in ms (CPU of the whole process, every thread), and the
 * longest the event loop was held meanwhile: how long a request arriving then would have waited.
 */
async function timed<T>(fn: () => Promise<T>): Promise<{ wall: number; cpu: number; held: number; value: T }> {
  // A 1 ms timer: the longest gap between its runs is the longest the loop was held.
  let last = performance.now();
  let held = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    held = Math.max(held, now - last);
    last = now;
  }, 1);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  held = Math.max(held, performance.now() - last);
  clearInterval(ticker);
  return { wall, cpu: (cpu.user + cpu.system) / 1000, held, value };
}

interface Measured {
  wall: number;
  cpu: number;
  held: number;
  walls: number[];
  units: number;
}

/** Runs each report service `runs` times, interleaved (a, b, a, b…), so both see the same machine. */
async function measure(services: ReportService[], from: string, to: string): Promise<Measured[]> {
  const samples = services.map(() => ({ walls: [] as number[], cpus: [] as number[], helds: [] as number[], units: 0 }));
  for (let r = 0; r < runs; r++) {
    for (const [i, reports] of services.entries()) {
      const t = await timed(() => reports.scorecard(auditor, { unit: 'bench-tinh', from, to }));
      const s = samples[i]!;
      s.walls.push(t.wall);
      s.cpus.push(t.cpu);
      s.helds.push(t.held);
      s.units = t.value.units.length;
    }
  }
  return samples.map((s) => ({ wall: median(s.walls), cpu: median(s.cpus), held: median(s.helds), walls: s.walls, units: s.units }));
}

/** The same report service with its long reads on the serving thread, as before `readLong`. */
function onServingThread(m: Motcua, configDir: string): ReportService {
  const store: Store = { ...m.store, readLong: (fn) => m.store.read(fn) };
  return createReportService({ ...m.deps, store }, loadScorecardConfig(join(configDir, 'scorecard.yaml'), () => undefined));
}

async function main(): Promise<void> {
  rmSync(baseDir, { recursive: true, force: true });
  const configDir = join(baseDir, 'config');
  const dataDir = join(baseDir, 'data');
  writeConfig(configDir);
  const calendar = createWorkingCalendar(loadCalendar(readFileSync('config/calendars/vn.yaml'), 'config/calendars/vn.yaml').calendar);
  // First start: migrations, units, procedures.
  await (await open(dataDir, configDir)).close();

  const row = (cases: number, period: string, r: Measured) => ({ cases, period, wall_ms: Math.round(r.wall), cpu_ms: Math.round(r.cpu), cpu_us_per_case: Math.round((r.cpu * 1e6) / cases) / 1000, loop_held_ms: Math.round(r.held), units: r.units });
  const results: (ReturnType<typeof row> & { inline_wall_ms?: number; inline_loop_held_ms?: number })[] = [];
  let inserted = 0;
  for (const size of sizes) {
    const t0 = performance.now();
    insertCases(join(dataDir, sqliteFileName), inserted, size, calendar);
    const insertMs = performance.now() - t0;
    inserted = size;
    const m = await open(dataDir, configDir);
    try {
      // Side by side: the same report with its query on the serving thread holds the event loop throughout.
      const [year, inline] = (await measure([m.reports, onServingThread(m, configDir)], '2026-01-01', '2026-12-31')) as [Measured, Measured];
      results.push({ ...row(size, '2026', year), inline_wall_ms: Math.round(inline.wall), inline_loop_held_ms: Math.round(inline.held) });
      console.log(
        `${size.toLocaleString('en')} cases (inserted in ${Math.round(insertMs)} ms), whole year: scorecard of ${year.units} units in ${Math.round(year.wall)} ms wall, ${Math.round(year.cpu)} ms CPU, event loop held at most ${Math.round(year.held)} ms (median of ${runs}; wall ${year.walls.map((w) => Math.round(w)).join(', ')} ms); on the serving thread: ${Math.round(inline.wall)} ms wall, loop held ${Math.round(inline.held)} ms`,
      );
      if (size === sizes[sizes.length - 1]) {
        const [month] = (await measure([m.reports], '2026-06-01', '2026-06-30')) as [Measured];
        results.push(row(size, '2026-06', month));
        console.log(`${size.toLocaleString('en')} cases, June only: ${Math.round(month.wall)} ms wall, ${Math.round(month.cpu)} ms CPU, event loop held at most ${Math.round(month.held)} ms`);
      }
    } finally {
      await m.close();
    }
  }
  console.log(JSON.stringify({ communes: COMMUNES, runs, results }));
  if (!args.keep) rmSync(baseDir, { recursive: true, force: true });
}

await main();
