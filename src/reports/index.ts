/**
 * Reports: the province's scorecard and the satisfaction figures, computed from case facts in
 * two steps (one pass into per-unit counters, then indicators and points from the counters).
 * Pure: no I/O, no clock reads; storage fills the facts or the counters, http asks.
 */
export { CHANNELS, RATING_LABELS, RATING_LEVELS, isOverdue, type CaseFacts, type CaseFlags, type ChannelCode, type RatingLevel, type ReportPeriod } from './facts.js';
export {
  COUNTER_NAMES,
  DEFAULT_OFFICE_DAY_MS,
  addFacts,
  createAccumulator,
  emptyCounters,
  handlingWorkingDays,
  isOnTime,
  mergeCounters,
  rollUpCounters,
  type Accumulator,
  type MetricContext,
  type UnitCounters,
} from './counters.js';
export { METRICS, METRIC_NAMES, computeMetric, computeMetrics, isMetricName, type Better, type MetricName, type MetricSpec, type MetricUnit, type MetricValue } from './metrics.js';
export {
  CriteriaGroup,
  Indicator,
  NoDataRule,
  Phase,
  RatingCriterion,
  ScorecardFile,
  UnitSelection,
  scorecardSchemaFile,
  type NoData,
  type ScorecardData,
  type ScorecardGroup,
  type ScorecardIndicator,
  type ScorecardPhase,
} from './scorecard-schema.js';
export { checkScorecardData, checkScorecardDocument, checkScorecardSource, loadScorecard, type ScorecardCheck, type ScorecardCheckOptions } from './scorecard-check.js';
export { indicatorPoints, roundPoints, type PointsRule } from './scoring.js';
export {
  computeScorecard,
  phaseByName,
  scoreUnit,
  selectPhase,
  type ComputeScorecardInput,
  type GroupResult,
  type IndicatorResult,
  type ScorecardResult,
  type ScoredUnit,
  type UnitScorecard,
} from './scorecard.js';
export { CSV_BOM, SCORECARD_CSV_COLUMNS, csvField, parseCsv, scorecardToCsv, toCsv, type CsvCell } from './csv.js';
