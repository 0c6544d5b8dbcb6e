/**
 * The scorecard through the API, on the month of reports-scenario.ts, every number worked out
 * by hand next to its assertion. Phase "Giai đoạn 2 (toàn tỉnh)" of config/scorecard.yaml
 * applies to every unit in 2026.
 */
import { beforeAll, expect, it } from 'vitest';
import { CSV_BOM, parseCsv, SCORECARD_CSV_COLUMNS } from '../../src/reports/index.js';
import { LONG_READ_THREADS, SLOW_COUNT } from '../support/event-loop.js';
import { describeEachPublic } from './public-fixture.js';
import { playMarch } from './reports-scenario.js';

const MARCH = 'from=2026-03-01&to=2026-03-31';

interface Indicator {
  metric: string;
  value: number | null;
  numerator: number;
  denominator: number;
  points: number;
}
interface UnitCard {
  unit_id: string;
  phase: string;
  total: number;
  rank: number;
  siblings: number;
  groups: { id: string; points: number; indicators: Indicator[] }[];
}

const indicator = (u: UnitCard, metric: string): Indicator => u.groups.flatMap((g) => g.indicators).find((i) => i.metric === metric)!;
const group = (u: UnitCard, id: string) => u.groups.find((g) => g.id === id)!.points;

describeEachPublic('scorecard report', (ctx) => {
  beforeAll(async () => {
    await playMarch(ctx());
  });
  const scorecard = async (who: 'auditor' | 'officer' | 'other' | 'admin', query: string) => ctx().call(who, 'GET', `/api/v1/reports/scorecard?${query}`);
  const unit = (body: { units: UnitCard[] }, id: string) => body.units.find((u) => u.unit_id === id)!;

  it('computes every indicator of Thành Sen as worked out by hand', async () => {
    const r = await scorecard('auditor', `unit=ha-tinh&${MARCH}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ unit: 'ha-tinh', period: { from: '2026-03-01', to: '2026-03-31' }, phase: null, phase_date: '2026-03-31', unscored: [] });
    const ts = unit(r.body, 'thanh-sen');
    expect(ts.phase).toBe('Giai đoạn 2 (toàn tỉnh)');
    const m = (metric: string) => {
      const i = indicator(ts, metric);
      return [i.numerator, i.denominator, i.points];
    };
    // R (result in March, complaints left out) = A, B, D. On time: A only (B late; D asked to supplement twice).
    expect(m('on_time_rate')).toEqual([1, 3, 4.67]); // 14 × 1/3
    // Working days to the result: A Mon→Tue 1, B Mon→Fri 4, D Mon→Tue 1 = 6 over 3 → 2 ≤ 3: full points.
    expect(m('avg_handling_working_days')).toEqual([6, 3, 6]);
    expect(indicator(ts, 'avg_handling_working_days').value).toBe(2);
    // I = received in March: A B D E F G H M → 8; online: A F M.
    expect(m('online_share')).toEqual([3, 8, 9]); // 12 × (3/8 ÷ 0.5)
    // Electronic result among R: A.
    expect(m('electronic_result_share')).toEqual([1, 3, 2.67]); // 8 × 1/3
    // VNeID among I: A F M; data reused: A D; synced: A B D E F.
    expect(m('vneid_share')).toEqual([3, 8, 3.28]); // 7 × (0.375 ÷ 0.8) = 3.28125
    expect(m('data_reuse_share')).toEqual([2, 8, 2.19]); // 7 × (0.25 ÷ 0.8) = 2.1875
    expect(m('synced_share')).toEqual([5, 8, 8.75]); // 14 × 5/8
    // Fee to pay: A B F; paid online: A F.
    expect(m('online_payment_share')).toEqual([2, 3, 8.33]); // 10 × (2/3 ÷ 0.8)
    // H = R + open at the end with the clock started: E, F, G → 6. Overdue: B (late result), E (due
    // 12th), F (due 19th); G is due 2 April. Dissatisfied: B (rated không hài lòng), D (named by complaint K).
    // 100% − 3/6 − 2/6 = 1/6.
    expect(m('satisfaction_rate')).toEqual([1, 6, 2.59]); // 14 × (1/6 ÷ 0.9) = 2.5926
    // C = closed in March: A B H M → 4; rated: A B H.
    expect(m('rating_participation')).toEqual([3, 4, 4]); // 0.75 ≥ 0.5: full
    // Complaints answered in March: K (on time), L (a day late).
    expect(m('complaint_on_time')).toEqual([1, 2, 2]);

    expect(group(ts, 'transparency')).toBe(12.75);
    expect(group(ts, 'progress')).toBe(10.67);
    expect(group(ts, 'online_service')).toBe(17.33);
    expect(group(ts, 'digitisation')).toBe(8.14);
    expect(group(ts, 'satisfaction')).toBe(4.59);
    expect(ts.total).toBe(53.48);
  });

  it('answers other requests while long reports run; on SQLite its query waits on a long-read thread', async () => {
    const t = ctx();
    const onThreads = t.m.store.capabilities.longReadsOnThreads;
    // Other long reports keep every long-read connection busy for a while.
    const finished: string[] = [];
    const busy = Array.from({ length: LONG_READ_THREADS }, () => t.m.store.readLong((tx) => SLOW_COUNT.execute(tx.db)).finally(() => finished.push('a long read')));
    const report = scorecard('auditor', `unit=ha-tinh&${MARCH}`).finally(() => finished.push('the scorecard'));
    const other = await t.call('officer', 'GET', '/api/v1/units');
    expect(other.status).toBe(200);
    expect(finished).not.toContain('a long read');
    if (onThreads) expect(finished).toEqual([]);
    await Promise.all([...busy, report]);
    expect(finished).toContain('the scorecard');
    // SQLite: the scorecard queued behind a long read on a long-read thread; it never ran on this one.
    if (onThreads) expect(finished[0]).toBe('a long read');
    expect((await report).status).toBe(200);
  });

  it('ranks communes among their siblings and scores the province as the sum of its communes', async () => {
    const r = await scorecard('auditor', `unit=ha-tinh&${MARCH}`);
    // Thạch Khê: one dossier, on time the same day, every flag, rated: full marks.
    const tk = unit(r.body, 'thach-khe');
    expect(tk.total).toBe(100);
    expect(indicator(tk, 'avg_handling_working_days')).toMatchObject({ value: 0, points: 6 });
    expect(tk).toMatchObject({ rank: 1, siblings: 6 });
    expect(unit(r.body, 'thanh-sen')).toMatchObject({ rank: 2, siblings: 6 });
    // A commune without any case: only the "nothing to measure → full points" indicators (payment 10, complaints 4).
    expect(unit(r.body, 'dong-tien')).toMatchObject({ total: 14, rank: 3 });
    expect(unit(r.body, 'ky-xuan')).toMatchObject({ total: 14, rank: 3 });
    const province = unit(r.body, 'ha-tinh');
    expect(province).toMatchObject({ rank: 1, siblings: 1 });
    // R = A B D T, on time A T; H = 7 (satisfaction 7 − 3 − 2 = 2); I = 9.
    expect(indicator(province, 'on_time_rate')).toMatchObject({ numerator: 2, denominator: 4 });
    expect(indicator(province, 'satisfaction_rate')).toMatchObject({ numerator: 2, denominator: 7 });
    expect(indicator(province, 'online_share')).toMatchObject({ numerator: 4, denominator: 9 });
  });

  it('uses the phase asked for, or each unit’s phase on the last day of the period', async () => {
    const pilot = await scorecard('auditor', `unit=ha-tinh&${MARCH}&phase=${encodeURIComponent('Giai đoạn 1 (thí điểm)')}`);
    expect(pilot.status).toBe(200);
    const ts = unit(pilot.body, 'thanh-sen');
    expect(ts.phase).toBe('Giai đoạn 1 (thí điểm)');
    // Pilot target 30% online: 3/8 = 37.5% ≥ 30% → the full 12.
    expect(indicator(ts, 'online_share').points).toBe(12);
    expect(pilot.body).toMatchObject({ phase: 'Giai đoạn 1 (thí điểm)', phase_date: null });

    // August 2025: the pilot covers only Thành Sen and Thạch Khê; the others are not scored.
    const august = await scorecard('auditor', 'unit=ha-tinh&from=2025-08-01&to=2025-08-31');
    expect(august.body.units.map((u: UnitCard) => u.unit_id).sort()).toEqual(['thach-khe', 'thanh-sen']);
    expect(august.body.unscored.sort()).toEqual(['cam-binh', 'dong-tien', 'ha-tinh', 'ky-anh', 'ky-xuan']);

    const typo = await scorecard('auditor', `unit=ha-tinh&${MARCH}&phase=${encodeURIComponent('Giai doan 2')}`);
    expect(typo.status).toBe(404);
    expect(typo.body.detail).toMatch(/phases: Giai đoạn 1 \(thí điểm\), Giai đoạn 2 \(toàn tỉnh\)/);
  });

  it('scopes by the caller: an officer sees their commune, not the province or a neighbour', async () => {
    const own = await scorecard('officer', MARCH);
    expect(own.status).toBe(200);
    expect(own.body.units.map((u: UnitCard) => u.unit_id)).toEqual(['thanh-sen']);
    // Alone in the report, it has no siblings to be ranked against.
    expect(unit(own.body, 'thanh-sen')).toMatchObject({ total: 53.48, rank: 1, siblings: 1 });
    expect((await scorecard('officer', `unit=ha-tinh&${MARCH}`)).status).toBe(404);
    const neighbour = await scorecard('officer', `unit=thach-khe&${MARCH}`);
    const nowhere = await scorecard('officer', `unit=no-such-unit&${MARCH}`);
    expect(neighbour.status).toBe(404);
    expect(nowhere.body.code).toBe(neighbour.body.code);
    expect((await scorecard('admin', `unit=thach-khe&${MARCH}`)).status).toBe(200);
  });

  it('refuses bad periods', async () => {
    expect((await scorecard('auditor', 'from=2026-03-31&to=2026-03-01')).status).toBe(400);
    expect((await scorecard('auditor', 'from=2026-02-30&to=2026-03-01')).status).toBe(400);
    expect((await scorecard('auditor', 'from=2026-03-01')).status).toBe(400);
  });

  it('exports CSV for spreadsheets: BOM, text/csv, one row per unit and indicator, parseable', async () => {
    const r = await scorecard('auditor', `unit=ha-tinh&${MARCH}&format=csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="scorecard-2026-03-01-2026-03-31.csv"/);
    expect([...r.raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(r.raw).slice(CSV_BOM.length));
    expect(rows[0]).toEqual([...SCORECARD_CSV_COLUMNS]);
    // 7 units × 11 indicators.
    expect(rows).toHaveLength(1 + 7 * 11);
    const col = (name: string) => SCORECARD_CSV_COLUMNS.indexOf(name as (typeof SCORECARD_CSV_COLUMNS)[number]);
    const onTime = rows.find((row) => row[col('unit_id')] === 'thanh-sen' && row[col('metric')] === 'on_time_rate')!;
    expect(onTime[col('numerator')]).toBe('1');
    expect(onTime[col('denominator')]).toBe('3');
    expect(onTime[col('points')]).toBe('4.67');
    expect(onTime[col('total')]).toBe('53.48');
  });
});
