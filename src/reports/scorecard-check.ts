/**
 * Reading and checking a scorecard file: safe YAML, the zod schema, then the checks a schema
 * cannot express: points that add up (indicators to their group, groups to the declared
 * total), thresholds that fit the metric (a share is at most 1), `worst` only where lower is
 * better, and no unit in two phases on the same day. Every finding has line:col; nothing throws.
 */
import { MotcuaError } from '../errors/index.js';
import { hasErrors, sortFindings, type Finding } from '../definitions/findings.js';
import { didYouMean } from '../definitions/suggest.js';
import { parseYamlSource, type ParsedYaml, type YamlPath, type YamlPosition } from '../definitions/yaml-source.js';
import { METRIC_NAMES, METRICS } from './metrics.js';
import { ScorecardFile, type ScorecardData, type ScorecardPhase } from './scorecard-schema.js';

/** The result of {@link checkScorecardSource}: the scorecard, or null when there is any error. */
export interface ScorecardCheck {
  scorecard: ScorecardData | null;
  findings: Finding[];
}

/** Options of the checker. */
export interface ScorecardCheckOptions {
  /** Known unit ids (config/units.yaml); when given, an unknown unit in `units:` is an error. */
  unitIds?: Iterable<string>;
}

type Locate = (path: YamlPath, which?: 'key' | 'value') => YamlPosition;

/** Points are decimals in YAML; sums are compared with this tolerance so 0.1 + 0.2 equals 0.3. */
const EPSILON = 1e-9;

/** Checks a scorecard file's text; never throws. */
export function checkScorecardSource(source: string | Uint8Array, path: string, options: ScorecardCheckOptions = {}): ScorecardCheck {
  const parsed = parseYamlSource(source, path);
  if (parsed.value === undefined) return { scorecard: null, findings: sortFindings(parsed.findings) };
  const { scorecard, findings } = checkParsed(parsed, path, options);
  const all = sortFindings([...parsed.findings, ...findings]);
  return { scorecard: hasErrors(all) ? null : scorecard, findings: all };
}

/** The findings of an already parsed scorecard document (for `registerDocumentChecker`). */
export function checkScorecardDocument(doc: ParsedYaml, path: string): Finding[] {
  return checkParsed(doc, path, {}).findings;
}

/** Reads a scorecard for use; throws `validationFailed` naming the first error. Warnings come back with it. */
export function loadScorecard(source: string | Uint8Array, path: string, options: ScorecardCheckOptions = {}): { scorecard: ScorecardData; findings: Finding[] } {
  const { scorecard, findings } = checkScorecardSource(source, path, options);
  if (scorecard === null) {
    const errors = findings.filter((f) => f.severity === 'error');
    const first = errors[0];
    const where = first ? `${first.path}:${first.line}:${first.col}: ${first.message}` : path;
    throw new MotcuaError('validationFailed', `scorecard ${path} has ${errors.length} error(s); fix them and reload (first: ${where})`, { findings });
  }
  return { scorecard, findings };
}

function checkParsed(doc: ParsedYaml, path: string, options: ScorecardCheckOptions): ScorecardCheck {
  const result = ScorecardFile.safeParse(doc.value);
  if (!result.success) {
    return { scorecard: null, findings: result.error.issues.map((issue) => issueFinding(issue, doc.value, doc.locate, path)) };
  }
  const findings = checkScorecardData(result.data, doc.locate, path, options);
  return { scorecard: result.data, findings };
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function issueFinding(issue: ZodIssueLike, value: unknown, locate: Locate, file: string): Finding {
  const p = issue.path.filter((s): s is string | number => typeof s === 'string' || typeof s === 'number');
  const last = p[p.length - 1];
  if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
    const key = issue.keys[0] ?? '';
    const known = knownKeysAt(p);
    return { path: file, ...locate([...p, key]), severity: 'error', message: `unknown key '${key}'${didYouMean(key, known)} (allowed: ${known.join(', ')})` };
  }
  const where = `${p.join('.')}: `;
  if (last === 'metric' && issue.code === 'invalid_value') {
    const given = valueAt(value, p);
    const name = typeof given === 'string' ? given : String(given);
    const hint = didYouMean(name, METRIC_NAMES) || `; the metrics are: ${METRIC_NAMES.join(', ')}`;
    return { path: file, ...locate(p, 'value'), severity: 'error', message: `${where}unknown metric '${name}'${hint}` };
  }
  if (last === 'units' && issue.code === 'invalid_union') {
    return { path: file, ...locate(p, 'value'), severity: 'error', message: `${where}write \`all\` or a list of unit ids, e.g. [thanh-sen, thach-khe]` };
  }
  return { path: file, ...locate(p, 'value'), severity: 'error', message: `${where}${issue.message}` };
}

