/**
 * Procedure definitions: the language (zod schema), its checker, the JSON Schemas inside a
 * procedure, guard expressions, and the registry of published versions. Pure, except
 * `checkPaths` and `registry.loadFolder`, which read files.
 */
export {
  Procedure,
  State,
  Transition,
  InputSpec,
  type ProcedureDefinition,
  type StateNode,
  type TransitionDef,
  type InputSpecDef,
} from './schema.js';
export { checkProcedureSource, checkProcedureDocument, type ProcedureCheck } from './check.js';
export { checkPaths, registerDocumentChecker, documentKind, type CheckedProcedure, type PathsCheck, type DocumentKind } from './check-paths.js';
export { formatFinding, sortFindings, hasErrors, countFindings, type Finding } from './findings.js';
export { compileDataSchema, inputJsonSchema, piiPaths, type DataValidator, type FieldError, type JsonSchema } from './data-schema.js';
export { parseExpression, evaluateGuard, type CompiledExpression, type GuardContext } from './expressions.js';
export { createRegistry, type ProcedureRegistry, type ProcedureSummary, type RegisteredProcedure } from './registry.js';
