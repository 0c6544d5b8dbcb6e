/**
 * The checker of procedure definitions: YAML safety, then the zod schema, then the semantic
 * checks, all reported together as findings with line and column. A definition is returned
 * only when there is no error, so nothing with errors is ever loaded.
 */
import { createCheckContext } from './check-context.js';
import { checkAgainstSchema } from './check-schema.js';
import { checkProcedureSemantics } from './check-semantics.js';
import { hasErrors, sortFindings, type Finding } from './findings.js';
import { Procedure, type ProcedureDefinition } from './schema.js';
import { parseYamlSource, type ParsedYaml } from './yaml-source.js';

/** The outcome of checking one procedure document. */
export interface ProcedureCheck {
  /** The validated definition; null when any finding is an error. */
  definition: ProcedureDefinition | null;
  /** Every finding, sorted by position. */
  findings: Finding[];
}

/** Checks a procedure's YAML source; `path` is only used in findings. Never throws. */
export function checkProcedureSource(source: string | Uint8Array, path: string): ProcedureCheck {
  return checkProcedureDocument(parseYamlSource(source, path), path);
}

/** Checks an already parsed document (see {@link parseYamlSource}). Never throws. */
export function checkProcedureDocument(doc: ParsedYaml, path: string): ProcedureCheck {
  if (doc.value === undefined) return { definition: null, findings: sortFindings(doc.findings) };
  const ctx = createCheckContext(path, doc);
  let definition: ProcedureDefinition | undefined;
  try {
    definition = checkAgainstSchema(Procedure, doc.value, ctx);
    checkProcedureSemantics(doc.value, ctx);
  } catch (e) {
    // A checker bug must still surface as one finding, not a stack trace.
    ctx.error([], `internal checker error: ${e instanceof Error ? e.message : String(e)}; please report this with the file`);
  }
  const findings = sortFindings(ctx.findings);
  return { definition: definition && !hasErrors(findings) ? definition : null, findings };
}
