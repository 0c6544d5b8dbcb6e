/**
 * What every check of one document shares: where findings go, how a path in the document
 * becomes a line and column, and which spots already have a schema error (so a later check
 * does not report the same spot twice in other words).
 */
import type { Finding } from './findings.js';
import type { ParsedYaml, YamlPath, YamlPosition } from './yaml-source.js';

/** The findings sink and position lookup for checking one document. */
export interface CheckContext {
  readonly path: string;
  readonly doc: ParsedYaml;
  readonly findings: Finding[];
  /** Reports at the key (default) or the value found at `at`. */
  error(at: YamlPath, message: string, which?: 'key' | 'value'): void;
  warn(at: YamlPath, message: string, which?: 'key' | 'value'): void;
  /** Reports at an exact position (e.g. inside an expression). */
  errorAt(pos: YamlPosition, message: string): void;
  markSchemaError(at: YamlPath): void;
  /** Whether `at` (or `at` + `key`, which spares callers building the path) has a schema error. */
  hasSchemaError(at: YamlPath, key?: string | number): boolean;
}

const join = (p: YamlPath): string => p.map(String).join('\u0000');

/** Creates the context; the document's own findings (YAML level) come first. */
export function createCheckContext(path: string, doc: ParsedYaml): CheckContext {
  const findings: Finding[] = [...doc.findings];
  const schemaErrors = new Set<string>();
  const push = (severity: Finding['severity'], pos: YamlPosition, message: string): void => {
    findings.push({ path, line: pos.line, col: pos.col, severity, message });
  };
  return {
    path,
    doc,
    findings,
    error: (at, message, which = 'key') => push('error', doc.locate(at, which), message),
    warn: (at, message, which = 'key') => push('warning', doc.locate(at, which), message),
    errorAt: (pos, message) => push('error', pos, message),
    markSchemaError: (at) => void schemaErrors.add(join(at)),
    // A valid document has no schema errors, and the semantic checks ask for every path they visit.
    hasSchemaError: (at, key) => schemaErrors.size > 0 && schemaErrors.has(key === undefined ? join(at) : join([...at, key])),
  };
}
