/**
 * `npm run bench:definitions`: how long it takes to load, validate and compile procedures.
 *
 * Cold figures come from fresh `node` processes (median of RUNS): (a) every procedure in
 * procedures/, (b) a generated procedure of 500 states written to a temporary file. Each child
 * reports module import, check (YAML + schema + semantic checks) and compile (XState) times;
 * the parent also reports the child's whole wall time, Node's own start-up included.
 * Warm figures (in this process) add the cost of one engine step.
 *
 * The children run the compiled dist/ when it is up to date (what `npm start` runs), otherwise
 * the TypeScript sources through tsx, which adds transpilation to the import time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkProcedureSource } from '../src/definitions/index.js';
import { compileProcedure, startCase, step } from '../src/engine/index.js';

/** Fresh processes per figure; `BENCH_RUNS=15` steadies the medians on a busy machine. */
const RUNS = Math.max(1, Number(process.env['BENCH_RUNS'] ?? 7) || 7);
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Newest modification time of any file under a folder (0 when it does not exist). */
function newest(folder: string, ext: string): number {
  let latest = 0;
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const full = join(folder, e.name);
    if (e.isDirectory()) latest = Math.max(latest, newest(full, ext));
    else if (e.name.endsWith(ext)) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

/** A procedure of `groups × perGroup` leaf states in compound groups, with guards, inputs, timers and a paused state. */
export function generateProcedure(groups: number, perGroup: number): string {
  const lines = [
    'id: generated-large',
    'version: 1',
    'title: Thủ tục sinh tự động',
    'code: "9.999999"',
    'legal_basis: [Benchmark]',
    'effective_from: 2025-07-01',
    'unit_level: commune',
    'deadline: 30 working days',
    'roles: [receiver, processor, leader]',
    'data: { type: object, properties: { ok: { type: boolean } } }',
    'initial: g0',
    'states:',
  ];
  for (let g = 0; g < groups; g++) {
    lines.push(`  g${g}:`, `    status: 4`, `    initial: s${g}_0`, `    on:`, `      WITHDRAW: { to: withdrawn, roles: [receiver], input: { required: [reason] } }`, `    states:`);
    for (let i = 0; i < perGroup; i++) {
      const name = `s${g}_${i}`;
      const last = i === perGroup - 1;
      const next = last ? (g === groups - 1 ? 'delivered' : `g${g + 1}`) : `s${g}_${i + 1}`;
      lines.push(`      ${name}:`, `        title: Bước ${g}.${i}`);
      if (i % 10 === 5) lines.push('        clock: paused');
      if (i % 7 === 3) lines.push('        after:', '          2 working days: REMIND');
      lines.push('        on:');
      const starts = g === 0 && i === 0 ? ', starts_clock: true' : '';
      lines.push(`          NEXT: [{ to: ${next}, roles: [processor], when: "data.ok == true"${starts} }, { to: ${next}, roles: [leader]${starts} }]`);
      if (i > 0) lines.push(`          BACK: { to: s${g}_${i - 1}, roles: [leader], input: { required: [reason] } }`);
      if (i % 7 === 3) lines.push('          REMIND: {}');
      lines.push('          NOTE: { roles: [receiver, processor], input: { required: [note] } }');
    }
  }
  lines.push('  delivered: { status: 10, final: true, outcome: approved }', '  withdrawn: { status: 7, final: true, outcome: withdrawn }', '');
  return lines.join('\n');
}

const CHILD = `
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t0 = performance.now(), c0 = cpu();
const [defsUrl, engineUrl, mode, target] = process.argv.slice(2);
const defs = await import(defsUrl);
const engine = await import(engineUrl);
const t1 = performance.now(), c1 = cpu();
let procedures;
if (mode === 'folder') {
  const checked = await defs.checkPaths([target]);
  if (checked.findings.some((f) => f.severity === 'error')) throw new Error('procedures have errors: ' + checked.findings.map(defs.formatFinding).join('\\n'));
  procedures = checked.procedures.map((p) => p.definition);
} else {
  const { readFileSync } = await import('node:fs');
  const checked = defs.checkProcedureSource(readFileSync(target), target);
  if (checked.definition === null) throw new Error(checked.findings.map(defs.formatFinding).join('\\n'));
  procedures = [checked.definition];
}
const t2 = performance.now(), c2 = cpu();
let states = 0;
for (const def of procedures) states += engine.compileProcedure(def).model.states.size;
const t3 = performance.now(), c3 = cpu();
process.stdout.write(JSON.stringify({
  count: procedures.length, states,
  importMs: t1 - t0, checkMs: t2 - t1, compileMs: t3 - t2, totalMs: t3 - t0,
  importCpu: c1 - c0, checkCpu: c2 - c1, compileCpu: c3 - c2,
}));
`;

interface ChildFigures {
  count: number;
  states: number;
  importMs: number;
  checkMs: number;
  compileMs: number;
  totalMs: number;
  /** CPU time of the same phases: steadier than wall time when other processes share the machine. */
  importCpu: number;
  checkCpu: number;
  compileCpu: number;
  wallMs: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`.padStart(10);

function coldRuns(label: string, mode: 'folder' | 'file', target: string, child: string, useDist: boolean): ChildFigures {
  const url = (path: string): string => pathToFileURL(join(root, path)).href;
  const urls = useDist
    ? [url('dist/definitions/index.js'), url('dist/engine/index.js')]
    : [url('src/definitions/index.ts'), url('src/engine/index.ts')];
  const nodeArgs = useDist ? [child] : ['--import', 'tsx', child];
  const runs: ChildFigures[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [...nodeArgs, ...urls, mode, target], { cwd: root, encoding: 'utf8' });
    const wallMs = performance.now() - started;
    if (r.status !== 0) throw new Error(`${label}: child failed:\n${r.stderr}`);
    runs.push({ ...(JSON.parse(r.stdout) as Omit<ChildFigures, 'wallMs'>), wallMs });
  }
  const pick = (k: keyof ChildFigures): number => median(runs.map((r) => r[k]));
  const keys: (keyof ChildFigures)[] = ['count', 'states', 'importMs', 'checkMs', 'compileMs', 'totalMs', 'importCpu', 'checkCpu', 'compileCpu', 'wallMs'];
  const figures = Object.fromEntries(keys.map((k) => [k, pick(k)])) as unknown as ChildFigures;
  console.log(`\n${label}: ${figures.count} procedure(s), ${figures.states} states; median of ${RUNS} cold processes`);
  console.log(`                          wall        cpu`);
  console.log(`  import modules     ${ms(figures.importMs)} ${ms(figures.importCpu)}`);
  console.log(`  validate (check)   ${ms(figures.checkMs)} ${ms(figures.checkCpu)}`);
  console.log(`  compile (XState)   ${ms(figures.compileMs)} ${ms(figures.compileCpu)}`);
  console.log(`  validate+compile   ${ms(figures.checkMs + figures.compileMs)} ${ms(figures.checkCpu + figures.compileCpu)}`);
  console.log(`  whole process wall ${ms(figures.wallMs)}   (Node start-up and imports included)`);
  return figures;
}

function warmStep(source: string): void {
  const def = checkProcedureSource(source, 'generated.yaml').definition;
  if (def === null) throw new Error('generated procedure is invalid');
  compileProcedure(def);
  const actor = { id: 'bench', roles: ['processor'] };
  const facts = { data: { ok: true }, case: {} };
  const now = new Date(0);
  let snapshot = startCase(def, facts, now).snapshot;
  const n = 400;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = step(def, snapshot, { type: 'NEXT' }, actor, facts, now);
    if (!r.ok) throw new Error(r.message);
    snapshot = r.snapshot;
  }
  const per = (performance.now() - t0) / n;
  console.log(`\nwarm engine step on the 500-state procedure: ${(per * 1000).toFixed(0)} µs per event (${Math.round(1000 / per)} steps/s, one core)`);
}

/** Runs the benchmark (only when this file is the program, so tests and scripts can import the generator). */
async function run(): Promise<void> {
  const distFresh = newest(join(root, 'dist'), '.js') > 0 && newest(join(root, 'dist'), '.js') >= newest(join(root, 'src'), '.ts');
  const useDist = distFresh && !process.argv.includes('--tsx');
  const scratch = mkdtempSync(join(tmpdir(), 'motcua-bench-'));
  try {
    const child = join(scratch, 'child.mjs');
    writeFileSync(child, CHILD);
    const generated = join(scratch, 'generated-large.yaml');
    const source = generateProcedure(10, 50);
    writeFileSync(generated, source);
    console.log(`motcua bench:definitions (node ${process.version}; children run ${useDist ? 'dist/ (compiled JS)' : 'src/ through tsx (includes TypeScript transpilation; run `npm run build` for product figures)'})`);
    const shipped = coldRuns('procedures/', 'folder', join(root, 'procedures'), child, useDist);
    const large = coldRuns('generated 500-state procedure', 'file', generated, child, useDist);
    warmStep(source);
    // Wall time is what a user waits; CPU time is what the work costs when other processes share the cores.
    const verdict = (name: string, f: ChildFigures, aim: number): string => {
      const wall = f.checkMs + f.compileMs;
      const cpu = f.checkCpu + f.compileCpu;
      return `${name}: ${wall.toFixed(1)} ms wall ${wall < aim ? 'ok' : 'MISSED'}, ${cpu.toFixed(1)} ms cpu ${cpu < aim ? 'ok' : 'MISSED'} (aim < ${aim} ms)`;
    };
    const [load1] = loadavg();
    console.log(`\nsummary (load + validate + compile, cold, imports excluded; load average ${load1?.toFixed(1)} on ${cpus().length} cores):`);
    console.log(`  ${verdict('all shipped procedures', shipped, 300)}`);
    console.log(`  ${verdict('500 states', large, 200)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await run();
