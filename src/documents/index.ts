/**
 * Every kind of YAML document motcua reads, in one place: which checker `motcua validate`
 * runs for it and which JSON Schema `npm run schemas` generates for editors. Procedures are
 * built in; calendars, unit trees, scenarios and the scorecard are plugged in here.
 */
import { checkCalendarSource, CalendarFile } from '../calendar/index.js';
import { checkUnitsSource } from '../auth/units-file.js';
import { UnitsFile } from '../auth/units.js';
import { registerDocumentChecker, type DocumentChecker } from '../definitions/check-paths.js';
import { formatFinding, type Finding } from '../definitions/findings.js';
import { registerSchemaFile, toJsonSchema } from '../definitions/json-schema.js';
import { Scenarios } from '../definitions/scenario-schema.js';
import { checkScenariosDocument } from '../definitions/scenarios.js';
import { checkScorecardDocument } from '../reports/scorecard-check.js';
import { ScorecardFile } from '../reports/scorecard-schema.js';

/** Adapts a checker of whole sources; the YAML-level findings are already in the parsed document. */
function fromSource(check: (source: string, path: string) => { findings: Finding[] }): DocumentChecker {
  return (doc, path, source) => {
    const known = new Set(doc.findings.map(formatFinding));
    return check(source, path).findings.filter((f) => !known.has(formatFinding(f)));
  };
}

let registered = false;

/** Registers the document kinds and their schemas (idempotent). */
export function registerDocumentKinds(): void {
  if (registered) return;
  registered = true;
  registerDocumentChecker('calendar', fromSource(checkCalendarSource));
  registerDocumentChecker('units', fromSource(checkUnitsSource));
  registerDocumentChecker('scenarios', (doc, path) => checkScenariosDocument(doc, path));
  registerDocumentChecker('scorecard', (doc, path) => checkScorecardDocument(doc, path));
  registerSchemaFile({ file: 'schemas/calendar.schema.json', build: () => toJsonSchema(CalendarFile, { id: 'urn:motcua:schema:calendar', title: 'motcua working-day calendar' }) });
  registerSchemaFile({ file: 'schemas/units.schema.json', build: () => toJsonSchema(UnitsFile, { id: 'urn:motcua:schema:units', title: 'motcua unit tree' }) });
  registerSchemaFile({ file: 'schemas/scenarios.schema.json', build: () => toJsonSchema(Scenarios, { id: 'urn:motcua:schema:scenarios', title: 'motcua procedure scenarios' }) });
  registerSchemaFile({ file: 'schemas/scorecard.schema.json', build: () => toJsonSchema(ScorecardFile, { id: 'urn:motcua:schema:scorecard', title: 'motcua scorecard' }) });
}
