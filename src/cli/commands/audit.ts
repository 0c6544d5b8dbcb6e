/**
 * `motcua audit verify`: checks an audit export offline, with nothing but the export, the log's
 * public key(s) and, ideally, a checkpoint the auditor saved earlier. No database, no server.
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatVerifyReport, splitLines, toPublicKey, verifyExport, type VerifyOptions } from '../../audit/index.js';
import { isMotcuaError } from '../../errors/index.js';
import { EXIT_USAGE, type CliCommand, type CliIO } from '../io.js';
import { rotateKeyCommand, rotateKeyUsage } from './audit-rotate-key.js';

const usage = `usage: motcua audit verify --export <file.jsonl> --public-key <file.pem> [--public-key <older.pem>…] [--checkpoint <pinned.txt>] [--json]

Verifies an audit export offline: recomputes every entry's hash and chain link, the Merkle root
of every checkpoint, checks checkpoint signatures against the public key(s), and, with
--checkpoint, that the export extends the checkpoint you saved earlier (outside the system).

  --export <file>       the export (GET /api/v1/audit/export), JSON Lines
  --public-key <file>   the log's public key (GET /api/v1/audit/public-key); repeat for keys used before a rotation
  --checkpoint <file>   a checkpoint you saved earlier (GET /api/v1/audit/checkpoints/latest)
  --json                print the full report as JSON

exit status: 0 every check holds; 1 something does not hold; 2 usage error or unreadable input`;

async function verifyCommand(args: string[], io: CliIO): Promise<number> {
  let values: { export?: string; 'public-key'?: string[]; checkpoint?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        export: { type: 'string' },
        'public-key': { type: 'string', multiple: true },
        checkpoint: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    io.err(`motcua audit verify: ${(e as Error).message}\n${usage}\n`);
    return EXIT_USAGE;
  }
  const keyFiles = values['public-key'] ?? [];
  if (values.export === undefined || keyFiles.length === 0) {
    io.err(`motcua audit verify: --export and --public-key are required\n${usage}\n`);
    return EXIT_USAGE;
  }

  const exportPath = resolve(io.cwd, values.export);
  const options: VerifyOptions = { publicKeys: [] };
  try {
    options.publicKeys = await Promise.all(keyFiles.map(async (f) => toPublicKey(await readInput(io, f, 'public key'))));
    if (values.checkpoint !== undefined) options.pinned = await readInput(io, values.checkpoint, 'pinned checkpoint');
    // Opened here, not read: the export may be gigabytes and is streamed below.
    const handle = await open(exportPath, 'r').catch((e: NodeJS.ErrnoException) => {
      throw new Error(`cannot read export ${exportPath}: ${e.code ?? e.message}`);
    });
    await handle.close();
  } catch (e) {
    io.err(`motcua audit verify: ${isMotcuaError(e) || e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_USAGE;
  }

  // Bytes, not text: entries are hashed exactly as they are in the file.
  const report = await verifyExport(splitLines(createReadStream(exportPath, { highWaterMark: 1024 * 1024 })), options);
  io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
  return report.ok ? 0 : 1;
}

async function readInput(io: CliIO, file: string, what: string): Promise<string> {
  const path = resolve(io.cwd, file);
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** `motcua audit <subcommand>`. */
export const command: CliCommand = {
  summary: 'verify an audit export offline (motcua audit verify); rotate the signing key (motcua audit rotate-key)',
  usage: `${usage}\n\n${rotateKeyUsage}`,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'verify') return verifyCommand(rest, io);
    if (sub === 'rotate-key') return rotateKeyCommand(rest, io);
    io.err(`motcua audit: ${sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`}; the subcommand is 'verify' (or 'rotate-key')\n${usage}\n`);
    return EXIT_USAGE;
  },
};
