/**
 * The motcua command line: `motcua <command> [args…]`. Each command lives in
 * src/cli/commands/<name>.ts; this file only dispatches.
 */
import { EXIT_USAGE, processIO, type CliCommand, type CliIO } from './io.js';

/** Commands by name, loaded lazily so `motcua validate` does not pay for the server's imports. */
const commands: Record<string, () => Promise<CliCommand>> = {
  validate: () => import('./commands/validate.js').then((m) => m.command),
  schemas: () => import('./commands/schemas.js').then((m) => m.command),
  simulate: () => import('./commands/simulate.js').then((m) => m.command),
  diagram: () => import('./commands/diagram.js').then((m) => m.command),
  audit: () => import('./commands/audit.js').then((m) => m.command),
  migrate: () => import('./commands/migrate.js').then((m) => m.command),
  serve: () => import('./commands/serve.js').then((m) => m.command),
  users: () => import('./commands/users.js').then((m) => m.command),
};

function help(io: CliIO, names: string[]): void {
  io.out('usage: motcua <command> [args…]\n\ncommands:\n');
  for (const name of names) io.out(`  ${name}\n`);
  io.out('\nmotcua <command> --help shows a command\'s usage.\n');
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  const names = Object.keys(commands).sort();
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    help(io, names);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const load = commands[name];
  if (!load) {
    io.err(`motcua: unknown command '${name}'; commands are: ${names.join(', ')}\n`);
    return EXIT_USAGE;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // A command that throws is a bug; the user still gets one clear line, never a stack trace.
    io.err(`motcua ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
