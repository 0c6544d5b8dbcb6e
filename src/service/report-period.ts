/**
 * Report periods and scopes as the reports API takes them: local dates (both days included)
 * and a unit whose subtree the report covers, checked against what the caller may see.
 */
import { canSeeUnit, type Actor } from '../auth/policy.js';
import type { UnitInfo, UnitTree } from '../auth/units.js';
import { TIME_ZONE_OFFSETS, type TimeZone } from '../calendar/index.js';
import { MotcuaError } from '../errors/index.js';
import type { ReportPeriod } from '../reports/index.js';

const MS_PER_DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A report period given as local dates, both included, with its instants [from, to). */
export interface LocalPeriod extends ReportPeriod {
  fromDate: string;
  toDate: string;
}

/** The instants of local dates `fromDate`..`toDate` (both included) in `zone`. */
export function localPeriod(fromDate: string, toDate: string, zone: TimeZone): LocalPeriod {
  const offsetMs = TIME_ZONE_OFFSETS[zone] * 60_000;
  const start = (date: string, name: string): number => {
    const ms = DATE.test(date) ? Date.parse(`${date}T00:00:00.000Z`) : Number.NaN;
    if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
      throw new MotcuaError('badRequest', `\`${name}\` must be a date YYYY-MM-DD, got '${date}'.`);
    }
    return ms - offsetMs;
  };
  const from = start(fromDate, 'from');
  const to = start(toDate, 'to') + MS_PER_DAY;
  if (to <= from) throw new MotcuaError('badRequest', `\`from\` (${fromDate}) must not be after \`to\` (${toDate}); both days are included.`);
  return { from: new Date(from), to: new Date(to), fromDate, toDate };
}

/**
 * The unit a report covers: the one asked for, or the caller's home unit. Outside the caller's
 * reach (or unknown) it is `notFound`, the same answer either way, as for cases.
 */
export function reportUnit(units: UnitTree, actor: Actor, unitId: string | undefined): UnitInfo {
  const id = unitId ?? actor.unitId;
  const unit = units.get(id);
  if (unit === undefined || !canSeeUnit(actor, unit.path)) {
    throw new MotcuaError('notFound', `No unit '${id}' within your reach; GET /api/v1/units lists the units.`, { unit: id });
  }
  return unit;
}

/** The unit and every unit under it, parents before children. */
export function subtreeUnits(units: UnitTree, root: UnitInfo): UnitInfo[] {
  return units.all().filter((u) => u.path.startsWith(root.path));
}
