/**
 * The floor to compare motcua against: the same durable writes done with the driver directly.
 * One transaction = update one case row (version + 1, new state) + insert one transition row,
 * on SQLite with WAL and synchronous=FULL (one fsync per COMMIT), on a database of N open
 * cases in motcua's own schema. Also measures the store's write() (group commit) with C
 * concurrent callers doing the same work through Kysely, for a first b/a-style ratio.
 *
 *   npx tsx bench/cases-raw.ts [--cases 100000] [--seconds 3] [--runs 3] [--concurrency 32] [--dir bench/out]
 *
 * Prints one JSON object; figures are transitions per second, median of the runs.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { systemClock } from '../src/clock/index.js';
import { openStore, sqliteFileName, toDbTime, type Store } from '../src/storage/index.js';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    dir: { type: 'string', default: 'bench/out' },
  },
});
const caseCount = Number(args.cases);
const seconds = Number(args.seconds);
const runs = Number(args.runs);
const concurrency = Number(args.concurrency);
const baseDir = resolve(args.dir);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const caseId = (i: number) => `case-${String(i).padStart(8, '0')}`;
const snapshot = JSON.stringify({ status: 'active', value: 'processing', context: { checked: true }, historyValue: {}, children: {} });

/** Creates a data folder holding `n` open cases (fast: one unsynchronised transaction). */
export async function seedCases(dataDir: string, n: number): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const store = await openStore({ dataDir });
  await store.close();
  const db = new Database(join(dataDir, sqliteFileName));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const at = toDbTime(new Date('2025-11-01T02:00:00.000Z'));
  db.prepare(`insert into units (id, parent_id, name, level, code, path) values ('ht', null, 'Hà Tĩnh', 'province', 'HT', '/ht/')`).run();
  db.prepare(`insert into procedure_versions values ('tam-tru', 1, 'id: tam-tru', '{}', '2025-07-01', ?, 'admin', ?)`).run(at, '0'.repeat(64));
  const insert = db.prepare(
    `insert into cases (id, code, procedure_id, procedure_version, unit_id, unit_path, state, snapshot, status_code, version,
       applicant, data, channel, received_at, created_by, created_at, updated_at)
     values (?, ?, 'tam-tru', 1, 'ht', '/ht/', '["processing"]', ?, 4, 1, '{}', '{"checked":true}', 1, ?, 'seed', ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(caseId(i), `HT-${i}`, snapshot, at, at, at);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** (a) The raw driver: one transaction per transition, synchronous=FULL. Returns transitions/s. */
export function measureRaw(dataDir: string, n: number, durationMs: number): number {
  const db = new Database(join(dataDir, sqliteFileName));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  const versions = new Map<string, number>();
  const readVersion = db.prepare('select version from cases where id = ?').pluck();
  const update = db.prepare(
    `update cases set version = version + 1, state = ?, snapshot = ?, status_code = ?, updated_at = ? where id = ? and version = ?`,
  );
  const insert = db.prepare(
    `insert into case_transitions (case_id, seq, event, from_state, to_state, actor_id, actor_role, unit_id, at, procedure_version)
     values (?, ?, 'PROPOSE', '["processing"]', '["approval"]', 'u1', 'processor', 'ht', ?, 1)`,
  );
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    const id = caseId(Math.floor(Math.random() * n));
    const version = versions.get(id) ?? (readVersion.get(id) as number);
    const at = toDbTime(systemClock.now());
    begin.run();
    update.run('["approval"]', snapshot, 5, at, id, version);
    insert.run(id, version + 1, at);
    commit.run();
    versions.set(id, version + 1);
    done++;
  }
  const rate = done / ((performance.now() - start) / 1000);
  db.close();
  return rate;
}

/** (b′) The same work through store.write() and Kysely, `callers` at a time. Returns transitions/s. */
export async function measureStore(store: Store, n: number, durationMs: number, callers: number): Promise<number> {
  let done = 0;
  const start = performance.now();
  const caller = async () => {
    while (performance.now() - start < durationMs) {
      const id = caseId(Math.floor(Math.random() * n));
      await store.write(async (tx) => {
        const row = await tx.db.selectFrom('cases').select('version').where('id', '=', id).executeTakeFirstOrThrow();
        const at = toDbTime(systemClock.now());
        const updated = await tx.db
          .updateTable('cases')
          .set({ version: row.version + 1, state: '["approval"]', snapshot, status_code: 5, updated_at: at })
          .where('id', '=', id)
          .where('version', '=', row.version)
          .executeTakeFirst();
        if (updated.numUpdatedRows !== 1n) throw new Error('version conflict');
        await tx.db
          .insertInto('case_transitions')
          .values({
            case_id: id,
            seq: row.version + 1,
            event: 'PROPOSE',
            from_state: '["processing"]',
            to_state: '["approval"]',
            actor_id: 'u1',
            actor_role: 'processor',
            unit_id: 'ht',
            input_digest: null,
            reason: null,
            comment: null,
            at,
            procedure_version: 1,
            request_id: null,
          })
          .execute();
      });
      done++;
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  return done / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  const dataDir = join(baseDir, 'cases-raw');
  process.stderr.write(`seeding ${caseCount} open cases in ${dataDir}…\n`);
  await seedCases(dataDir, caseCount);
  const raw: number[] = [];
  const viaStore: number[] = [];
  const batches: number[] = [];
  for (let r = 0; r < runs; r++) {
    raw.push(measureRaw(dataDir, caseCount, seconds * 1000));
    const store = await openStore({ dataDir, migrate: false });
    const before = store.stats();
    viaStore.push(await measureStore(store, caseCount, seconds * 1000, concurrency));
    const after = store.stats();
    batches.push((after.committedCommands - before.committedCommands) / Math.max(1, after.commits - before.commits));
    await store.close();
    process.stderr.write(`run ${r + 1}/${runs}: raw ${raw.at(-1)?.toFixed(0)}/s, store ${viaStore.at(-1)?.toFixed(0)}/s\n`);
  }
  const a = median(raw);
  const b = median(viaStore);
  process.stdout.write(
    `${JSON.stringify(
      {
        cases: caseCount,
        runs,
        seconds_per_run: seconds,
        raw_driver_per_s: Math.round(a),
        store_write_per_s: Math.round(b),
        store_concurrency: concurrency,
        store_over_raw: Number((b / a).toFixed(2)),
        store_mean_batch: Number(median(batches).toFixed(1)),
        raw_runs: raw.map(Math.round),
        store_runs: viaStore.map(Math.round),
      },
      null,
      2,
    )}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
