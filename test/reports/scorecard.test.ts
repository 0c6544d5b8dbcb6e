/**
 * Scoring: the shipped scorecard applied to the hand-computed fixture, the two forms of
 * lower-is-better indicators, the no-data rule, phase selection by date and unit, and ranks
 * among sibling units with ties.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMotcuaError } from '../../src/errors/index.js';
import {
  checkScorecardSource,
  computeScorecard,
  createAccumulator,
  emptyCounters,
  indicatorPoints,
  selectPhase,
  type ScorecardData,
  type UnitCounters,
} from '../../src/reports/index.js';
import { CASES, CTX } from './fixture.js';

const CONFIG = fileURLToPath(new URL('../../config/scorecard.yaml', import.meta.url));

function shipped(): ScorecardData {
  const { scorecard, findings } = checkScorecardSource(readFileSync(CONFIG), 'config/scorecard.yaml');
  expect(findings).toEqual([]);
  if (scorecard === null) throw new Error('config/scorecard.yaml does not load');
  return scorecard;
}

function fixtureCounters(): UnitCounters {
  const acc = createAccumulator(CTX);
  for (const f of Object.values(CASES)) acc.add(f);
  return acc.get('u1') as UnitCounters;
}

describe('indicatorPoints', () => {
  const higher = { threshold: 0.5, points: 12, better: 'higher' as const, noData: 'zero' as const };

  it('is linear up to the threshold and capped at the points above it', () => {
    expect(indicatorPoints(0, higher)).toBe(0);
    expect(indicatorPoints(0.25, higher)).toBe(6);
    expect(indicatorPoints(0.5, higher)).toBe(12);
    expect(indicatorPoints(0.9, higher)).toBe(12);
  });

  it('inverts lower-is-better metrics as threshold / value', () => {
    const lower = { threshold: 3, points: 6, better: 'lower' as const, noData: 'zero' as const };
    expect(indicatorPoints(0, lower)).toBe(6);
    expect(indicatorPoints(2, lower)).toBe(6);
    expect(indicatorPoints(3, lower)).toBe(6);
    // 3 / 6 = half the points; 3 / 12 = a quarter.
    expect(indicatorPoints(6, lower)).toBe(3);
    expect(indicatorPoints(12, lower)).toBe(1.5);
  });

  it('scores lower-is-better linearly from full at the threshold to 0 at `worst`', () => {
    const lower = { threshold: 3, worst: 7, points: 6, better: 'lower' as const, noData: 'zero' as const };
    expect(indicatorPoints(3, lower)).toBe(6);
    // (7 − 5) / (7 − 3) = 0.5.
    expect(indicatorPoints(5, lower)).toBe(3);
    expect(indicatorPoints(6, lower)).toBe(1.5);
    expect(indicatorPoints(7, lower)).toBe(0);
    expect(indicatorPoints(30, lower)).toBe(0);
    expect(indicatorPoints(1, lower)).toBe(6);
  });

  it('scores a null value by the no-data rule', () => {
    expect(indicatorPoints(null, higher)).toBe(0);
    expect(indicatorPoints(null, { ...higher, noData: 'full' })).toBe(12);
  });
});

describe('computeScorecard on the fixture with the shipped phase 2', () => {
  const card = shipped();
  const result = computeScorecard({
    scorecard: card,
    phase: 'Giai đoạn 2 (toàn tỉnh)',
    units: [{ id: 'u1', parentId: 'p', name: 'Công an xã Một' }],
    counters: new Map([['u1', fixtureCounters()]]),
  });
  const unit = result.units[0]!;
  const points = Object.fromEntries(unit.groups.flatMap((g) => g.indicators.map((i) => [i.metric, i.points])));
  const groups = Object.fromEntries(unit.groups.map((g) => [g.id, g.points]));

  it('scores each indicator as worked out by hand', () => {
    expect(points).toEqual({
      synced_share: 9.33, // 6/9 of threshold 1 × 14 = 9.333
      rating_participation: 4, // 4/7 = 0.571 ≥ 0.5 → full 4
      on_time_rate: 7, // 3/6 of 1 × 14
      avg_handling_working_days: 6, // average 3 days ≤ threshold 3 → full 6
      online_share: 10.67, // (4/9) / 0.5 × 12 = 10.667
      online_payment_share: 8.33, // (2/3) / 0.8 × 10 = 8.333
      electronic_result_share: 4, // 3/6 of 1 × 8
      data_reuse_share: 1.94, // (2/9) / 0.8 × 7 = 1.944
      vneid_share: 3.89, // (4/9) / 0.8 × 7 = 3.889
      satisfaction_rate: 5.83, // (3/8) / 0.9 × 14 = 5.833
      complaint_on_time: 2, // 1/2 of 1 × 4
    });
  });

  it('adds group totals and the total out of 100 from the rounded points', () => {
    expect(groups).toEqual({ transparency: 13.33, progress: 13, online_service: 19, digitisation: 9.83, satisfaction: 7.83 });
    expect(unit.total).toBe(62.99);
    expect(unit.max_total).toBe(100);
    expect(unit.groups.map((g) => g.max_points)).toEqual([18, 20, 22, 22, 18]);
  });

  it('shows each value beside its numerator and denominator', () => {
    const satisfaction = unit.groups.find((g) => g.id === 'satisfaction')?.indicators[0];
    expect(satisfaction).toMatchObject({ metric: 'satisfaction_rate', value: 3 / 8, numerator: 3, denominator: 8, threshold: 0.9, max_points: 14, no_data: false });
    const avg = unit.groups.find((g) => g.id === 'progress')?.indicators[1];
    expect(avg).toMatchObject({ metric: 'avg_handling_working_days', better: 'lower', value: 3, numerator: 18, denominator: 6, worst: 7 });
  });
});

describe('ranking among siblings', () => {
  const card = shipped();
  const strong: UnitCounters = { ...emptyCounters(), resolved: 10, resolved_on_time: 10, received: 10, received_synced: 10, received_online: 5 };
  const weak: UnitCounters = { ...emptyCounters(), resolved: 10, resolved_on_time: 5, received: 10, received_synced: 5 };

  it('ranks by total within each parent; equal totals share a rank and the next rank skips', () => {
    const result = computeScorecard({
      scorecard: card,
      phase: 'Giai đoạn 2 (toàn tỉnh)',
      units: [
        { id: 'a', parentId: 'p', name: 'A' },
        { id: 'b', parentId: 'p', name: 'B' },
        { id: 'c', parentId: 'p', name: 'C' },
        { id: 'd', parentId: 'p', name: 'D' },
        { id: 'x', parentId: 'q', name: 'X' },
      ],
      counters: { a: weak, b: strong, c: weak, d: emptyCounters(), x: weak },
    });
    const rank = Object.fromEntries(result.units.map((u) => [u.unit_id, [u.rank, u.siblings]]));
    expect(result.units.map((u) => u.unit_id)).toEqual(['a', 'b', 'c', 'd', 'x']);
    expect(rank).toEqual({ b: [1, 4], a: [2, 4], c: [2, 4], d: [4, 4], x: [1, 1] });
    const total = Object.fromEntries(result.units.map((u) => [u.unit_id, u.total]));
    expect(total['a']).toBe(total['c']);
    expect(total['b']).toBeGreaterThan(total['a']!);
  });

  it('scores a unit with no cases by the no-data rules only (complaints and online payment full, the rest 0)', () => {
    const result = computeScorecard({ scorecard: card, phase: 'Giai đoạn 2 (toàn tỉnh)', units: [{ id: 'd', parentId: null, name: 'D' }], counters: {} });
    expect(result.units[0]?.total).toBe(14);
    const noData = result.units[0]?.groups.flatMap((g) => g.indicators).filter((i) => i.points > 0);
    expect(noData?.map((i) => [i.metric, i.value, i.no_data])).toEqual([
      ['online_payment_share', null, true],
      ['complaint_on_time', null, true],
    ]);
  });
});

describe('phases', () => {
  const card = shipped();

  it('selects the phase in force on a date for a unit, both ends included', () => {
    expect(selectPhase(card, '2025-07-01', 'thanh-sen')?.name).toBe('Giai đoạn 1 (thí điểm)');
    expect(selectPhase(card, '2025-12-31', 'thach-khe')?.name).toBe('Giai đoạn 1 (thí điểm)');
    expect(selectPhase(card, '2026-01-01', 'thanh-sen')?.name).toBe('Giai đoạn 2 (toàn tỉnh)');
    expect(selectPhase(card, '2026-12-31', 'ky-anh')?.name).toBe('Giai đoạn 2 (toàn tỉnh)');
    expect(selectPhase(card, '2025-09-01', 'ky-anh')).toBeUndefined();
    expect(selectPhase(card, '2025-06-30', 'thanh-sen')).toBeUndefined();
    expect(selectPhase(card, '2027-01-01', 'thanh-sen')).toBeUndefined();
    expect(selectPhase(card, '2025-09-01')?.name).toBe('Giai đoạn 1 (thí điểm)');
  });

  it('scores each unit by its own phase when given a date, and lists the units no phase covers', () => {
    const result = computeScorecard({
      scorecard: card,
      date: '2025-10-15',
      units: [
        { id: 'thanh-sen', parentId: 'ha-tinh', name: 'Công an phường Thành Sen' },
        { id: 'ky-anh', parentId: 'ha-tinh', name: 'Công an xã Kỳ Anh' },
      ],
      counters: {},
    });
    expect(result.units.map((u) => [u.unit_id, u.phase])).toEqual([['thanh-sen', 'Giai đoạn 1 (thí điểm)']]);
    expect(result.unscored).toEqual(['ky-anh']);
  });

  it('refuses an unknown phase name with a suggestion', () => {
    try {
      computeScorecard({ scorecard: card, phase: 'Giai đoạn 3', units: [], counters: {} });
      expect.unreachable();
    } catch (e) {
      expect(isMotcuaError(e, 'notFound')).toBe(true);
      expect((e as Error).message).toMatch(/phase 'Giai đoạn 3' is not in scorecard 'ha-tinh'/);
    }
  });
});
