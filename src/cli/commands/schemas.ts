/**
 * `motcua schemas [--write|--check]`: writes or checks the JSON Schemas under `schemas/`
 * generated from the zod definitions. Without a flag it checks.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { renderSchema, schemaFiles } from '../../definitions/json-schema.js';
import { registerDocumentKinds } from '../../documents/index.js';
import { EXIT_USAGE, type CliCommand } from '../io.js';

const usage = `usage: motcua schemas [--write|--check]

  --write   regenerate schemas/*.json from the language definitions
  --check   exit 1 when a checked-in schema differs from the generated one (default)`;

export const command: CliCommand = {
  summary: 'write or check the generated JSON Schemas in schemas/',
  usage,
  async run(args, io) {
    registerDocumentKinds();
    const unknown = args.filter((a) => a !== '--write' && a !== '--check');
    if (unknown.length > 0 || (args.includes('--write') && args.includes('--check'))) {
      io.err(`motcua schemas: ${unknown.length > 0 ? `unknown argument '${unknown[0]}'` : 'choose --write or --check'}\n${usage}\n`);
      return EXIT_USAGE;
    }
    const write = args.includes('--write');
    let stale = 0;
    for (const entry of schemaFiles) {
      const path = resolve(io.cwd, entry.file);
      const text = renderSchema(entry.build());
      if (write) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, text);
        io.out(`wrote ${entry.file}\n`);
        continue;
      }
      const current = await readFile(path, 'utf8').catch(() => undefined);
      if (current === text) io.out(`${entry.file} is up to date\n`);
      else {
        stale++;
        io.err(`${entry.file} is ${current === undefined ? 'missing' : 'stale'}; run \`npm run schemas\` and commit the result\n`);
      }
    }
    return stale > 0 ? 1 : 0;
  },
};
