/**
 * Every indicator of the catalogue on the hand-computed fixture (fixture.ts): the expected
 * numerator and denominator of each are worked out in the comments, case by case, so a change
 * to a definition shows up as a named difference.
 */
import { describe, expect, it } from 'vitest';
import {
  COUNTER_NAMES,
  METRIC_NAMES,
  computeMetrics,
  createAccumulator,
  emptyCounters,
  isOverdue,
  mergeCounters,
  rollUpCounters,
  type UnitCounters,
} from '../../src/reports/index.js';
import { CASES, CTX, d, facts } from './fixture.js';

function countersOf(keys: string): UnitCounters {
  const acc = createAccumulator(CTX);
  for (const k of keys) acc.add(CASES[k]!);
  return acc.get('u1') as UnitCounters;
}

const ALL = 'ABCDEFGHIJKLM';

describe('the counters of the fixture', () => {
  const c = countersOf(ALL);

  it('counts each population by hand', () => {
    expect(c).toEqual({
      // R = result in March: A (4th), B (6th), C (7th), D (6th), E (12th), J (3rd). I is February; K, L are complaints.
      resolved: 6,
      // On time: A (4th ≤ 5th), C (7th ≤ 8th, one supplement), E (12th ≤ 13th). Late: B (6th > 5th), D (two supplements), J (3rd > 2nd).
      resolved_on_time: 3,
      // A 2 + B 4 + C (4 − 2 paused) 2 + D (3 − 1 paused) 2 + E 2 + J (25 Feb → 3 Mar) 6 = 18.
      handling_days_sum: 18,
      // A, C, J.
      resolved_electronic_result: 3,
      // H = R (6) + open at the end with the clock started: F, G. Not H (clock never started), not M (closed on the 18th).
      handled: 8,
      // B (late result), J (late result), F (open, due 25th < 1 Apr).
      handled_overdue: 3,
      // B rated "không hài lòng", D has a complaint. (H's bad rating: H is not in the handled population.)
      handled_dissatisfied: 2,
      // I = received in March: A B C D E F G H M (I and J came in February).
      received: 9,
      // Channel 2 among them: A, C, F, M (J is online but February).
      received_online: 4,
      // A, C, F, M.
      received_vneid: 4,
      // A, D.
      received_data_reused: 2,
      // A, B, C, D, E, F.
      received_synced: 6,
      // A, B, F have a fee; A and F paid online.
      received_fee_payable: 3,
      received_paid_online: 2,
      // C = closed in March: A (4th), B (6th), C (9th), D (6th), H (5th), J (3rd), M (18th). E is still open.
      closed: 7,
      // Rated: A (rất hài lòng), B (không), C (hài lòng), H (không).
      closed_rated: 4,
      closed_rated_rat_hai_long: 1,
      closed_rated_hai_long: 1,
      closed_rated_khong_hai_long: 2,
      // K answered on the 10th (due 20th), L on the 25th (due 23rd).
      feedback_resolved: 2,
      feedback_on_time: 1,
    });
  });

  it('gives every indicator with its numerator and denominator', () => {
    const m = computeMetrics(c);
    expect(Object.keys(m)).toEqual(METRIC_NAMES);
    expect(m.on_time_rate).toEqual({ value: 3 / 6, numerator: 3, denominator: 6 });
    expect(m.avg_handling_working_days).toEqual({ value: 3, numerator: 18, denominator: 6 });
    expect(m.overdue_share).toEqual({ value: 3 / 8, numerator: 3, denominator: 8 });
    expect(m.online_share).toEqual({ value: 4 / 9, numerator: 4, denominator: 9 });
    expect(m.electronic_result_share).toEqual({ value: 3 / 6, numerator: 3, denominator: 6 });
    expect(m.vneid_share).toEqual({ value: 4 / 9, numerator: 4, denominator: 9 });
    expect(m.data_reuse_share).toEqual({ value: 2 / 9, numerator: 2, denominator: 9 });
    expect(m.synced_share).toEqual({ value: 6 / 9, numerator: 6, denominator: 9 });
    expect(m.online_payment_share).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 });
    // 100% − 3/8 overdue − 2/8 dissatisfied = 3/8.
    expect(m.satisfaction_rate).toEqual({ value: 3 / 8, numerator: 3, denominator: 8 });
    expect(m.rating_participation).toEqual({ value: 4 / 7, numerator: 4, denominator: 7 });
    expect(m.complaint_on_time).toEqual({ value: 1 / 2, numerator: 1, denominator: 2 });
  });
});

