/**
 * The SQL pass (countersBySql) against the pure pass (addFacts) on the same stored rows: a few
 * hundred random cases with every population boundary hit on purpose (instants exactly at the
 * period ends, results exactly at the due instant, apologies, several supplement requests,
 * flags that are not JSON `true`, ratings, complaints, results without stored working days).
 * Any rule that differs between the SQL and src/reports/counters.ts shows up as a named counter.
 */
import { expect, it } from 'vitest';
import { createAccumulator, RATING_LEVELS, type RatingLevel, type UnitCounters } from '../../src/reports/index.js';
import { countersBySql } from '../../src/service/report-counters-sql.js';
import { caseFactsFromRow } from '../../src/service/report-facts.js';
import type { NewCase } from '../../src/storage/index.js';
import { describeEachMotcua, type MotcuaContext } from '../http/cases-fixture.js';

/** March 2026 in Việt Nam: [1 March 00:00 +07, 1 April 00:00 +07). */
const PERIOD = { from: new Date('2026-02-28T17:00:00.000Z'), to: new Date('2026-03-31T17:00:00.000Z') };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UNITS = ['thanh-sen', 'thach-khe', 'dong-tien'];

/** mulberry32: the same cases on every run. */
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

interface Seeded {
  rows: NewCase[];
  ratings: Map<string, RatingLevel>;
  complaints: Map<string, string>;
}

function seedRows(ctx: MotcuaContext, n: number): Seeded {
  const next = random(20260301);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const iso = (ms: number) => new Date(ms).toISOString();
  const from = PERIOD.from.getTime();
  const to = PERIOD.to.getTime();
  // Instants on the period ends on purpose, and anywhere from mid-February to mid-April.
  const instant = (): number => (next() < 0.15 ? pick([from, to, to - 1, from - 1]) : from - 20 * DAY + Math.floor(next() * 60 * DAY));
  const rows: NewCase[] = [];
  const ratings = new Map<string, RatingLevel>();
  const complaints = new Map<string, string>();
  const feedbackIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `seed-${i}`;
    const unit = pick(UNITS);
    const feedback = next() < 0.15;
    const received = instant();
    const started = next() < 0.8 ? (next() < 0.3 ? received : received + Math.floor(next() * 2 * DAY)) : null;
    const due = started === null ? null : next() < 0.1 ? pick([from, to, to - 1]) : started + Math.floor(1 + next() * 10) * DAY;
    let result: number | null = null;
    if (started !== null && next() < 0.7) result = next() < 0.15 && due !== null ? due : next() < 0.1 ? instant() : started + Math.floor(next() * 12 * DAY);
    if (result !== null && result < received) result = received;
    const closed = result !== null ? (next() < 0.7 ? result + Math.floor(next() * 3 * DAY) : null) : next() < 0.2 ? received + Math.floor(next() * 5 * DAY) : null;
    const supplements = pick([0, 0, 0, 1, 1, 2, 3]);
    const apology = due !== null && next() < 0.12 ? { reason: 'x', new_due_at: iso(due + 2 * DAY), previous_due_at: iso(due), by: 'u', at: iso(due) } : null;
    const flagValue = () => (next() < 0.45 ? true : next() < 0.15 ? 'true' : next() < 0.5 ? false : undefined);
    const flags = Object.fromEntries(
      ['vneid_authenticated', 'data_reused', 'electronic_result', 'synced_to_portal', 'fee_payable', 'paid_online', 'digitised'].map((f) => [f, flagValue()]).filter(([, v]) => v !== undefined),
    );
    const calendar = ctx.m.deps.calendars.forUnit(unit);
    rows.push({
      id,
      code: `SEED-${i}`,
      procedure_id: feedback ? 'phan-anh-kien-nghi' : 'dang-ky-tam-tru',
      procedure_version: 1,
      unit_id: unit,
      unit_path: `/ha-tinh/${unit}/`,
      state: '["x"]',
      snapshot: '{}',
      status_code: closed !== null ? 10 : result !== null ? 9 : 4,
      version: 1,
      applicant: '{"name":"Nguyễn Văn An"}',
      data: '{}',
      channel: pick([1, 2, 2, 3]),
      received_at: iso(received),
      clock_started_at: started === null ? null : iso(started),
      due_at: due === null ? null : iso(apology === null ? due : due + 2 * DAY),
      paused_since: null,
      paused_ms: supplements === 0 ? 0 : Math.floor(next() * 3 * 7.5 * HOUR),
      supplement_count: supplements,
      nearly_due_at: null,
      overdue_at: null,
      closed_at: closed === null ? null : iso(closed),
      outcome: closed === null ? null : result !== null ? (feedback ? 'answered' : 'approved') : 'withdrawn',
      flags: JSON.stringify(flags),
      pin_hash: null,
      apology: apology === null ? null : JSON.stringify(apology),
      result_at: result === null ? null : iso(result),
      // As the case service stores it; some results (older rows) without it.
      working_days_to_result: result === null || next() < 0.1 ? null : calendar.workingDaysBetween(new Date(started ?? received), new Date(result)),
      created_by: 'seed',
      created_at: iso(received),
      updated_at: iso(received),
    });
    if (feedback) feedbackIds.push(id);
    if (next() < 0.4) ratings.set(id, pick(RATING_LEVELS));
  }
  for (const row of rows) {
    if (row.procedure_id !== 'phan-anh-kien-nghi' && next() < 0.12 && feedbackIds.length > 0) {
      const complaint = feedbackIds[complaints.size % feedbackIds.length]!;
      if (!complaints.has(complaint)) complaints.set(complaint, row.id);
    }
  }
  return { rows, ratings, complaints };
}

