/**
 * Durable transitions per second, side by side in one run, on a database of N open cases:
 *   (a) the raw driver: better-sqlite3, one transaction per transition (update the case row +
 *       insert a transition row), WAL, synchronous=FULL (bench/cases-raw.ts);
 *   (b) motcua in-process: `cases.send()` from C concurrent callers (group commit can batch);
 *   (c) motcua over HTTP: a real `motcua serve` process on 127.0.0.1, C keep-alive clients;
 *   (f) the floor over HTTP: the same load against a bare node:http server that makes only the
 *       writes, with the same group commit (bench/cases-floor-server.ts): what this machine
 *       allows a single-threaded Node server, against which (c) can be read.
 * Every motcua transition is a real one (PROPOSE / RETURN on dang-ky-tam-tru, which cycle
 * between processing and approval): engine step, case row, transition, timers, audit entry.
 * Each mode starts from a fresh copy of the same seeded database.
 *
 *   npm run bench:cases -- [--cases 100000] [--seconds 5] [--runs 3] [--clients 32]
 *   npm run bench:cases -- --rss-scaling        # server RSS at 10,000 vs 1,000,000 cases
 *   npm run bench:cases -- --routes --reuse-seed  # server CPU per request, by kind of request
 *   npm run bench:cases -- --only f --floor-async-fsync  # (f) with the fsync off its event loop
 *
 * Prints a Markdown table and a JSON object (figures: medians of the runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { Actor } from '../src/auth/policy.js';
import { createMotcua } from '../src/server/motcua.js';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    clients: { type: 'string', default: '32' },
    dir: { type: 'string', default: 'bench/out' },
    only: { type: 'string', default: 'a,b,c,f' },
    'rss-scaling': { type: 'boolean', default: false },
    routes: { type: 'boolean', default: false },
    'reuse-seed': { type: 'boolean', default: false },
    'floor-async-fsync': { type: 'boolean', default: false },
    'serve-child': { type: 'boolean', default: false },
  },
});

const caseId = (i: number) => `case-${String(i).padStart(8, '0')}`;
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor((xs.length - 1) / 2)] ?? 0;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const log = (line: string) => process.stderr.write(`${line}\n`);
const WARMUP_MS = 2000;

const DATA = { ho_ten: 'Nguyễn Văn An', ngay_sinh: '1990-05-12', so_dinh_danh: '001090000001', dia_chi_tam_tru: 'Số 12, phố Trần Phú', thoi_han_thang: 12, giay_to_cho_o: 'hop_dong_thue' };
const PROPOSE = { type: 'PROPOSE', input: { cho_o_hop_phap: true } };
const RETURN = { type: 'RETURN', input: { reason: 'Bổ sung xác minh chỗ ở' } };

/**
 * Seeds `dir` with `n` open dang-ky-tam-tru cases in state processing: one made through motcua
 * (open + ACCEPT), then copied row for row (case, its two transitions, its timers) under ids
 * case-00000000…, which bench/cases-raw.ts also uses. Returns the bench user's token.
 */
