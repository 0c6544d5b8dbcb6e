/**
 * The fixed metric catalogue: each metric is a fraction of two counters (see counters.ts), so
 * every number a report shows comes with the numerator and denominator it was computed from.
 * A scorecard file may only name metrics listed here. docs/scorecard.md gives each formula in
 * Vietnamese and English.
 */
import type { UnitCounters } from './counters.js';

/** One metric's result. `value` is null when the denominator is 0: there was nothing to measure. */
export interface MetricValue {
  value: number | null;
  numerator: number;
  denominator: number;
}

/** How a metric's value reads: a share in [0, 1], or a number of working days. */
export type MetricUnit = 'share' | 'working_days';

/** Which way is good: a higher value, or a lower one (averages of time, overdue shares). */
export type Better = 'higher' | 'lower';

/** A catalogue entry. */
export interface MetricSpec {
  unit: MetricUnit;
  better: Better;
  title_vi: string;
  title_en: string;
  compute(c: Readonly<UnitCounters>): MetricValue;
}

function ratio(numerator: number, denominator: number): MetricValue {
  return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator };
}

/** The catalogue. Keys are the names a scorecard file uses under `metric:`. */
export const METRICS = {
  on_time_rate: {
    unit: 'share',
    better: 'higher',
    title_vi: 'Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn',
    title_en: 'Share of dossiers resolved early or on time',
    compute: (c) => ratio(c.resolved_on_time, c.resolved),
  },
  avg_handling_working_days: {
    unit: 'working_days',
    better: 'lower',
    title_vi: 'Thời gian giải quyết trung bình (ngày làm việc)',
    title_en: 'Average handling time (working days)',
    compute: (c) => ratio(c.handling_days_sum, c.resolved),
  },
  overdue_share: {
    unit: 'share',
    better: 'lower',
    title_vi: 'Tỷ lệ hồ sơ quá hạn',
    title_en: 'Share of dossiers overdue',
    compute: (c) => ratio(c.handled_overdue, c.handled),
  },
  online_share: {
    unit: 'share',
    better: 'higher',
    title_vi: 'Tỷ lệ hồ sơ nộp trực tuyến',
    title_en: 'Share of dossiers submitted online',
    compute: (c) => ratio(c.received_online, c.received),
  },
  electronic_result_share: {
    unit: 'share',
    better: 'higher',
    title_vi: 'Tỷ lệ hồ sơ trả kết quả điện tử',
    title_en: 'Share of results issued electronically',
    compute: (c) => ratio(c.resolved_electronic_result, c.resolved),
  },
  vneid_share: {
    unit: 'share',
    better: 'higher',
    title_vi: 'Tỷ lệ hồ sơ xác thực bằng VNeID',
    title_en: 'Share of dossiers authenticated with VNeID',
    compute: (c) => ratio(c.received_vneid, c.received),
  },
  data_reuse_share: {
    unit: 'share',
    better: 'higher',
    title_vi: 'Tỷ lệ hồ sơ khai thác, sử dụng lại dữ liệu dân cư',
    title_en: 'Share of dossiers reusing population data',
    compute: (c) => ratio(c.received_data_reused, c.received),
  },
  synced_share: {
    unit: 'share',
    better: 'higher',
    title_vi: 'Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia',
    title_en: 'Share of dossiers synchronised to the national portal',
    compute: (c) => ratio(c.received_synced, c.received),
  },
  online_payment_share: {
    unit: 'share',
    better: 'higher',
    title_vi: 'Tỷ lệ hồ sơ thanh toán trực tuyến (trong số hồ sơ có phí, lệ phí)',
    title_en: 'Share of fee-paying dossiers paid online',
    compute: (c) => ratio(c.received_paid_online, c.received_fee_payable),
  },
  satisfaction_rate: {
    unit: 'share',
    better: 'higher',
    title_vi: 'Mức độ hài lòng: 100% − tỷ lệ quá hạn − tỷ lệ có phản ánh, kiến nghị hoặc không hài lòng',
    title_en: 'Satisfaction: 100% − overdue share − share with a complaint or rated dissatisfied',
    // Numerator: handled cases left after taking off the overdue ones and the dissatisfied ones
    // (a case both late and rated badly is taken off twice, as the national formula adds shares).
    compute: (c) => ratio(Math.max(0, c.handled - c.handled_overdue - c.handled_dissatisfied), c.handled),
  },
  rating_participation: {
    unit: 'share',
    better: 'higher',
    title_vi: 'Tỷ lệ hồ sơ được người dân đánh giá',
    title_en: 'Share of closed dossiers the citizen rated',
    compute: (c) => ratio(c.closed_rated, c.closed),
  },
  complaint_on_time: {
    unit: 'share',
    better: 'higher',
    title_vi: 'Tỷ lệ phản ánh, kiến nghị được trả lời đúng hạn',
    title_en: 'Share of complaints answered on time',
    compute: (c) => ratio(c.feedback_on_time, c.feedback_resolved),
  },
} as const satisfies Record<string, MetricSpec>;

/** A metric name of the catalogue. */
export type MetricName = keyof typeof METRICS;

/** Every metric name, in catalogue order. */
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** True when `name` is in the catalogue. */
export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

/** One metric of one unit's counters. */
export function computeMetric(name: MetricName, c: Readonly<UnitCounters>): MetricValue {
  const spec: MetricSpec = METRICS[name];
  return spec.compute(c);
}

/** Every metric of one unit's counters. */
export function computeMetrics(c: Readonly<UnitCounters>): Record<MetricName, MetricValue> {
  const out = {} as Record<MetricName, MetricValue>;
  for (const name of METRIC_NAMES) out[name] = computeMetric(name, c);
  return out;
}
