/**
 * npm run bench:calendar — the working-day calendar's arithmetic, on the shipped Vietnamese
 * calendar (config/calendars/vn.yaml): time per call of addDuration (1, 30 and 90 working days,
 * from a day before Tết so the longest spans cross it) and of workingDaysBetween over a quarter.
 * Each figure is the median of 7 runs of 20,000 calls. It must stay far below a request's cost:
 * the calendar counts by day, never by minute.
 * Usage: npm run bench:calendar [-- --calls 20000 --runs 7]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createWorkingCalendar, loadCalendar, parseDuration, type Duration } from '../src/calendar/index.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '20000' }, runs: { type: 'string', default: '7' } } });
const CALLS = Number(values.calls);
const RUNS = Number(values.runs);

const path = 'config/calendars/vn.yaml';
const cal = createWorkingCalendar(loadCalendar(readFileSync(path, 'utf8'), path).calendar);
const duration = (text: string): Duration => {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};
const from = new Date('2026-02-10T09:00:00+07:00');
const quarterEnd = new Date('2026-05-10T17:00:00+07:00');

/** Median µs per call of `fn` over RUNS runs of CALLS calls (after one unrecorded warm-up run). */
function perCall(fn: () => unknown): number {
  const runs: number[] = [];
  for (let r = 0; r <= RUNS; r++) {
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) fn();
    if (r > 0) runs.push(((performance.now() - start) * 1000) / CALLS);
  }
  runs.sort((p, q) => p - q);
  return runs[Math.floor(runs.length / 2)]!;
}

const rows: [string, () => unknown][] = [
  ['addDuration 1 working day', () => cal.addDuration(from, duration('1 working day'))],
  ['addDuration 30 working days (across Tết)', () => cal.addDuration(from, duration('30 working days'))],
  ['addDuration 90 working days', () => cal.addDuration(from, duration('90 working days'))],
  ['workingDaysBetween, one quarter', () => cal.workingDaysBetween(from, quarterEnd)],
];
const results = rows.map(([name, fn]) => ({ call: name, median_us: Number(perCall(fn).toFixed(2)) }));
process.stdout.write(
  ['| call | µs per call (median) |', '|---|---|', ...results.map((r) => `| ${r.call} | ${r.median_us} |`), '', JSON.stringify({ node: process.version, calls: CALLS, runs: RUNS, results }, null, 2), ''].join('\n'),
);
