/** Reading config/units.yaml: safe YAML, the zod schema, then duplicate checks, all with line:col. */
import type { Finding } from '../definitions/findings.js';
import { hasErrors, sortFindings } from '../definitions/findings.js';
import { parseYamlSource } from '../definitions/yaml-source.js';
import { MotcuaError } from '../errors/index.js';
import { buildUnitTree, UnitsFile, type UnitTree } from './units.js';

/** Checks a units file; never throws. `tree` is null when there are errors. */
export function checkUnitsSource(source: string | Uint8Array, path: string): { tree: UnitTree | null; findings: Finding[] } {
  const parsed = parseYamlSource(source, path);
  const findings = [...parsed.findings];
  if (parsed.value === undefined) return { tree: null, findings };
  const result = UnitsFile.safeParse(parsed.value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const p = issue.path.filter((s): s is string | number => typeof s === 'string' || typeof s === 'number');
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const pos = keys.length > 0 ? parsed.locate([...p, keys[0]!]) : parsed.locate(p, 'value');
      const message = keys.length > 0 ? `unknown key '${keys[0]}' (allowed: id, name, level, code, children)` : `${p.join('.')}: ${issue.message}`;
      findings.push({ path, ...pos, severity: 'error', message });
    }
    return { tree: null, findings: sortFindings(findings) };
  }
  const { tree, problems } = buildUnitTree(result.data);
  for (const problem of problems) findings.push({ path, line: 1, col: 1, severity: 'error', message: problem });
  return { tree: hasErrors(findings) ? null : tree, findings: sortFindings(findings) };
}

/** Reads the unit tree for use; throws listing every error. */
export function loadUnits(source: string | Uint8Array, path: string): UnitTree {
  const { tree, findings } = checkUnitsSource(source, path);
  if (!tree) {
    const lines = findings.filter((f) => f.severity === 'error').map((f) => `${f.path}:${f.line}:${f.col}: ${f.message}`);
    throw new MotcuaError('validationFailed', `the unit tree ${path} has errors; fix them and restart:\n${lines.join('\n')}`, { findings });
  }
  return tree;
}