describe('indicator rules', () => {
  it('counts more than one supplement request as late even when the result came before due', () => {
    expect(countersOf('D')).toMatchObject({ resolved: 1, resolved_on_time: 0, handled_overdue: 0 });
    expect(countersOf('C')).toMatchObject({ resolved: 1, resolved_on_time: 1 });
  });

  it('excludes supplement time: C waited 2 days and is on time against its extended due date', () => {
    const c = countersOf('C');
    expect(c.handling_days_sum).toBe(2);
    expect(c.resolved_on_time).toBe(1);
  });

  it('leaves complaints out of the dossier indicators and counts them only as complaints', () => {
    const c = countersOf('KL');
    expect({ ...c, feedback_resolved: 0, feedback_on_time: 0 }).toEqual(emptyCounters());
    expect(computeMetrics(c).complaint_on_time).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
  });

  it('clamps the satisfaction rate at 0 when late and dissatisfied cases are more than all', () => {
    // One case, late AND rated badly: 100% − 100% − 100% → 0, not −100%.
    const late = facts({ received_at: d(2), clock_started_at: d(2), due_at: d(3), result_at: d(4), closed_at: d(4), outcome: 'approved', rating: 'khong_hai_long' });
    const acc = createAccumulator(CTX);
    acc.add(late);
    expect(computeMetrics(acc.get('u1')!).satisfaction_rate).toEqual({ value: 0, numerator: 0, denominator: 1 });
  });

  it('gives null, not 0 or NaN, when there is nothing to measure', () => {
    const m = computeMetrics(emptyCounters());
    for (const name of METRIC_NAMES) expect(m[name], name).toEqual({ value: null, numerator: 0, denominator: 0 });
  });
});

describe('isOverdue', () => {
  const end = d(1, 4);
  it('judges a case that ended in time by when it ended, and a running one by the period end', () => {
    expect(isOverdue({ due_at: d(5), result_at: d(6), closed_at: null }, end)).toBe(true);
    expect(isOverdue({ due_at: d(5), result_at: d(5), closed_at: null }, end)).toBe(false);
    expect(isOverdue({ due_at: d(19), result_at: null, closed_at: d(18) }, end)).toBe(false);
    expect(isOverdue({ due_at: d(25), result_at: null, closed_at: null }, end)).toBe(true);
    expect(isOverdue({ due_at: d(5, 4), result_at: null, closed_at: null }, end)).toBe(false);
    // A result after the period end does not count yet: at the period end it was running, past due.
    expect(isOverdue({ due_at: d(30), result_at: d(3, 4), closed_at: null }, end)).toBe(true);
    expect(isOverdue({ due_at: null, result_at: d(30), closed_at: null }, end)).toBe(false);
  });
});

describe('accumulating', () => {
  it('gives the same counters in one pass, in two merged halves, and from stored counters', () => {
    const whole = countersOf(ALL);
    const first = createAccumulator(CTX);
    const second = createAccumulator(CTX);
    [...ALL].forEach((k, i) => (i % 2 === 0 ? first : second).add(CASES[k]!));
    first.merge(second);
    expect(first.get('u1')).toEqual(whole);

    const fromStorage = createAccumulator(CTX);
    fromStorage.merge(new Map([['u1', whole]]));
    expect(fromStorage.get('u1')).toEqual(whole);
    expect(mergeCounters(emptyCounters(), whole)).toEqual(whole);
  });

  it('groups by another key when asked (e.g. by procedure)', () => {
    const acc = createAccumulator(CTX, (f) => f.procedure_id);
    for (const k of ALL) acc.add(CASES[k]!);
    expect([...acc.byKey().keys()].sort()).toEqual(['dang-ky-tam-tru', 'phan-anh-kien-nghi']);
    expect(acc.get('phan-anh-kien-nghi')?.feedback_resolved).toBe(2);
  });

  it('rolls communes up into their province', () => {
    const units = [
      { id: 'p', parentId: null },
      { id: 'u1', parentId: 'p' },
      { id: 'u2', parentId: 'p' },
    ];
    const u1 = countersOf(ALL);
    const u2 = { ...emptyCounters(), resolved: 2, resolved_on_time: 1 };
    const rolled = rollUpCounters(units, new Map([['u1', u1], ['u2', u2]]));
    expect(rolled.get('p')?.resolved).toBe(8);
    expect(rolled.get('p')?.resolved_on_time).toBe(4);
    expect(rolled.get('u2')).toEqual(u2);
    for (const name of COUNTER_NAMES) expect(rolled.get('p')?.[name], name).toBe(u1[name] + u2[name]);
  });
});
