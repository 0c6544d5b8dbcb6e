/** What a CLI command may touch: its output streams, the working folder and the environment. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** A CLI command: takes its arguments, returns the process exit code (0 ok, 1 findings/failure, 2 usage). */
export type CliCommand = {
  summary: string;
  usage: string;
  run(args: string[], io: CliIO): Promise<number>;
};

/** The IO of the real process. */
export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Exit code for a usage error. */
export const EXIT_USAGE = 2;
