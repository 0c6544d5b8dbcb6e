/**
 * How one indicator turns a metric value into points. Linear up to a threshold, as the national
 * index does (score = rate / threshold × max, capped at max), with two forms for metrics where
 * lower is better. docs/scorecard.md states the same formulas for people.
 */
import type { Better } from './metrics.js';
import type { NoData } from './scorecard-schema.js';

/** What {@link indicatorPoints} needs to know about an indicator. */
export interface PointsRule {
  threshold: number;
  points: number;
  better: Better;
  /** Lower-is-better only: the value that scores 0 (linear form). */
  worst?: number | undefined;
  /** Points when the value is null (nothing to measure). */
  noData: NoData;
}

/**
 * Points of one indicator, unrounded:
 * - higher is better: points × min(1, value / threshold);
 * - lower is better, no `worst`: points × min(1, threshold / value) (value 0 scores full);
 * - lower is better with `worst`: full at value ≤ threshold, 0 at value ≥ worst, linear between:
 *   points × (worst − value) / (worst − threshold);
 * - value null: `full` → points, `zero` → 0.
 */
export function indicatorPoints(value: number | null, rule: PointsRule): number {
  if (value === null) return rule.noData === 'full' ? rule.points : 0;
  const v = Math.max(0, value);
  let fraction: number;
  if (rule.better === 'higher') fraction = v / rule.threshold;
  else if (rule.worst === undefined) fraction = v === 0 ? 1 : rule.threshold / v;
  else fraction = (rule.worst - v) / (rule.worst - rule.threshold);
  return rule.points * Math.min(1, Math.max(0, fraction));
}

/** Rounds points to two decimals, the precision reports show; sums are taken of rounded points so they add up on paper. */
export function roundPoints(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100;
}