function valueAt(value: unknown, p: readonly (string | number)[]): unknown {
  let v = value;
  for (const s of p) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[s] : undefined;
  return v;
}

/** Keys allowed at a path, for "did you mean" on typos. */
function knownKeysAt(p: readonly (string | number)[]): string[] {
  const names = p.filter((s): s is string => typeof s === 'string');
  const depth = names.length;
  if (depth === 0) return Object.keys(ScorecardFile.shape);
  if (names[0] === 'rating_criteria') return ['id', 'label'];
  if (depth === 1) return ['name', 'from', 'to', 'units', 'total', 'groups'];
  if (depth === 2) return ['id', 'title', 'points', 'indicators'];
  return ['metric', 'title', 'threshold', 'worst', 'points', 'no_data'];
}

/** The semantic checks on a schema-valid scorecard. */
export function checkScorecardData(card: ScorecardData, locate: Locate, file: string, options: ScorecardCheckOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const report = (at: YamlPath, message: string, severity: Finding['severity'] = 'error', which: 'key' | 'value' = 'value'): void => {
    findings.push({ path: file, ...locate(at, which), severity, message });
  };

  const criteria = new Set<string>();
  card.rating_criteria.forEach((c, i) => {
    if (criteria.has(c.id)) report(['rating_criteria', i, 'id'], `rating criterion '${c.id}' is listed twice; remove one`);
    criteria.add(c.id);
  });

  const known = options.unitIds === undefined ? undefined : new Set(options.unitIds);
  const phaseNames = new Map<string, number>();
  card.phases.forEach((phase, pi) => {
    const at: YamlPath = ['phases', pi];
    const first = phaseNames.get(phase.name);
    if (first !== undefined) report([...at, 'name'], `phase name '${phase.name}' is used twice (also phase ${first + 1}); give each phase its own name`);
    else phaseNames.set(phase.name, pi);
    if (phase.from > phase.to) report([...at, 'to'], `phase '${phase.name}' ends (${phase.to}) before it starts (${phase.from}); swap the dates`);
    checkUnits(phase, at, known, report);
    checkPoints(phase, at, report);
  });
  checkOverlaps(card.phases, locate, report);
  return findings;
}

type Report = (at: YamlPath, message: string, severity?: Finding['severity'], which?: 'key' | 'value') => void;

function checkUnits(phase: ScorecardPhase, at: YamlPath, known: Set<string> | undefined, report: Report): void {
  if (phase.units === 'all') return;
  const seen = new Set<string>();
  phase.units.forEach((id, i) => {
    if (seen.has(id)) report([...at, 'units', i], `unit '${id}' is listed twice in phase '${phase.name}'; remove one`, 'warning');
    seen.add(id);
    if (known !== undefined && !known.has(id)) {
      report([...at, 'units', i], `unit '${id}' is not in the unit tree${didYouMean(id, known) || '; use an id from config/units.yaml'}`);
    }
  });
}

