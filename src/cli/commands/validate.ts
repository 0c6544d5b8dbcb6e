/**
 * `motcua validate [paths…]`: checks procedure files and folders (default `procedures/`) and
 * prints every finding as `path:line:col: error|warning: message`, then a summary on stderr.
 * Exit 1 when any error, 0 otherwise, 2 on a usage error.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkPaths, documentKind } from '../../definitions/check-paths.js';
import { countFindings, formatFinding } from '../../definitions/findings.js';
import { registerDocumentKinds } from '../../documents/index.js';
import { EXIT_USAGE, type CliCommand } from '../io.js';

const usage = `usage: motcua validate [--json] [paths…]

Checks procedure definitions (files, or folders searched for *.yaml and *.yml; default procedures/).
Prints each finding as path:line:col: error|warning: message, and a summary on stderr.
Scenario files (*.scenarios.yaml) are checked for their shape only; their steps are not replayed.
Exit status: 0 no errors, 1 errors found, 2 usage error.

  --json   print the findings as JSON on stdout`;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const command: CliCommand = {
  summary: 'check procedure definitions and report every problem with its line and column',
  usage,
  async run(args, io) {
    registerDocumentKinds();
    let json = false;
    const paths: string[] = [];
    let onlyPaths = false;
    for (const arg of args) {
      if (!onlyPaths && arg === '--') onlyPaths = true;
      else if (!onlyPaths && arg === '--json') json = true;
      else if (!onlyPaths && arg.startsWith('-') && arg !== '-') {
        io.err(`motcua validate: unknown option '${arg}'\n${usage}\n`);
        return EXIT_USAGE;
      } else paths.push(arg);
    }
    const given = paths.length > 0 ? paths : ['procedures/'];
    for (const p of given) {
      const exists = await stat(resolve(io.cwd, p)).then(() => true, () => false);
      if (!exists) {
        const hint = paths.length === 0 ? '; run this in the project folder or pass the files or folders to check' : '';
        io.err(`motcua validate: '${p}' does not exist${hint}\n${usage}\n`);
        return EXIT_USAGE;
      }
    }
    const result = await checkPaths(given, io.cwd);
    const { errors, warnings } = countFindings(result.findings);
    // A scenarios file with a renamed event still passes: say so, or "in 16 files" reads as if
    // every step had been checked against its procedure.
    const scenarioFiles = result.files.filter((f) => documentKind(f) === 'scenarios').length;
    if (json) {
      io.out(`${JSON.stringify({ files: result.files.length, scenarioFiles, errors, warnings, findings: result.findings }, null, 2)}\n`);
    } else {
      for (const f of result.findings) io.out(`${formatFinding(f)}\n`);
    }
    const among = scenarioFiles > 0 ? ` (${plural(scenarioFiles, 'scenario file')} among them: shape checked, steps not replayed)` : '';
    io.err(`${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(result.files.length, 'file')}${among}\n`);
    return errors > 0 ? 1 : 0;
  },
};
