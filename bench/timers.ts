/**
 * npm run bench:timers — the durable timers of issue 4, on SQLite:
 *   1. 100,000 open cases with timers, 10,000 of them due: time for the sweeper to fire them all
 *      (each firing is a real transaction: the case row, a `deadline.warning` record, an audit entry);
 *   2. the cost of one sweep with none due, at 10,000 and at 1,000,000 pending timers (it must not
 *      grow with the number of open cases: the claim is an index range scan on (status, due_at)).
 * Rows are seeded by copying one real case (opened and accepted through the service) with SQL.
 * Usage: npm run bench:timers [-- --cases 100000 --due 10000 --big 1000000]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createManualClock } from '../src/clock/index.js';
import { createMotcua, type Motcua } from '../src/server/motcua.js';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, due: { type: 'string', default: '10000' }, big: { type: 'string', default: '1000000' } } });
const CASES = Number(values.cases);
const DUE = Number(values.due);
const BIG = Number(values.big);

const START = new Date('2026-03-02T02:00:00.000Z');
const TAM_TRU = { ho_ten: 'Nguyễn Văn An', ngay_sinh: '1990-05-12', so_dinh_danh: '001090000001', dia_chi_tam_tru: 'Số 12, phố Trần Phú', thoi_han_thang: 12, giay_to_cho_o: 'hop_dong_thue' };

async function open(dataDir: string, at: Date): Promise<Motcua> {
  return createMotcua({ dataDir, proceduresDir: 'procedures', configDir: 'config', clock: createManualClock(at) });
}

/** One real accepted case, then `n` copies of it with their two deadline timers; `due` of them are already due. */
async function seed(dataDir: string, n: number, due: number): Promise<void> {
  const m = await open(dataDir, START);
  const { token } = await m.users.create(null, { name: 'Cán bộ', unit: 'thanh-sen', roles: ['receiver'] }, { requestId: 'bench' });
  const actor = (await m.users.authenticate(token))!;
  const opened = await m.cases.open(actor, { procedure: 'dang-ky-tam-tru', applicant: { name: 'Nguyễn Văn An' }, data: TAM_TRU, channel: 1 }, { requestId: null });
  const id = (opened.body as { id: string }).id;
  await m.cases.send(actor, id, { type: 'ACCEPT' }, { requestId: null });
  await m.close();

  const db = new Database(join(dataDir, 'motcua.db'));
  db.pragma('journal_mode = WAL');
  const cols = (db.prepare(`select name from pragma_table_info('cases')`).all() as { name: string }[]).map((c) => c.name);
  const copy = cols.map((c) => (c === 'id' ? `'c' || n` : c === 'code' ? `'B-' || n` : c)).join(', ');
  db.transaction(() => {
    db.exec(`with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${n})
      insert into cases (${cols.join(', ')}) select ${copy} from seq, cases where cases.id = '${id}'`);
    // A warning timer per case: the first `due` are due an hour after START, the rest in a year.
    db.exec(`with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${n})
      insert into timers (id, case_id, kind, event, state, due_at, status, claimed_until, attempts, created_at)
      select 't' || n, 'c' || n, 'deadline.warning', 'deadline.warning', '*',
        case when n <= ${due} then '2026-03-02T03:00:00.000Z' else '2027-03-02T03:00:00.000Z' end,
        'pending', null, 0, '2026-03-02T02:00:00.000Z' from seq`);
  })();
  db.exec('analyze');
  db.close();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function emptySweepCost(n: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-timers-'));
  try {
    await seed(dir, n, 0);
    const m = await open(dir, new Date('2026-03-03T02:00:00.000Z'));
    try {
      const times: number[] = [];
      for (let i = 0; i < 25; i++) {
        const t0 = performance.now();
        const r = await m.sweeper.sweepOnce();
        times.push(performance.now() - t0);
        if (r.claimed !== 0) throw new Error(`expected no due timers, claimed ${r.claimed}`);
      }
      return median(times);
    } finally {
      await m.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`bench:timers on SQLite (node ${process.version})`);
  const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-timers-'));
  try {
    let t0 = performance.now();
    await seed(dir, CASES, DUE);
    console.log(`seeded ${CASES.toLocaleString()} open cases with timers, ${DUE.toLocaleString()} due, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const m = await open(dir, new Date('2026-03-02T04:00:00.000Z'));
    try {
      t0 = performance.now();
      const report = await m.sweeper.sweepOnce();
      const ms = performance.now() - t0;
      console.log(`fire all due: ${report.fired.toLocaleString()} fired (claimed ${report.claimed}, failed ${report.failed}) in ${(ms / 1000).toFixed(2)} s = ${Math.round(report.fired / (ms / 1000)).toLocaleString()} timers/s`);
      const stats = m.store.stats();
      console.log(`  commits ${stats.commits}, largest batch ${stats.largestBatch}`);
    } finally {
      await m.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const small = await emptySweepCost(10_000);
  const big = await emptySweepCost(BIG);
  console.log(`one sweep with none due (median of 25): ${small.toFixed(2)} ms at 10,000 pending timers, ${big.toFixed(2)} ms at ${BIG.toLocaleString()} (ratio ${(big / small).toFixed(2)})`);
}

await main();