async function seed(dir: string, n: number): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  const m = await createMotcua({ dataDir: dir, proceduresDir: 'procedures', configDir: 'config' });
  const { token } = await m.users.create(null, { name: 'Bench', unit: 'thanh-sen', roles: ['receiver', 'processor', 'leader'] }, { requestId: 'bench' });
  const actor = (await m.users.authenticate(token))!;
  const opened = await m.cases.open(actor, { procedure: 'dang-ky-tam-tru', applicant: { name: 'Nguyễn Văn An' }, data: DATA, channel: 1 }, { requestId: 'bench' });
  const template = (opened.body as { id: string }).id;
  await m.cases.send(actor, template, { type: 'ACCEPT' }, { requestId: 'bench' });
  await m.close();

  const db = new Database(join(dir, 'motcua.db'));
  db.pragma('synchronous = OFF');
  // The template's rows are read once and written again under new ids (an INSERT … SELECT per
  // copy would scan the timers table, which has no index on case_id, every time).
  const rows = (table: string, column: string, extra = '') => db.prepare(`select * from ${table} where ${column} = ? ${extra}`).all(template) as Record<string, unknown>[];
  const inserter = (table: string, sample: Record<string, unknown>) => {
    const cols = Object.keys(sample).filter((c) => !(table === 'case_transitions' && c === 'id'));
    return db.prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map((c) => `@${c}`).join(', ')})`);
  };
  const caseRow = rows('cases', 'id')[0]!;
  const transitions = rows('case_transitions', 'case_id');
  const timers = rows('timers', 'case_id', "and status = 'pending'");
  const insertCase = inserter('cases', caseRow);
  const insertTransition = inserter('case_transitions', transitions[0]!);
  const insertTimer = timers[0] ? inserter('timers', timers[0]) : undefined;
  // bench/cases-raw.ts writes its transition rows for unit 'ht'.
  db.prepare(`insert or ignore into units (id, parent_id, name, level, code, path) values ('ht', null, 'bench', 'province', 'BENCH-HT', '/ht/')`).run();
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = caseId(i);
      insertCase.run({ ...caseRow, id, code: `HT.TS-BENCH-${i}` });
      for (const t of transitions) insertTransition.run({ ...t, case_id: id });
      for (const t of timers) insertTimer!.run({ ...t, id: `${id}-${String(t.id)}`, case_id: id });
    }
  })();
  // Fresh planner statistics for the seeded size, as a restarted server would have them. (Stale
  // ones from the near-empty database made the sweeper's claim scan every timer: see
  // docs/performance.md.)
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return token;
}

/**
 * bench/cases-raw.ts parses the command line when it is loaded and rejects options it does not
 * know (ours), so it is loaded with the arguments hidden.
 */
async function loadRawBench(): Promise<typeof import('./cases-raw.js')> {
  const argv = process.argv;
  process.argv = argv.slice(0, 2);
  try {
    return await import('./cases-raw.js');
  } finally {
    process.argv = argv;
  }
}

/** A fresh copy of the seeded database for one measurement. */
function freshCopy(pristine: string, work: string): void {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // Everything the seeding made (database, keys), not the lock of the process that made it.
  for (const f of readdirSync(pristine)) if (!['motcua.lock', 'motcua.pid', 'bench-token'].includes(f)) copyFileSync(join(pristine, f), join(work, f));
}

interface Measured {
  rate: number;
  p50: number;
  p99: number;
  rssMb: number;
  errors: number;
  /** CPU time (user + system) of the process doing the work, per transition: robust to a busy machine. */
  cpuUs: number;
  /** (c) CPU time of the load generator (this process) per transition: it shares the machine's cores. */
  clientCpuUs?: number;
  meanBatch?: number;
}

/**
 * Drives `send(i, event)` from `clients` callers for `ms`; caller k owns the cases i ≡ k (mod
 * clients), so two callers never race on one case; each case alternates PROPOSE / RETURN.
 */
async function drive(n: number, clients: number, ms: number, send: (id: string, event: typeof PROPOSE | typeof RETURN) => Promise<boolean>, onMeasured: () => unknown = () => {}) {
  const inApproval = new Set<number>();
  let latencies: number[] = [];
  let errors = 0;
  // A warm-up first, unrecorded: the first seconds measure V8's JIT compiler, not motcua.
  let start = performance.now() - ms + WARMUP_MS;
  const caller = async (k: number) => {
    const owned = Math.floor((n - 1 - k) / clients) + 1;
    while (performance.now() - start < ms) {
      const i = k + clients * Math.floor(Math.random() * owned);
      const event = inApproval.has(i) ? RETURN : PROPOSE;
      const t0 = performance.now();
      if (await send(caseId(i), event)) {
        latencies.push(performance.now() - t0);
        if (event === PROPOSE) inApproval.add(i);
        else inApproval.delete(i);
      } else errors++;
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, k) => caller(k)));
  latencies = [];
  errors = 0;
  start = performance.now();
  await onMeasured();
  await Promise.all(Array.from({ length: clients }, (_, k) => caller(k)));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((p, q) => p - q);
  return { done: latencies.length, rate: latencies.length / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), errors };
}

/** (b) motcua in-process. */
async function measureInProcess(work: string, token: string, n: number, clients: number, ms: number): Promise<Measured> {
  const m = await createMotcua({ dataDir: work, proceduresDir: 'procedures', configDir: 'config' });
  const actor: Actor = (await m.users.authenticate(token))!;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  let before = m.store.stats();
  let cpu0 = process.cpuUsage();
  const r = await drive(
    n,
    clients,
    ms,
    (id, event) =>
      m.cases.send(actor, id, event, { requestId: null }).then(
        () => true,
        () => false,
      ),
    () => {
      before = m.store.stats();
      cpu0 = process.cpuUsage();
      peak = process.memoryUsage().rss;
    },
  );
  const cpu = process.cpuUsage(cpu0);
  const after = m.store.stats();
  clearInterval(sampler);
  await m.close();
  return { ...r, cpuUs: (cpu.user + cpu.system) / r.done, rssMb: peak / 2 ** 20, meanBatch: (after.committedCommands - before.committedCommands) / Math.max(1, after.commits - before.commits) };
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? ok(a.port) : fail(new Error('no port'))));
    });
  });
}

/** Mean commands per commit of the last server stopped (whole run, warm-up included). */
let lastServerBatch: number | undefined;

/** Starts `motcua serve` (this file in --serve-child mode: the real serve command from src/). */
async function startServer(work: string, port: number, floorToken?: string): Promise<ChildProcess> {
  const env: Record<string, string | undefined> = { ...process.env, MOTCUA_DATA_DIR: work, PORT: String(port), HOST: '127.0.0.1', MOTCUA_DEMO: '0', FLOOR_TOKEN: floorToken, FLOOR_ASYNC_FSYNC: args['floor-async-fsync'] ? '1' : '0' };
  delete env.DATABASE_URL;
  const script = floorToken === undefined ? [process.argv[1]!, '--serve-child'] : [join(import.meta.dirname, 'cases-floor-server.ts')];
  const child = spawn(process.execPath, [...process.execArgv, ...script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Passed through; the line serve prints at shutdown says how many commands shared a commit.
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    process.stderr.write(d);
    const m = /writes: (\d+) commands committed in (\d+) transactions/.exec(d);
    if (m) lastServerBatch = Number(m[1]) / Math.max(1, Number(m[2]));
  });
  await new Promise<void>((ok, fail) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d).includes('serving') && ok());
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  return child;
}

/** CPU time (user + system) a process has used so far, in µs, from /proc (Linux). */
function cpuTimeUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Peak resident set of a process, from /proc (Linux). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Keep-alive HTTP calls to the server at `port`; each resolves with the status (0: network error). */
function httpClient(port: number, token: string, clients: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const call = (method: string, path: string, body?: unknown, auth = true) =>
    new Promise<number>((ok) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = auth ? { authorization: `Bearer ${token}` } : {};
      if (text !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      const req = request({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
      });
      req.on('error', () => ok(0));
      req.end(text);
    });
  return { call, close: () => agent.destroy() };
}

/** Runs `body` against a fresh `motcua serve` (or, given `floorToken`, the floor server) on `work`, then stops it. */
async function withServer<T>(work: string, body: (port: number, pid: number) => Promise<T>, floorToken?: string): Promise<T> {
  const port = await freePort();
  const child = await startServer(work, port, floorToken);
  try {
    return await body(port, child.pid!);
  } finally {
    child.kill('SIGTERM');
    await new Promise((ok) => child.once('exit', ok));
  }
}

/**
 * (c) motcua over HTTP: a server process and `clients` keep-alive clients in this process.
 * With `floor`, the same load against bench/cases-floor-server.ts instead: (f).
 */
async function measureHttp(work: string, token: string, n: number, clients: number, ms: number, floor = false): Promise<Measured> {
  lastServerBatch = undefined;
  const measured = await withServer(work, async (port, pid) => {
    const http = httpClient(port, token, clients);
    let cpu0 = 0;
    let own0 = process.cpuUsage();
    const r = await drive(n, clients, ms, async (id, event) => (await http.call('POST', `/api/v1/cases/${id}/events`, event)) === 200, () => {
      cpu0 = cpuTimeUs(pid);
      own0 = process.cpuUsage();
    });
    const own = process.cpuUsage(own0);
    http.close();
    return { ...r, cpuUs: (cpuTimeUs(pid) - cpu0) / r.done, clientCpuUs: (own.user + own.system) / r.done, rssMb: peakRssMb(pid) };
  }, floor ? token : undefined);
  return lastServerBatch === undefined ? measured : { ...measured, meanBatch: lastServerBatch };
}

/** `--routes`: the server's CPU per request for requests doing more and more of a transition's work. */
function measureRoutes(work: string, token: string, n: number, clients: number, ms: number): Promise<Record<string, unknown>[]> {
  return withServer(work, async (port, pid) => {
    const http = httpClient(port, token, clients);
    let k = 0;
    const next = () => caseId(k++ % n);
    const kinds: [string, () => Promise<number>][] = [
      ['GET /healthz (no authentication)', () => http.call('GET', '/healthz', undefined, false)],
      ['GET /api/v1/units (authentication only)', () => http.call('GET', '/api/v1/units')],
      ['GET /api/v1/cases/{id}', () => http.call('GET', `/api/v1/cases/${next()}`)],
      ['POST /api/v1/cases/{id}/events refused (409)', () => http.call('POST', `/api/v1/cases/${next()}/events`, { type: 'DELIVER' })],
      ['POST /api/v1/cases/{id}/events PROPOSE (200)', () => http.call('POST', `/api/v1/cases/${next()}/events`, PROPOSE)],
    ];
    const rows: Record<string, unknown>[] = [];
    for (const [name, once] of kinds) {
      for (const recorded of [false, true]) {
        const cpu0 = cpuTimeUs(pid);
        const start = performance.now();
        const statuses: Record<number, number> = {};
        let done = 0;
        const span = recorded ? ms : WARMUP_MS;
        await Promise.all(
          Array.from({ length: clients }, async () => {
            while (performance.now() - start < span) {
              const status = await once();
              statuses[status] = (statuses[status] ?? 0) + 1;
              done++;
            }
          }),
        );
        if (recorded) rows.push({ request: name, per_s: Math.round(done / (span / 1000)), server_cpu_us: Math.round((cpuTimeUs(pid) - cpu0) / done), statuses });
      }
      log(JSON.stringify(rows.at(-1)));
    }
    http.close();
    return rows;
  });
}

async function main(): Promise<void> {
  const n = Number(args.cases);
  const ms = Number(args.seconds) * 1000;
  const runs = Number(args.runs);
  const clients = Number(args.clients);
  const base = resolve(args.dir, 'cases');
  const only = new Set(args.only.split(','));

  if (args['rss-scaling']) {
    const rows: Record<string, number>[] = [];
    for (const size of [10_000, 1_000_000]) {
      const pristine = join(base, `pristine-${size}`);
      log(`seeding ${size} cases…`);
      const token = await seed(pristine, size);
      freshCopy(pristine, join(base, 'work'));
      const r = await measureHttp(join(base, 'work'), token, size, clients, ms);
      rows.push({ cases: size, server_peak_rss_mb: Math.round(r.rssMb), transitions_per_s: Math.round(r.rate) });
      log(JSON.stringify(rows.at(-1)));
      rmSync(pristine, { recursive: true, force: true });
    }
    process.stdout.write(`${JSON.stringify({ rss_scaling: rows, ratio: Number((rows[1]!.server_peak_rss_mb! / rows[0]!.server_peak_rss_mb!).toFixed(2)) }, null, 2)}\n`);
    return;
  }

  const { measureRaw } = await loadRawBench();
  const pristine = join(base, `pristine-${n}`);
  log(`seeding ${n} open cases in ${pristine}…`);
  const seedStart = performance.now();
  const tokenFile = join(pristine, 'bench-token');
  const token = args['reuse-seed'] && existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8') : await seed(pristine, n);
  log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const work = join(base, 'work');
  if (args.routes) {
    freshCopy(pristine, work);
    process.stdout.write(`${JSON.stringify({ cases: n, clients, seconds_per_kind: ms / 1000, routes: await measureRoutes(work, token, n, clients, ms) }, null, 2)}\n`);
    return;
  }
  const results: Record<'a' | 'b' | 'c' | 'f', Measured[]> = { a: [], b: [], c: [], f: [] };
  for (let run = 1; run <= runs; run++) {
    if (only.has('a')) {
      freshCopy(pristine, work);
      const cpu0 = process.cpuUsage();
      const rate = measureRaw(work, n, ms);
      const cpu = process.cpuUsage(cpu0);
      results.a.push({ rate, p50: 1000 / rate, p99: Number.NaN, rssMb: process.memoryUsage().rss / 2 ** 20, errors: 0, cpuUs: (cpu.user + cpu.system) / (rate * (ms / 1000)) });
    }
    if (only.has('b')) {
      freshCopy(pristine, work);
      results.b.push(await measureInProcess(work, token, n, clients, ms));
    }
    if (only.has('c')) {
      freshCopy(pristine, work);
      results.c.push(await measureHttp(work, token, n, clients, ms));
    }
    if (only.has('f')) {
      freshCopy(pristine, work);
      results.f.push(await measureHttp(work, token, n, clients, ms, true));
    }
    log(`run ${run}/${runs}: ${(['a', 'b', 'c', 'f'] as const).map((k) => `${k} ${Math.round(results[k].at(-1)?.rate ?? 0)}/s`).join(', ')}`);
  }
  rmSync(work, { recursive: true, force: true });

  const summary = (xs: Measured[]) =>
    xs.length === 0
      ? null
      : {
          transitions_per_s: Math.round(median(xs.map((x) => x.rate))),
          p50_ms: Number(median(xs.map((x) => x.p50)).toFixed(2)),
          p99_ms: Number(median(xs.map((x) => x.p99)).toFixed(2)),
          peak_rss_mb: Math.round(Math.max(...xs.map((x) => x.rssMb))),
          cpu_us_per_transition: Math.round(median(xs.map((x) => x.cpuUs))),
          errors: xs.reduce((s, x) => s + x.errors, 0),
          runs: xs.map((x) => Math.round(x.rate)),
          ...(xs[0]?.meanBatch !== undefined ? { mean_batch: Number(median(xs.map((x) => x.meanBatch ?? 0)).toFixed(1)) } : {}),
          ...(xs[0]?.clientCpuUs !== undefined ? { client_cpu_us_per_transition: Math.round(median(xs.map((x) => x.clientCpuUs ?? 0))) } : {}),
        };
  const a = summary(results.a);
  const b = summary(results.b);
  const c = summary(results.c);
  const f = summary(results.f);
  const ratio = (x: { transitions_per_s: number } | null) => (x && a ? Number((x.transitions_per_s / a.transitions_per_s).toFixed(2)) : null);
  const out = { cases: n, seconds_per_run: ms / 1000, runs, clients, node: process.version, a_raw: a, b_in_process: b, c_http: c, f_floor_http: f, b_over_a: ratio(b), c_over_a: ratio(c), ...(f ? { f_over_a: ratio(f), c_over_f: Number((c ? c.transitions_per_s / f.transitions_per_s : Number.NaN).toFixed(2)) } : {}) };
  const row = (name: string, x: ReturnType<typeof summary>, r: number | null) =>
    x ? `| ${name} | ${x.transitions_per_s} | ${r ?? '—'} | ${Number.isNaN(x.p50_ms) ? '—' : x.p50_ms} | ${Number.isNaN(x.p99_ms) ? '—' : x.p99_ms} | ${x.peak_rss_mb} | ${x.cpu_us_per_transition} |` : '';
  process.stdout.write(
    [
      '| mode | transitions/s | ÷ (a) | p50 ms | p99 ms | peak RSS MB | CPU µs/transition |',
      '|---|---|---|---|---|---|---|',
      row('(a) raw better-sqlite3, 1 tx per transition', a, 1),
      row(`(b) motcua in-process, ${clients} callers`, b, ratio(b)),
      row(`(c) motcua HTTP, ${clients} keep-alive clients`, c, ratio(c)),
      row(`(f) floor: bare node:http + the writes only, ${clients} clients`, f, ratio(f)),
      '',
      JSON.stringify(out, null, 2),
      '',
    ].join('\n'),
  );
}

if (args['serve-child']) {
  const { command } = await import('../src/cli/commands/serve.js');
  const { processIO } = await import('../src/cli/io.js');
  process.exitCode = await command.run([], processIO());
} else if (existsSync('procedures')) {
  await main();
} else {
  log('run from the repository root: npm run bench:cases');
  process.exitCode = 2;
}
