/**
 * Scoring units against the scorecard: each indicator's value with its numerator and
 * denominator, its points, the group totals, the total, and the rank among sibling units.
 * Pure: counters in, numbers out. The storage layer fills the counters; the HTTP layer asks.
 */
import { MotcuaError } from '../errors/index.js';
import { didYouMean } from '../definitions/suggest.js';
import { emptyCounters, type UnitCounters } from './counters.js';
import { computeMetric, METRICS, type Better, type MetricName, type MetricUnit } from './metrics.js';
import type { ScorecardData, ScorecardPhase } from './scorecard-schema.js';
import { indicatorPoints, roundPoints } from './scoring.js';

/** A unit to score: its id, its parent in the unit tree (siblings share it) and its name. */
export interface ScoredUnit {
  id: string;
  parentId: string | null;
  name: string;
}

/** One indicator of one unit. */
export interface IndicatorResult {
  metric: MetricName;
  title: string;
  unit: MetricUnit;
  better: Better;
  /** The metric value; null when the denominator is 0. */
  value: number | null;
  numerator: number;
  denominator: number;
  threshold: number;
  worst: number | null;
  /** True when the value is null and the `no_data` rule gave the points. */
  no_data: boolean;
  max_points: number;
  /** Points scored, rounded to two decimals. */
  points: number;
}

/** One criteria group of one unit. */
export interface GroupResult {
  id: string;
  title: string;
  max_points: number;
  /** Sum of the group's rounded indicator points. */
  points: number;
  indicators: IndicatorResult[];
}

/** One unit's scorecard. */
export interface UnitScorecard {
  unit_id: string;
  unit_name: string;
  parent_id: string | null;
  phase: string;
  groups: GroupResult[];
  /** Sum of the group points (normally out of 100). */
  total: number;
  max_total: number;
  /** 1 = best among the units with the same parent; equal totals share a rank (1, 1, 3). */
  rank: number;
  /** How many units share the parent (including this one). */
  siblings: number;
}

/** The outcome of {@link computeScorecard}. */
export interface ScorecardResult {
  scorecard_id: string;
  units: UnitScorecard[];
  /** Units no phase covered on `date` (only when the phase is chosen per unit). */
  unscored: string[];
}

/** Input of {@link computeScorecard}. Give `phase`, or `date` to pick each unit's phase with {@link selectPhase}. */
export interface ComputeScorecardInput {
  scorecard: ScorecardData;
  phase?: ScorecardPhase | string | undefined;
  /** Local date YYYY-MM-DD; used when `phase` is not given. */
  date?: string | undefined;
  units: readonly ScoredUnit[];
  counters: ReadonlyMap<string, Readonly<UnitCounters>> | Readonly<Record<string, Readonly<UnitCounters>>>;
}

/**
 * The phase in force on `date` (YYYY-MM-DD, both ends of a phase included) for `unitId`: a phase
 * with `units: all` or listing the unit. Without `unitId`, the first phase in the file that is
 * in force on the date. Undefined when none is.
 */
export function selectPhase(scorecard: ScorecardData, date: string, unitId?: string): ScorecardPhase | undefined {
  return scorecard.phases.find(
    (p) => p.from <= date && date <= p.to && (unitId === undefined || p.units === 'all' || p.units.includes(unitId)),
  );
}

/** Finds a phase by name; throws `notFound` with a suggestion. */
export function phaseByName(scorecard: ScorecardData, name: string): ScorecardPhase {
  const phase = scorecard.phases.find((p) => p.name === name);
  if (phase === undefined) {
    const names = scorecard.phases.map((p) => p.name);
    throw new MotcuaError('notFound', `phase '${name}' is not in scorecard '${scorecard.id}'${didYouMean(name, names)}; phases: ${names.join(', ')}`, { phase: name });
  }
  return phase;
}

/** Scores one unit's counters against a phase (rank and siblings are filled by {@link computeScorecard}). */
export function scoreUnit(scorecard: ScorecardData, phase: ScorecardPhase, unit: ScoredUnit, counters: Readonly<UnitCounters>): UnitScorecard {
  const groups = phase.groups.map((group): GroupResult => {
    const indicators = group.indicators.map((ind): IndicatorResult => {
      const spec = METRICS[ind.metric];
      const m = computeMetric(ind.metric, counters);
      const noData = ind.no_data ?? scorecard.no_data ?? 'zero';
      const points = indicatorPoints(m.value, { threshold: ind.threshold, points: ind.points, better: spec.better, worst: ind.worst, noData });
      return {
        metric: ind.metric,
        title: ind.title ?? spec.title_vi,
        unit: spec.unit,
        better: spec.better,
        value: m.value,
        numerator: m.numerator,
        denominator: m.denominator,
        threshold: ind.threshold,
        worst: ind.worst ?? null,
        no_data: m.value === null,
        max_points: ind.points,
        points: roundPoints(points),
      };
    });
    return { id: group.id, title: group.title, max_points: group.points, points: roundPoints(indicators.reduce((s, i) => s + i.points, 0)), indicators };
  });
  return {
    unit_id: unit.id,
    unit_name: unit.name,
    parent_id: unit.parentId,
    phase: phase.name,
    groups,
    total: roundPoints(groups.reduce((s, g) => s + g.points, 0)),
    max_total: roundPoints(groups.reduce((s, g) => s + g.max_points, 0)),
    rank: 1,
    siblings: 1,
  };
}

/** Scores every unit and ranks each among its siblings (same `parentId`). Units without counters score as having no cases. */
export function computeScorecard(input: ComputeScorecardInput): ScorecardResult {
  const { scorecard, units } = input;
  const fixed = typeof input.phase === 'string' ? phaseByName(scorecard, input.phase) : input.phase;
  if (fixed === undefined && input.date === undefined) {
    throw new MotcuaError('badRequest', 'computeScorecard needs a phase or a date to choose each unit\'s phase; pass `phase` or `date`');
  }
  const countersOf = (id: string): Readonly<UnitCounters> => {
    const c = input.counters instanceof Map ? input.counters.get(id) : (input.counters as Readonly<Record<string, Readonly<UnitCounters>>>)[id];
    return c ?? emptyCounters();
  };

  const scored: UnitScorecard[] = [];
  const unscored: string[] = [];
  for (const unit of units) {
    const phase = fixed ?? selectPhase(scorecard, input.date ?? '', unit.id);
    if (phase === undefined) unscored.push(unit.id);
    else scored.push(scoreUnit(scorecard, phase, unit, countersOf(unit.id)));
  }
  rankAmongSiblings(scored);
  return { scorecard_id: scorecard.id, units: scored, unscored };
}

/** Standard competition ranking by total within each parent: 1 = highest; ties share the rank; the next rank skips. */
function rankAmongSiblings(units: UnitScorecard[]): void {
  const byParent = new Map<string | null, UnitScorecard[]>();
  for (const u of units) {
    const list = byParent.get(u.parent_id);
    if (list === undefined) byParent.set(u.parent_id, [u]);
    else list.push(u);
  }
  for (const list of byParent.values()) {
    const sorted = [...list].sort((a, b) => b.total - a.total);
    sorted.forEach((u, i) => {
      u.siblings = list.length;
      // Totals are already rounded to 0.01, so equal on paper means equal here.
      const previous = sorted[i - 1];
      u.rank = previous !== undefined && previous.total === u.total ? previous.rank : i + 1;
    });
  }
}