function checkPoints(phase: ScorecardPhase, at: YamlPath, report: Report): void {
  const groupIds = new Set<string>();
  let sum = 0;
  phase.groups.forEach((group, gi) => {
    const g: YamlPath = [...at, 'groups', gi];
    if (groupIds.has(group.id)) report([...g, 'id'], `group id '${group.id}' is used twice in phase '${phase.name}'; give each group its own id`);
    groupIds.add(group.id);
    sum += group.points;
    const metrics = new Set<string>();
    let indicatorSum = 0;
    group.indicators.forEach((ind, ii) => {
      const at: YamlPath = [...g, 'indicators', ii];
      indicatorSum += ind.points;
      if (metrics.has(ind.metric)) report([...at, 'metric'], `metric '${ind.metric}' appears twice in group '${group.id}'; merge the two indicators`);
      metrics.add(ind.metric);
      const spec = METRICS[ind.metric];
      if (spec.unit === 'share' && ind.threshold > 1) {
        report([...at, 'threshold'], `'${ind.metric}' is a share between 0 and 1, so a threshold of ${ind.threshold} can never be reached; write ${ind.threshold <= 100 ? ind.threshold / 100 : 'a fraction'} for ${ind.threshold <= 100 ? `${ind.threshold}%` : 'a percentage'}`);
      }
      if (ind.worst !== undefined) {
        if (spec.better === 'higher') report([...at, 'worst'], `'${ind.metric}' is higher-is-better; \`worst\` applies only to lower-is-better metrics (${lowerMetrics()}); remove it`);
        else if (ind.worst <= ind.threshold) report([...at, 'worst'], `\`worst\` (${ind.worst}) must be greater than the threshold (${ind.threshold}): full points at or below the threshold, none at or above worst`);
        else if (spec.unit === 'share' && ind.worst > 1) report([...at, 'worst'], `'${ind.metric}' is a share between 0 and 1; write \`worst\` as a fraction`);
      }
    });
    if (Math.abs(indicatorSum - group.points) > EPSILON) {
      report([...g, 'points'], `the indicators of group '${group.id}' add up to ${round(indicatorSum)} points, but the group has ${group.points}; make them equal`);
    }
  });
  if (phase.total !== undefined) {
    if (Math.abs(sum - phase.total) > EPSILON) report([...at, 'total'], `the groups of phase '${phase.name}' add up to ${round(sum)} points, but the phase declares total ${phase.total}; make them equal`);
    else if (Math.abs(phase.total - 100) > EPSILON) report([...at, 'total'], `phase '${phase.name}' totals ${phase.total}; scores are read out of 100 (Quyết định 766/QĐ-TTg)`, 'warning');
  } else if (Math.abs(sum - 100) > EPSILON) {
    report([...at, 'groups'], `the groups of phase '${phase.name}' add up to ${round(sum)} points, not 100; declare \`total: ${round(sum)}\` if that is meant`, 'warning', 'key');
  }
}

function lowerMetrics(): string {
  return Object.entries(METRICS)
    .filter(([, spec]) => spec.better === 'lower')
    .map(([name]) => name)
    .join(', ');
}

/** Two phases that share a day must not share a unit: a unit is scored by one set of criteria at a time. */
function checkOverlaps(phases: readonly ScorecardPhase[], locate: Locate, report: Report): void {
  for (let j = 1; j < phases.length; j++) {
    const b = phases[j]!;
    if (b.from > b.to) continue;
    for (let i = 0; i < j; i++) {
      const a = phases[i]!;
      if (a.from > a.to || a.from > b.to || b.from > a.to) continue;
      const shared = sharedUnits(a.units, b.units);
      if (shared === null) continue;
      const line = locate(['phases', i], 'key').line;
      report(
        ['phases', j, 'from'],
        `phase '${b.name}' (${b.from}…${b.to}) overlaps phase '${a.name}' (${a.from}…${a.to}, line ${line}) for ${shared}; a unit is in one phase on any day: change the dates or the units`,
      );
    }
  }
}

/** A description of the units two selections share, or null when they share none. */
function sharedUnits(a: ScorecardPhase['units'], b: ScorecardPhase['units']): string | null {
  if (a === 'all' && b === 'all') return 'all units';
  if (a === 'all') return `unit(s) ${(b as string[]).join(', ')}`;
  if (b === 'all') return `unit(s) ${a.join(', ')}`;
  const other = new Set(b);
  const both = [...new Set(a.filter((u) => other.has(u)))];
  return both.length === 0 ? null : `unit(s) ${both.join(', ')}`;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
