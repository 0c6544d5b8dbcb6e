/**
 * `motcua diagram <id|file.yaml> [--version N] [--procedures dir]`: prints the procedure as a
 * Mermaid `stateDiagram-v2` (paste it into any Mermaid viewer, or a Markdown file).
 */
import { parseArgs } from 'node:util';
import { createRegistry, formatFinding, hasErrors, type Finding, type ProcedureDefinition } from '../../definitions/index.js';
import { didYouMean } from '../../definitions/suggest.js';
import { toMermaid } from '../../engine/index.js';
import { EXIT_USAGE, type CliCommand, type CliIO } from '../io.js';

const usage = `usage: motcua diagram <id|file.yaml> [--version N] [--procedures dir]

  Prints the procedure as a Mermaid stateDiagram-v2.
  <id>              a procedure id from the procedures folder (newest version unless --version)
  <file.yaml>       or a procedure file, checked first
  --version N       the version to draw
  --procedures dir  where procedures live (default: procedures)`;

/** A procedure picked on the command line, or the reason there is none (already written to stderr). */
export type Selected = { ok: true; definition: ProcedureDefinition } | { ok: false; code: number };

/**
 * Loads the procedures folder (or one file) and picks `idOrFile` at `version` (default: the
 * newest). Findings of the files involved are printed; a procedure with errors is never used.
 */
export async function selectProcedure(
  command: string,
  io: CliIO,
  idOrFile: string,
  options: { version?: string | undefined; procedures?: string | undefined },
): Promise<Selected> {
  let version: number | undefined;
  if (options.version !== undefined) {
    version = Number(options.version);
    if (!Number.isInteger(version) || version < 1) {
      io.err(`motcua ${command}: --version must be a whole number ≥ 1, not '${options.version}'\n`);
      return { ok: false, code: EXIT_USAGE };
    }
  }
  const isFile = /\.ya?ml$/i.test(idOrFile);
  const folder = isFile ? idOrFile : (options.procedures ?? 'procedures');
  const registry = createRegistry();
  const { findings } = await registry.loadFolder(folder, io.cwd);
  const printFindings = (list: Finding[]): void => {
    for (const f of list) io.err(`${formatFinding(f)}\n`);
  };

  const ids = registry.ids();
  const id = isFile ? ids[0] : idOrFile;
  if (id === undefined || !ids.includes(id)) {
    if (isFile) {
      printFindings(findings);
      io.err(`motcua ${command}: ${idOrFile} holds no valid procedure\n`);
    } else {
      const broken = findings.filter((f) => f.severity === 'error');
      io.err(`motcua ${command}: procedure '${idOrFile}' is not in ${folder}/${didYouMean(idOrFile, ids)}\n`);
      if (broken.length > 0) io.err(`  (some files there have errors; run motcua validate ${folder})\n`);
    }
    return { ok: false, code: 1 };
  }
  const versions = registry.versions(id);
  const entry = version === undefined ? versions.at(-1) : registry.find(id, version);
  if (entry === undefined) {
    io.err(`motcua ${command}: procedure '${id}' has no version ${String(version)}; its versions are ${versions.map((e) => e.definition.version).join(', ')}\n`);
    return { ok: false, code: 1 };
  }
  const own = findings.filter((f) => f.path === entry.path);
  if (hasErrors(own)) {
    printFindings(own);
    return { ok: false, code: 1 };
  }
  printFindings(own);
  return { ok: true, definition: entry.definition };
}

export const command: CliCommand = {
  summary: 'print a procedure as a Mermaid state diagram',
  usage,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: { version: { type: 'string' }, procedures: { type: 'string' } },
      });
    } catch (e) {
      io.err(`motcua diagram: ${e instanceof Error ? e.message : String(e)}\n${usage}\n`);
      return EXIT_USAGE;
    }
    const [target, ...extra] = parsed.positionals;
    if (target === undefined || extra.length > 0) {
      io.err(`motcua diagram: ${target === undefined ? 'name a procedure' : `unexpected argument '${extra[0]}'`}\n${usage}\n`);
      return EXIT_USAGE;
    }
    const selected = await selectProcedure('diagram', io, target, parsed.values);
    if (!selected.ok) return selected.code;
    io.out(toMermaid(selected.definition));
    return 0;
  },
};
