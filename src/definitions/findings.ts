/**
 * A finding is one problem the checker reports about a document: where it is (1-based line and
 * column), how bad it is, and what to do about it. Reports never stop at the first finding.
 */

/** One problem in a document, at a 1-based line and column. */
export interface Finding {
  path: string;
  line: number;
  col: number;
  severity: 'error' | 'warning';
  message: string;
}

/** Formats a finding the way compilers do, so editors and terminals can jump to it: `path:line:col: error: message`. */
export function formatFinding(f: Finding): string {
  // One finding, one line, whatever a message quotes from the document.
  return `${f.path}:${f.line}:${f.col}: ${f.severity}: ${f.message.replace(/\s*\n\s*/g, ' ')}`;
}

/** Orders findings by path, then line, then column (stable for equal positions). */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.line - b.line || a.col - b.col;
}

/** Returns a sorted copy of the findings. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** True when at least one finding is an error. */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Counts errors and warnings. */
export function countFindings(findings: readonly Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const f of findings) if (f.severity === 'error') errors++;
  return { errors, warnings: findings.length - errors };
}