function nonZero(map: Map<string, UnitCounters>): Map<string, UnitCounters> {
  return new Map([...map].filter(([, c]) => Object.values(c).some((v) => v !== 0)));
}

function expectSameCounters(sql: Map<string, UnitCounters>, pure: Map<string, UnitCounters>): void {
  expect([...sql.keys()].sort()).toEqual([...pure.keys()].sort());
  for (const [unit, expected] of pure) {
    const got = sql.get(unit)!;
    // Sums of fractions of a day are added in another order: equal to rounding.
    expect(got.handling_days_sum, `${unit} handling_days_sum`).toBeCloseTo(expected.handling_days_sum, 9);
    expect({ ...got, handling_days_sum: 0 }, unit).toEqual({ ...expected, handling_days_sum: 0 });
  }
}

describeEachMotcua('scorecard counters by SQL', (ctx) => {
  let seeded: Seeded | undefined;
  const seed = async (): Promise<Seeded> => {
    if (seeded !== undefined) return seeded;
    const c = ctx();
    seeded = seedRows(c, 400);
    const { rows, ratings, complaints } = seeded;
    await c.m.store.write(async (tx) => {
      for (const row of rows) await tx.db.insertInto('cases').values(row).execute();
      for (const [caseId, level] of ratings) await tx.db.insertInto('ratings').values({ case_id: caseId, level, comment: null, at: PERIOD.from.toISOString() }).execute();
      for (const [complaintId, caseId] of complaints) await tx.db.insertInto('case_complaints').values({ complaint_id: complaintId, case_id: caseId, at: PERIOD.from.toISOString() }).execute();
    });
    return seeded;
  };

  const pureCounters = (s: Seeded, units: readonly string[]) => {
    const deps = ctx().m.deps;
    const acc = createAccumulator({
      period: PERIOD,
      workingDaysBetween: (a, b, unit) => deps.calendars.forUnit(unit).workingDaysBetween(a, b),
      officeDayMs: deps.calendars.forUnit().officeDayMs,
    });
    const complained = new Set(s.complaints.values());
    for (const row of s.rows) {
      if (!units.includes(row.unit_id)) continue;
      const stored = { ...row, paused_ms: row.paused_ms ?? 0, supplement_count: row.supplement_count ?? 0, flags: row.flags ?? '{}', result_at: row.result_at ?? null };
      acc.add(caseFactsFromRow(stored as Parameters<typeof caseFactsFromRow>[0], s.ratings.get(row.id) ?? null, complained.has(row.id), PERIOD.to));
    }
    return nonZero(acc.byKey());
  };

  const sqlCounters = (units: readonly string[], unitPath: string) => {
    const deps = ctx().m.deps;
    return ctx().m.store.read((tx) =>
      countersBySql(tx, { period: PERIOD, unitPath, unitIds: units, totalUnits: deps.units.all().length, calendarOf: (id) => deps.calendars.forUnit(id), officeDayMs: deps.calendars.forUnit().officeDayMs }),
    );
  };

  it('gives the same counters as the pure pass for a whole province (one scan)', async () => {
    const s = await seed();
    const all = ctx().m.deps.units.all().map((u) => u.id);
    const pure = pureCounters(s, all);
    // The data set really exercises every counter, so equality means something.
    for (const name of Object.keys(pure.get('thanh-sen')!) as (keyof UnitCounters)[]) {
      expect(UNITS.reduce((sum, unit) => sum + pure.get(unit)![name], 0), name).toBeGreaterThan(0);
    }
    expectSameCounters(await sqlCounters(all, '/ha-tinh/'), pure);
  });

  it('gives the same counters for a few communes (unit list) and for one commune (path range)', async () => {
    const s = await seed();
    expectSameCounters(await sqlCounters(['thanh-sen', 'thach-khe'], '/ha-tinh/'), pureCounters(s, ['thanh-sen', 'thach-khe']));
    expectSameCounters(await sqlCounters(['thach-khe'], '/ha-tinh/thach-khe/'), pureCounters(s, ['thach-khe']));
  });

  it('answers an empty map for a period before any case', async () => {
    await seed();
    const deps = ctx().m.deps;
    const empty = await ctx().m.store.read((tx) =>
      countersBySql(tx, {
        period: { from: new Date('2025-06-01T00:00:00Z'), to: new Date('2025-07-01T00:00:00Z') },
        unitPath: '/ha-tinh/',
        unitIds: deps.units.all().map((u) => u.id),
        totalUnits: deps.units.all().length,
        calendarOf: (id) => deps.calendars.forUnit(id),
      }),
    );
    expect(empty.size).toBe(0);
  });
});
