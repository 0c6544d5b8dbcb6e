/**
 * What the service layer is built from. The composition root (src/server) wires the real
 * parts; tests wire the same parts with a manual clock and a temporary data folder.
 */
import type { UnitTree } from '../auth/units.js';
import type { WorkingCalendar } from '../calendar/index.js';
import type { Clock } from '../clock/index.js';
import type { ProcedureRegistry } from '../definitions/registry.js';
import type { Store } from '../storage/index.js';

/** Working calendars by unit: the national calendar with the unit's own overrides. */
export interface Calendars {
  /** The calendar for `unitId` (national when omitted); unknown unit → notFound. */
  forUnit(unitId?: string): WorkingCalendar;
}

export interface ServiceDeps {
  store: Store;
  registry: ProcedureRegistry;
  units: UnitTree;
  calendars: Calendars;
  clock: Clock;
  /** HMAC key for personal identifiers that appear in audit entries (keyed hash, never the value). */
  auditKey: Buffer;
  /** Operator log: one line per event, never personal data. */
  log: (line: string) => void;
}

/** Per-request facts that go into records: the request id for correlation. */
export interface RequestMeta {
  requestId: string | null;
}
