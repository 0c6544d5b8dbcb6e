/**
 * The real server as a child process: `node bin/motcua.js serve` on a data folder and port of
 * the test's choosing, on the embedded SQLite store or on the PostgreSQL database it is given,
 * with its clock started at a fixed instant (MOTCUA_CLOCK_START): deadlines are working days of
 * the shipped calendar, which ends in a known year, so the machine's date must not decide them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'motcua.js');

/** Monday 2 March 2026, 09:00 in Việt Nam: a working day, far from holidays and the calendar's ends. */
export const CLOCK_START = '2026-03-02T02:00:00Z';

/** A running `motcua serve`. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Resolves when the process has exited (with its code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port nobody listens on right now (the kernel picks it; PORT=0 is not supported by serve). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when the compiled server exists (npm test builds it before running the tests). */
export function serverIsBuilt(): boolean {
  return existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
}

/** How to start the server. */
export interface StartOptions {
  /** The PostgreSQL database; without it, the SQLite file in the data folder, whatever this process's env says. */
  databaseUrl?: string | undefined;
  /** The instant the server's clock starts at (default {@link CLOCK_START}). */
  clockStart?: string;
  timeoutMs?: number;
}

/** Starts the server and resolves once it listens; rejects with its stderr if it does not start. */
export function startServer(dataDir: string, port: number, options: StartOptions = {}): Promise<ServerProcess> {
  const { databaseUrl, clockStart = CLOCK_START, timeoutMs = 30_000 } = options;
  const env: Record<string, string | undefined> = { ...process.env, MOTCUA_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', MOTCUA_DEMO: '1', MOTCUA_CLOCK_START: clockStart };
  delete env.DATABASE_URL;
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const server: ServerProcess = { child, port, stderr: () => err, exited };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`motcua serve did not start within ${timeoutMs} ms; stderr:\n${err}\nstdout:\n${out}`));
    }, timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('motcua serving')) {
        clearTimeout(timer);
        resolve(server);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`motcua serve exited (code ${code}, signal ${signal}) before listening; stderr:\n${err}`));
    });
  });
}

/** Kills with SIGKILL (no chance to finish anything) and waits for the exit. */
export async function killHard(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}
