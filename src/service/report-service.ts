/**
 * The reports: the province's scorecard, citizen satisfaction, and the tracking book (sổ theo
 * dõi hồ sơ). Officers see their own subtree, auditors and admins everything; a unit outside the
 * caller's reach answers 404, like a case. Numbers come from SQL aggregation (report-counters-sql.ts)
 * fed into the pure scorecard of src/reports, so the rules live in one place.
 */
import { readFileSync } from 'node:fs';
import type { Actor } from '../auth/policy.js';
import { formatFinding } from '../definitions/findings.js';
import { MotcuaError } from '../errors/index.js';
import { computeScorecard, loadScorecard, phaseByName, rollUpCounters, scorecardToCsv, type ScorecardData, type ScorecardResult } from '../reports/index.js';
import { countersBySql } from './report-counters-sql.js';
import type { ServiceDeps } from './deps.js';
import { localPeriod, reportUnit, subtreeUnits } from './report-period.js';
import { satisfactionBySql, type SatisfactionGrouping, type SatisfactionRow } from './report-satisfaction.js';
import { trackingBookCsv, trackingBookPage, type TrackingBookPage } from './report-tracking-book.js';

/** Query of the scorecard report: a unit's subtree over local dates (both included). */
export interface ScorecardQuery {
  unit?: string | undefined;
  from: string;
  to: string;
  /** A phase by name; by default each unit's phase in force on the last day of the period. */
  phase?: string | undefined;
}

/** The scorecard report. */
export interface ScorecardReport extends ScorecardResult {
  unit: string;
  period: { from: string; to: string };
  /** The phase asked for, or null when each unit's phase was chosen by date. */
  phase: string | null;
  /** The date phases were chosen by (the last day of the period), or null with an explicit phase. */
  phase_date: string | null;
}

export interface SatisfactionQuery {
  unit?: string | undefined;
  from: string;
  to: string;
  by: SatisfactionGrouping;
}

export interface SatisfactionReport {
  unit: string;
  period: { from: string; to: string };
  by: SatisfactionGrouping;
  items: SatisfactionRow[];
  total: SatisfactionRow;
}

export interface TrackingBookQuery {
  unit?: string | undefined;
  from: string;
  to: string;
  limit: number;
  cursor?: string | undefined;
}

export interface ReportService {
  /** Each unit of the subtree scored, with value, numerator, denominator and points of every indicator. */
  scorecard(actor: Actor, query: ScorecardQuery): Promise<ScorecardReport>;
  /** The same as CSV text (without the BOM; the HTTP layer adds it). */
  scorecardCsv(actor: Actor, query: ScorecardQuery): Promise<string>;
  /** Ratings of the dossiers closed in the period, per unit, procedure or receiving officer. */
  satisfaction(actor: Actor, query: SatisfactionQuery): Promise<SatisfactionReport>;
  /** One page of the tracking book (dossiers received in the period, oldest first). */
  trackingBook(actor: Actor, query: TrackingBookQuery): Promise<TrackingBookPage>;
  /** The whole tracking book of the period as CSV, produced page by page. */
  trackingBookCsv(actor: Actor, query: Omit<TrackingBookQuery, 'limit' | 'cursor'>): Promise<AsyncIterable<string>>;
}

/** Creates the report service over the wired parts and the loaded scorecard (config/scorecard.yaml). */
export function createReportService(deps: ServiceDeps, card: ScorecardData): ReportService {
  const zone = () => deps.calendars.forUnit().timeZone;

  async function scorecard(actor: Actor, query: ScorecardQuery): Promise<ScorecardReport> {
    const root = reportUnit(deps.units, actor, query.unit);
    const period = localPeriod(query.from, query.to, zone());
    // An unknown phase name is a 404 with a suggestion, before any database work.
    const phase = query.phase === undefined ? undefined : phaseByName(card, query.phase);
    const units = subtreeUnits(deps.units, root);
    const own = await deps.store.readLong((tx) =>
      countersBySql(tx, { period, unitPath: root.path, unitIds: units.map((u) => u.id), totalUnits: deps.units.all().length, calendarOf: (id) => deps.calendars.forUnit(id), officeDayMs: deps.calendars.forUnit().officeDayMs }),
    );
    // A unit's counters are its whole subtree's: a province scores as the sum of its communes.
    const counters = rollUpCounters(
      units.map((u) => ({ id: u.id, parentId: u.parentId })),
      own,
    );
    // Siblings are ranked among themselves; the root's own siblings are outside the report.
    const scored = units.map((u) => ({ id: u.id, name: u.name, parentId: u.id === root.id ? null : u.parentId }));
    const result = computeScorecard({ scorecard: card, phase, date: query.to, units: scored, counters });
    return {
      ...result,
      unit: root.id,
      period: { from: query.from, to: query.to },
      phase: phase?.name ?? null,
      phase_date: phase === undefined ? query.to : null,
    };
  }

  return {
    scorecard,
    async scorecardCsv(actor, query) {
      return scorecardToCsv(await scorecard(actor, query));
    },

    async satisfaction(actor, query) {
      const root = reportUnit(deps.units, actor, query.unit);
      const period = localPeriod(query.from, query.to, zone());
      const rows = await deps.store.readLong((tx) => satisfactionBySql(tx, { period, unitPath: root.path, by: query.by }));
      const label = (key: string): string => {
        if (query.by === 'unit') return deps.units.get(key)?.name ?? key;
        if (query.by === 'procedure') {
          const ids = deps.registry.ids();
          return ids.includes(key) ? (deps.registry.versions(key).at(-1)?.definition.title ?? key) : key;
        }
        return key;
      };
      return {
        unit: root.id,
        period: { from: query.from, to: query.to },
        by: query.by,
        items: rows.items.map((r) => (query.by === 'officer' ? r : { ...r, label: label(r.key) })),
        total: rows.total,
      };
    },

    async trackingBook(actor, query) {
      const root = reportUnit(deps.units, actor, query.unit);
      const period = localPeriod(query.from, query.to, zone());
      return deps.store.readLong((tx) => trackingBookPage(tx, deps, { period, unitPath: root.path, limit: query.limit, cursor: query.cursor }));
    },

    async trackingBookCsv(actor, query) {
      const root = reportUnit(deps.units, actor, query.unit);
      const period = localPeriod(query.from, query.to, zone());
      return trackingBookCsv(deps, { period, unitPath: root.path });
    },
  };
}

/** Reads config/scorecard.yaml for the server: errors stop the start with line:col, warnings are logged. */
export function loadScorecardConfig(path: string, log: (line: string) => void): ScorecardData {
  const { scorecard, findings } = loadScorecard(readFileSync(path), path);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new MotcuaError('validationFailed', `${path} has ${errors.length} error(s); fix them and restart: ${errors.map(formatFinding).join('; ')}`, { findings });
  }
  for (const f of findings) log(formatFinding(f));
  return scorecard;
}
