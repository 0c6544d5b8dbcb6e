/**
 * Checking files and folders: finds the YAML documents, decides what kind each one is, and
 * sends it to the checker of that kind. Procedures are checked here; calendars and unit trees
 * plug their checkers in with {@link registerDocumentChecker}. This is the definitions
 * module's one file-system edge; everything it calls is pure.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { checkProcedureDocument } from './check.js';
import { sortFindings, type Finding } from './findings.js';
import type { ProcedureDefinition } from './schema.js';
import { DEFAULT_MAX_BYTES, parseYamlSource, sizeCapMessage, type ParsedYaml } from './yaml-source.js';

/** The kinds of YAML document motcua reads. */
export type DocumentKind = 'procedure' | 'scenarios' | 'calendar' | 'units' | 'scorecard';

/** Checks one parsed document of a kind; returns its findings (the YAML-level ones are already in `doc.findings`). */
export type DocumentChecker = (doc: ParsedYaml, path: string, source: string) => Finding[];

/** A procedure that passed every check, with the path it was read from and its source text. */
export interface CheckedProcedure {
  path: string;
  source: string;
  definition: ProcedureDefinition;
}

/** The outcome of {@link checkPaths}. */
export interface PathsCheck {
  findings: Finding[];
  procedures: CheckedProcedure[];
  /** Every document checked (display paths). */
  files: string[];
  /** Documents left unchecked because their bytes are known already (see {@link CheckPathsOptions}). */
  skipped: string[];
}

export interface CheckPathsOptions {
  /**
   * SHA-256 (hex) of sources already checked and kept elsewhere (published procedure versions):
   * a file with exactly these bytes is skipped, neither parsed nor returned.
   */
  knownSha256?: ReadonlySet<string>;
}

const checkers = new Map<DocumentKind, DocumentChecker>();
const KINDS: readonly DocumentKind[] = ['procedure', 'scenarios', 'calendar', 'units', 'scorecard'];

/** Plugs in the checker of a document kind (calendars, unit trees, scenarios). The last registration wins. */
export function registerDocumentChecker(kind: Exclude<DocumentKind, 'procedure'>, checker: DocumentChecker): void {
  checkers.set(kind, checker);
}

/**
 * The kind of a document, decided in one place: `*.scenarios.yaml` files are scenarios; an
 * explicit top-level `kind:` wins next; files under a `calendars` folder are calendars;
 * everything else is a procedure. Undefined for an unknown `kind:`.
 */
export function documentKind(path: string, value?: unknown): DocumentKind | undefined {
  if (/\.scenarios\.ya?ml$/i.test(path)) return 'scenarios';
  const kind = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)['kind'] : undefined;
  if (kind !== undefined) return KINDS.find((k) => k === kind);
  if (path.split(/[\\/]/).slice(0, -1).includes('calendars')) return 'calendar';
  if (/(^|[\\/])units\.ya?ml$/i.test(path)) return 'units';
  if (/(^|[\\/])scorecard\.ya?ml$/i.test(path)) return 'scorecard';
  return 'procedure';
}

/**
 * Checks files and folders (folders recursively, `*.yaml`/`*.yml`), relative to `cwd`. Never
 * throws for bad documents: a missing path or an unreadable file is a finding too.
 */
export async function checkPaths(paths: string[], cwd: string = process.cwd(), options: CheckPathsOptions = {}): Promise<PathsCheck> {
  const result: PathsCheck = { findings: [], procedures: [], files: [], skipped: [] };
  const seen = new Set<string>();
  const versions = new Map<string, string>();
  for (const given of paths) {
    const absolute = resolve(cwd, given);
    const display = displayPath(absolute, cwd, given);
    let files: string[];
    try {
      files = (await stat(absolute)).isDirectory() ? await findYamlFiles(absolute) : [absolute];
    } catch {
      result.findings.push({ path: display, line: 1, col: 1, severity: 'error', message: 'no such file or folder; check the path' });
      continue;
    }
    for (const file of files) {
      if (seen.has(file)) continue;
      seen.add(file);
      const shown = file === absolute ? display : displayPath(file, cwd, file);
      if (documentKind(file) === 'scenarios' && !checkers.has('scenarios')) continue;
      await checkFile(file, shown, result, versions, options.knownSha256);
    }
  }
  result.findings = sortFindings(result.findings);
  return result;
}

async function checkFile(file: string, shown: string, result: PathsCheck, versions: Map<string, string>, known: ReadonlySet<string> | undefined): Promise<void> {
  const problem = (message: string): void => void result.findings.push({ path: shown, line: 1, col: 1, severity: 'error', message });
  let bytes: Uint8Array;
  try {
    // Refuse an oversized file before reading it: a 10 MB upload must cost nothing.
    const size = (await stat(file)).size;
    if (size > DEFAULT_MAX_BYTES) {
      result.files.push(shown);
      return problem(sizeCapMessage(size));
    }
    bytes = await readFile(file);
  } catch (e) {
    result.files.push(shown);
    return problem(`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (known !== undefined && known.size > 0 && known.has(createHash('sha256').update(bytes).digest('hex'))) {
    result.skipped.push(shown);
    return;
  }
  result.files.push(shown);
  const doc = parseYamlSource(bytes, shown);
  const kind = documentKind(file, doc.value);
  if (kind === undefined) {
    result.findings.push(...doc.findings);
    const pos = doc.locate(['kind'], 'value');
    result.findings.push({ path: shown, ...pos, severity: 'error', message: `unknown document kind; use one of: ${KINDS.filter((k) => k !== 'scenarios').join(', ')} (scenario files are named *.scenarios.yaml)` });
    return;
  }
  const source = new TextDecoder().decode(bytes);
  if (kind !== 'procedure') {
    const checker = checkers.get(kind);
    result.findings.push(...doc.findings);
    if (!checker || doc.value === undefined) return;
    try {
      result.findings.push(...checker(doc, shown, source));
    } catch (e) {
      problem(`internal ${kind} checker error: ${e instanceof Error ? e.message : String(e)}; please report this with the file`);
    }
    return;
  }
  const checked = checkProcedureDocument(doc, shown);
  result.findings.push(...checked.findings);
  if (!checked.definition) return;
  const key = `${checked.definition.id}\u0000${checked.definition.version}`;
  const other = versions.get(key);
  if (other !== undefined) {
    const pos = doc.locate(['version'], 'value');
    result.findings.push({
      path: shown,
      ...pos,
      severity: 'error',
      message: `procedure '${checked.definition.id}' version ${checked.definition.version} is also defined in ${other}; a change is a new version: raise \`version\``,
    });
    return;
  }
  versions.set(key, shown);
  result.procedures.push({ path: shown, source, definition: checked.definition });
}

/** YAML files under a folder, sorted, skipping hidden folders and node_modules. Symlinked folders are not followed (no loops). */
async function findYamlFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = resolve(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await findYamlFiles(full)));
    else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out;
}

/** Paths as the user would write them: relative to cwd when inside it, absolute otherwise. */
function displayPath(absolute: string, cwd: string, given: string): string {
  const rel = relative(cwd, absolute);
  if (rel === '') return basename(absolute);
  if (rel.startsWith('..') || isAbsolute(rel)) return isAbsolute(given) ? absolute : given;
  return sep === '\\' ? rel.replaceAll('\\', '/') : rel;
}
