/**
 * The server's settings, read once from the environment and validated at the boundary.
 * Everything has a default so `npm start` works on a fresh clone.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { MotcuaError } from '../errors/index.js';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  MOTCUA_DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// (leave it unset to use the embedded SQLite file)')
    .optional(),
  MOTCUA_PROCEDURES_DIR: z.string().min(1).default('procedures'),
  MOTCUA_CONFIG_DIR: z.string().min(1).default('config'),
  MOTCUA_DEMO: z.enum(['0', '1']).default('1'),
  MOTCUA_TRUST_PROXY: z.enum(['0', '1']).default('0'),
  MOTCUA_CLOCK_START: z.iso
    .datetime({ offset: true, error: 'MOTCUA_CLOCK_START must be an instant with its offset, e.g. 2026-03-02T02:00:00Z or 2026-03-02T09:00:00+07:00 (leave it unset to use the real clock)' })
    .optional(),
});

/** Validated server settings with absolute paths. */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  proceduresDir: string;
  configDir: string;
  /** Seed the demo province and users on first start. */
  demo: boolean;
  /** A reverse proxy in front sets X-Forwarded-For; public rate limits count by it. */
  trustProxy: boolean;
  /** For tests and demos: `motcua serve` starts its clock at this instant, then runs at real speed. */
  clockStart: Date | undefined;
}

/** Reads the settings; a bad value is a clear error naming the variable. */
export function readServerConfig(env: Record<string, string | undefined>, cwd: string): ServerConfig {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new MotcuaError('badRequest', `invalid environment: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(cwd, e.MOTCUA_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    proceduresDir: resolve(cwd, e.MOTCUA_PROCEDURES_DIR),
    configDir: resolve(cwd, e.MOTCUA_CONFIG_DIR),
    demo: e.MOTCUA_DEMO === '1',
    trustProxy: e.MOTCUA_TRUST_PROXY === '1',
    clockStart: e.MOTCUA_CLOCK_START === undefined ? undefined : new Date(e.MOTCUA_CLOCK_START),
  };
}
